"""An address reading its own mail, in cloudflare_temp_email's shapes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail import mailbox
from tempmail.errors import disabled
from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import mails
from tempmail.web import donemail
from tempmail.web.auth import require_address, require_own_mail
from tempmail.web.context import services
from tempmail.web.inputs import paging


async def _raw_text(svc: Services, row: Row) -> str:
    data = await svc.blobs.get(mails.raw_key(row["blob_key"]))
    if data is None:
        # The row is only written after its blob, so this is a store fault, not a user error.
        raise RuntimeError(f"raw message missing for mail {row['id']}")
    # Mail is bytes; the original API carries it as a string. Undecodable bytes are replaced.
    return data.decode("utf-8", "replace")


def _raw_item(row: Row, raw: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "message_id": row["message_id"],
        "source": row["source"],
        "address": row["address"],
        "raw": raw,
        "metadata": row["metadata"],
        "created_at": row["created_at"],
    }


def _sender(row: Row) -> str:
    if row["from_name"] and row["from_addr"]:
        return f"{row['from_name']} <{row['from_addr']}>"
    return row["from_addr"] or row["source"]


def _parsed_item(row: Row, body: Row | None, atts: list[Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "message_id": row["message_id"],
        "source": row["source"],
        "address": row["address"],
        "sender": _sender(row),
        "subject": row["subject"],
        "to": json.loads(row["to_addrs"]),
        "date": row["date_header"],
        "text": body["text"] if body else "",
        "html": body["html"] if body else "",
        "attachments": [
            {
                "filename": a["filename"],
                "mimeType": a["mime_type"],
                "disposition": a["disposition"],
                "size": a["size"],
                "contentId": a["content_id"],
            }
            for a in atts
        ],
        "parse_status": row["parse_status"],
        "is_read": bool(row["is_read"]),
        "created_at": row["created_at"],
    }


async def _parsed_items(svc: Services, rows: list[Row]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    body_rows = await mails.bodies(svc.db, ids)
    att_rows = await mails.attachments(svc.db, ids)
    return [_parsed_item(r, body_rows.get(r["id"]), att_rows.get(r["id"], [])) for r in rows]


async def raw_items(svc: Services, rows: list[Row]) -> list[dict[str, Any]]:
    """Rows as cloudflare_temp_email's raw mail items, their blobs fetched concurrently."""
    raws = await asyncio.gather(*(_raw_text(svc, row) for row in rows))
    return [_raw_item(row, raw) for row, raw in zip(rows, raws, strict=True)]


async def list_mails(request: Request) -> JSONResponse:
    """`GET /api/mails?limit&offset` -> `{results, count}`, newest first, each with its raw MIME.

    With an `X-Admin-Key` header the same path speaks the DoneMail dialect instead.
    """
    if donemail.wants_donemail(request):
        return await donemail.list_mails(request)
    svc = services(request)
    address = await require_address(request, svc)
    limit, offset = paging(request)
    rows = await mails.list_for_address(svc.db, address["id"], limit, offset)
    return JSONResponse({"results": await raw_items(svc, rows), "count": address["mail_count"]})


async def get_mail(request: Request) -> JSONResponse:
    """`GET /api/mail/:id`: one of the caller's mails with its raw MIME."""
    svc = services(request)
    row = await require_own_mail(request, svc)
    return JSONResponse(_raw_item(row, await _raw_text(svc, row)))


async def list_parsed_mails(request: Request) -> JSONResponse:
    """`GET /api/parsed_mails?limit&offset`: parsed fields instead of raw MIME."""
    svc = services(request)
    address = await require_address(request, svc)
    limit, offset = paging(request)
    rows = await mails.list_for_address(svc.db, address["id"], limit, offset)
    return JSONResponse({"results": await _parsed_items(svc, rows), "count": address["mail_count"]})


async def get_parsed_mail(request: Request) -> JSONResponse:
    """`GET /api/parsed_mail/:id`: one parsed mail."""
    svc = services(request)
    row = await require_own_mail(request, svc)
    (item,) = await _parsed_items(svc, [row])
    return JSONResponse(item)


async def delete_own_mail(request: Request) -> JSONResponse:
    """`DELETE /api/mails/:id`: one of the caller's mails, when ENABLE_USER_DELETE_EMAIL allows."""
    svc = services(request)
    if not svc.settings.enable_user_delete_email:
        raise disabled("deleting mail")
    row = await require_own_mail(request, svc)
    await mailbox.delete_mail(svc, row)
    return JSONResponse({"success": True})


ROUTES = [
    Route("/api/mails", list_mails, methods=["GET"]),
    Route("/api/mail/{mail_id}", get_mail, methods=["GET"]),
    Route("/api/mails/{mail_id}", delete_own_mail, methods=["DELETE"]),
    Route("/api/parsed_mails", list_parsed_mails, methods=["GET"]),
    Route("/api/parsed_mail/{mail_id}", get_parsed_mail, methods=["GET"]),
]
