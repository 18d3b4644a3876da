"""The mail.td dialect: an account's messages, with raw source, attachments, read flags and soft delete.

The account is an address: `account_id` is its `address_id` or the address itself, and the
token is the address JWT (or one from `POST /api/token`). Another account's id is 404, as is
any message that is not this account's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tempmail.errors import ApiError, bad_request, disabled, not_found, unauthorized
from tempmail.ports import Row
from tempmail.security import issue_address_token
from tempmail.services import Services
from tempmail.store import addresses, mails
from tempmail.web import throttle
from tempmail.web.addresses import create_address
from tempmail.web.auth import password_login, require_address
from tempmail.web.context import services
from tempmail.web.downloads import attachment_index, attachment_response, raw_response
from tempmail.web.formats import iso_time
from tempmail.web.inputs import json_object, new_password_field, path_id, query_int, required_str

PAGE_SIZE = 30
MAX_BATCH = 200


async def _account(request: Request) -> tuple[Services, Row]:
    svc = services(request)
    address = await require_address(request, svc)
    account_id = request.path_params["account_id"].strip().lower()
    if account_id not in (str(address["id"]), address["name"]):
        raise not_found("no such account")
    return svc, address


def _expired(svc: Services, row: Row) -> bool:
    days = svc.settings.mail_retention_days
    if days <= 0:
        return False
    cutoff = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
    return row["created_at"] < cutoff


async def _message(request: Request) -> tuple[Services, Row]:
    svc, address = await _account(request)
    row = await mails.get_for_address(svc.db, address["id"], path_id(request, "message_id"))
    if row is None:
        raise not_found("no such message")
    if _expired(svc, row):
        raise ApiError(410, "expired", "this message has expired")
    return svc, row


def summary(row: Row) -> dict[str, Any]:
    """A message in mail.td's list shape: `sender` is the envelope sender, `from` the From header."""
    return {
        "id": row["id"],
        "sender": row["source"],
        "from": row["from_addr"],
        "subject": row["subject"],
        "preview_text": row["preview"],
        "size": row["raw_size"],
        "is_read": bool(row["is_read"]),
        "created_at": iso_time(row["created_at"]),
    }


