"""Admin side of sending (`x-admin-auth`): sender permissions and balances, all sent items, admin sends."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail.errors import bad_request, not_found
from tempmail.ports import Row
from tempmail.sending import request as send_request
from tempmail.sending import service
from tempmail.store import addresses, sendbox, senders
from tempmail.web.admin import admin_services, query_text
from tempmail.web.inputs import json_object, paging, path_id, required_int, required_str
from tempmail.web.sending import OK, sent_item


def sender_view(row: Row) -> dict[str, Any]:
    """A sender row; `id` is the address id, which is what POST and DELETE take."""
    return {
        "id": row["address_id"],
        "address_id": row["address_id"],
        "address": row["address"],
        "balance": row["balance"],
        "enabled": bool(row["enabled"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def list_senders(request: Request) -> JSONResponse:
    """`GET /admin/address_sender?limit&offset&address`: sender permissions and balances."""
    svc = await admin_services(request)
    limit, offset = paging(request)
    address = query_text(request, "address")
    address = address.lower() if address else None
    rows = await senders.list_page(svc.db, limit, offset, address)
    return JSONResponse(
        {"results": [sender_view(r) for r in rows], "count": await senders.count(svc.db, address)}
    )


def _enabled(body: dict[str, Any]) -> bool:
    value = body.get("enabled")
    if value in (True, False, 0, 1) and type(value) in (bool, int):
        return bool(value)
    raise bad_request("'enabled' must be true/false (or 1/0)", "invalid_field")


async def put_sender(request: Request) -> JSONResponse:
    """`POST /admin/address_sender` `{address_id, balance, enabled}`: grant, change or revoke sending."""
    svc = await admin_services(request)
    body = await json_object(request)
    address_id = required_int(body, "address_id")
    balance = body.get("balance")
    if type(balance) is not int or balance < 0:
        raise bad_request("'balance' must be a whole number of at least 0", "invalid_field")
    enabled = _enabled(body)
    if await addresses.get_by_id(svc.db, address_id) is None:
        raise not_found("no such address")
    await senders.put(svc.db, address_id, balance, enabled)
    return JSONResponse({"success": True})


async def delete_sender(request: Request) -> JSONResponse:
    """`DELETE /admin/address_sender/:address_id`: remove an address's sender row."""
    svc = await admin_services(request)
    if not await senders.delete(svc.db, path_id(request, "address_id")):
        raise not_found("that address has no sender row")
    return JSONResponse({"success": True})


async def list_sent(request: Request) -> JSONResponse:
    """`GET /admin/sendbox?limit&offset&address`: every sent item, or one address's."""
    svc = await admin_services(request)
    limit, offset = paging(request)
    name = query_text(request, "address")
    if name is None:
        rows, count = await sendbox.list_all(svc.db, limit, offset), await sendbox.total(svc.db)
    else:
        owner = await addresses.get_by_name(svc.db, name.lower())
        if owner is None:
            rows, count = [], 0
        else:
            rows = await sendbox.list_for_address(svc.db, owner["id"], limit, offset)
            count = owner["send_count"]
    return JSONResponse({"results": [sent_item(r) for r in rows], "count": count})


async def delete_sent(request: Request) -> JSONResponse:
    """`DELETE /admin/sendbox/:id`: any one sent item."""
    svc = await admin_services(request)
    if not await sendbox.delete(svc.db, path_id(request, "item_id")):
        raise not_found("no such sent item")
    return JSONResponse({"success": True})


async def admin_send(request: Request) -> JSONResponse:
    """`POST /admin/send_mail` `{from_mail, ...send body}`: send as any address, without a balance."""
    svc = await admin_services(request)
    body = await json_object(request)
    from_mail = required_str(body, "from_mail", 254).strip().lower()
    address = await addresses.get_by_name(svc.db, from_mail)
    if address is None:
        raise not_found("'from_mail' is not an address of this service")
    await service.send(svc, address, send_request.parse(body), admin=True)
    return JSONResponse(OK)


ROUTES = [
    Route("/admin/address_sender", list_senders, methods=["GET"]),
    Route("/admin/address_sender", put_sender, methods=["POST"]),
    Route("/admin/address_sender/{address_id}", delete_sender, methods=["DELETE"]),
    Route("/admin/sendbox", list_sent, methods=["GET"]),
    Route("/admin/sendbox/{item_id}", delete_sent, methods=["DELETE"]),
    Route("/admin/send_mail", admin_send, methods=["POST"]),
]
