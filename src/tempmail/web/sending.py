"""Sending as an address over HTTP, and the address's sent items (cloudflare_temp_email shapes)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail.errors import ApiError, disabled, not_found, unauthorized
from tempmail.ports import Row
from tempmail.sending import request as send_request
from tempmail.sending import service
from tempmail.store import sendbox, senders
from tempmail.web.auth import address_from_token, require_address
from tempmail.web.context import services
from tempmail.web.inputs import json_object, paging, path_id

OK = {"status": "ok"}


def sent_item(row: Row) -> dict[str, Any]:
    """A sent item as the API shows it: `raw` is the send request as JSON."""
    return {
        "id": row["id"],
        "address": row["address"],
        "raw": row["raw"],
        "message_id": row["message_id"],
        "created_at": row["created_at"],
    }


async def send_mail(request: Request) -> JSONResponse:
    """`POST /api/send_mail` with a Bearer address JWT; body `{from_name, to_name, to_mail, subject, ...}`."""
    svc = services(request)
    address = await require_address(request, svc)
    body = await json_object(request)
    await service.send(svc, address, send_request.parse(body))
    return JSONResponse(OK)


async def external_send_mail(request: Request) -> JSONResponse:
    """`POST /external/api/send_mail`: the same body plus `token`, the address JWT; no auth header."""
    svc = services(request)
    body = await json_object(request)
    token = body.get("token")
    if not isinstance(token, str) or not token.strip():
        raise unauthorized("'token' (the address JWT) is required")
    address = await address_from_token(svc, token.strip())
    await service.send(svc, address, send_request.parse(body))
    return JSONResponse(OK)


async def request_send_access(request: Request) -> JSONResponse:
    """`POST /api/request_send_mail_access`: create the address's sender row for an admin to enable.

    With DEFAULT_SEND_BALANCE > 0 the row is enabled with that balance at once.
    """
    svc = services(request)
    address = await require_address(request, svc)
    default = svc.settings.default_send_balance
    if not await senders.create(svc.db, address["id"], default, enabled=default > 0):
        raise ApiError(400, "already_requested", "this address has already asked for send access")
    return JSONResponse(OK)


async def list_sendbox(request: Request) -> JSONResponse:
    """`GET /api/sendbox?limit&offset`: the address's sent items, newest first."""
    svc = services(request)
    address = await require_address(request, svc)
    limit, offset = paging(request)
    rows = await sendbox.list_for_address(svc.db, address["id"], limit, offset)
    count = await sendbox.count_for_address(svc.db, address["id"])
    return JSONResponse({"results": [sent_item(r) for r in rows], "count": count})


async def delete_sent_item(request: Request) -> JSONResponse:
    """`DELETE /api/sendbox/:id`: one of the address's sent items, when ENABLE_USER_DELETE_EMAIL allows."""
    svc = services(request)
    if not svc.settings.enable_user_delete_email:
        raise disabled("deleting mail")
    address = await require_address(request, svc)
    if not await sendbox.delete(svc.db, path_id(request, "item_id"), address["id"]):
        raise not_found("no such sent item")
    return JSONResponse({"success": True})


ROUTES = [
    Route("/api/send_mail", send_mail, methods=["POST"]),
    Route("/external/api/send_mail", external_send_mail, methods=["POST"]),
    Route("/api/request_send_mail_access", request_send_access, methods=["POST"]),
    Route("/api/sendbox", list_sendbox, methods=["GET"]),
    Route("/api/sendbox/{item_id}", delete_sent_item, methods=["DELETE"]),
]