async def list_messages(request: Request) -> JSONResponse:
    """`GET .../messages?page=N`: 30 per page, newest first; a short page is the last."""
    svc, address = await _account(request)
    page = query_int(request, "page", 1, 1, 100_000)
    rows = await mails.list_for_address(svc.db, address["id"], PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return JSONResponse([summary(r) for r in rows])


async def get_message(request: Request) -> JSONResponse:
    """`GET .../messages/{id}`: full bodies and the attachment list."""
    svc, row = await _message(request)
    body = (await mails.bodies(svc.db, [row["id"]])).get(row["id"])
    atts = (await mails.attachments(svc.db, [row["id"]]))[row["id"]]
    return JSONResponse(
        {
            **summary(row),
            "from_name": row["from_name"],
            "to": json.loads(row["to_addrs"]),
            "text": body["text"] if body else "",
            "html": body["html"] if body else "",
            "attachments": [
                {
                    "index": a["idx"],
                    "filename": a["filename"],
                    "content_type": a["mime_type"],
                    "size": a["size"],
                }
                for a in atts
            ],
        }
    )


async def delete_message(request: Request) -> Response:
    """`DELETE .../messages/{id}`: soft delete (204); afterwards the message is 404 everywhere."""
    svc, address = await _account(request)
    if not await mails.soft_delete(svc.db, address["id"], path_id(request, "message_id")):
        raise not_found("no such message")
    return Response(status_code=204)


async def message_source(request: Request) -> Response:
    """`GET .../messages/{id}/source`: the raw message, byte for byte, as message.eml."""
    svc, row = await _message(request)
    return raw_response(svc, row)


async def message_attachment(request: Request) -> Response:
    """`GET .../messages/{id}/attachments/{index}`: 400 for a bad index, 404 for a missing one."""
    index = attachment_index(request.path_params["index"])
    if index is None:
        raise bad_request("attachment index must be a non-negative integer", "invalid_index")
    svc, row = await _message(request)
    return attachment_response(
        svc, row, await mails.attachment(svc.db, row["id"], index), "attachment_not_found"
    )


async def mark_read(request: Request) -> Response:
    """`PUT .../messages/{id}/read`: idempotent, 204."""
    svc, row = await _message(request)
    await mails.mark_read(svc.db, row["address_id"], [row["id"]])
    return Response(status_code=204)


async def mark_many_read(request: Request) -> JSONResponse:
    """`PUT .../messages/read` `{ids: [...]}` (at most 200) or `{all: true}` -> `{updated}`."""
    svc, address = await _account(request)
    body = await json_object(request)
    if body.get("all") is True and "ids" not in body:
        return JSONResponse({"updated": await mails.mark_read(svc.db, address["id"], None)})
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(type(i) is int and i > 0 for i in ids):
        raise bad_request('send {"ids": [positive integers]} or {"all": true}', "invalid_field")
    if len(ids) > MAX_BATCH:
        raise bad_request(f"at most {MAX_BATCH} ids at once", "too_many_ids")
    return JSONResponse({"updated": await mails.mark_read(svc.db, address["id"], sorted(set(ids)))})


async def list_domains(request: Request) -> JSONResponse:
    """`GET /api/domains`: the domains accounts can be created on."""
    return JSONResponse({"domains": list(services(request).settings.default_domains)})


async def create_account(request: Request) -> JSONResponse:
    """`POST /api/accounts` `{address, password}` -> `{id, address, token}` (201)."""
    svc = services(request)
    if not svc.settings.enable_user_create_email:
        raise disabled("creating addresses")
    if svc.settings.disable_anonymous_user_create_email:
        raise unauthorized("accounts are created by logged-in users only")
    body = await json_object(request)
    local, _, domain = required_str(body, "address", 320).strip().lower().rpartition("@")
    password = new_password_field(body)
    await throttle.count_creation(svc, request)
    created = await create_address(
        svc, local, domain or None, svc.settings.default_domains, use_prefix=False, password=password
    )
    account = {"id": created["address_id"], "address": created["address"], "token": created["jwt"]}
    return JSONResponse(account, status_code=201)


async def issue_token(request: Request) -> JSONResponse:
    """`POST /api/token` `{address, password}` -> `{id, address, token}`."""
    svc = services(request)
    await throttle.refuse_if_failing(svc, request, "login")
    body = await json_object(request)
    name = required_str(body, "address", 320).strip().lower()
    password = required_str(body, "password", 1024)
    row = await password_login(request, svc, await addresses.get_by_name(svc.db, name), password)
    token = issue_address_token(svc.settings.jwt_secret, row["name"], row["id"])
    return JSONResponse({"id": row["id"], "address": row["name"], "token": token})


_ACCOUNT = "/api/accounts/{account_id}/messages"
ROUTES = [
    Route("/api/domains", list_domains, methods=["GET"]),
    Route("/api/accounts", create_account, methods=["POST"]),
    Route("/api/token", issue_token, methods=["POST"]),
    Route(_ACCOUNT, list_messages, methods=["GET"]),
    Route(f"{_ACCOUNT}/read", mark_many_read, methods=["PUT"]),
    Route(_ACCOUNT + "/{message_id}", get_message, methods=["GET"]),
    Route(_ACCOUNT + "/{message_id}", delete_message, methods=["DELETE"]),
    Route(_ACCOUNT + "/{message_id}/source", message_source, methods=["GET"]),
    Route(_ACCOUNT + "/{message_id}/attachments/{index}", message_attachment, methods=["GET"]),
    Route(_ACCOUNT + "/{message_id}/read", mark_read, methods=["PUT"]),
]
