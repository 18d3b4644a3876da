"""The HTTP side: one Starlette app served by uvicorn locally and by the SDK's ASGI bridge on Workers."""
