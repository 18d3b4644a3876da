"""Service-level routes: health, and the local host's wrangler-dev email route."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from tempmail.errors import ApiError, bad_request
from tempmail.inbound import deliver
from tempmail.policy import Rejected
from tempmail.web.context import services


async def health_check(_request: Request) -> PlainTextResponse:
    """`OK` while the process serves requests."""
    return PlainTextResponse("OK")


async def push_email(request: Request) -> JSONResponse:
    """`POST /cdn-cgi/handler/email?from=..&to=..`: deliver the body as a raw message, like wrangler dev."""
    mail_from = request.query_params.get("from", "").strip()
    rcpt_to = request.query_params.get("to", "").strip()
    if not mail_from or not rcpt_to:
        raise bad_request("query parameters 'from' and 'to' are required", "invalid_query")
    svc = services(request)
    # Refuse before reading a body that is over the limit, as SMTP would.
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > svc.settings.max_message_size:
        raise ApiError(413, "message_too_large", "message is over MAX_MESSAGE_SIZE")
    raw = await request.body()
    try:
        delivered = await deliver(svc, raw, mail_from, rcpt_to)
    except Rejected as exc:
        status = 413 if exc.code == 552 else 422
        raise ApiError(status, "rejected", exc.reason) from exc
    return JSONResponse({"ok": True, "id": delivered.mail_id, "parse_status": delivered.parse_status})


ROUTES = [Route("/health_check", health_check, methods=["GET"])]
LOCAL_ROUTES = [Route("/cdn-cgi/handler/email", push_email, methods=["POST"])]
