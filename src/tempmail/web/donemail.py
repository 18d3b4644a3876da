"""The DoneMail dialect: the admin's cursor-paged, filtered, searchable mail list, downloads and shares.

It answers `GET /api/mails` when the request carries `X-Admin-Key` (a Bearer token still
gets cloudflare_temp_email's answer). Envelopes are `{ok, data, pagination}`; errors use the
project's one shape, which is DoneMail's.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tempmail import cursors, fts
from tempmail.errors import ApiError, bad_request, not_found
from tempmail.ports import Row
from tempmail.security import matches_any
from tempmail.services import Services
from tempmail.store import mails, search, shares
from tempmail.web import throttle
from tempmail.web.auth import require_own_mail
from tempmail.web.context import services
from tempmail.web.downloads import attachment_index, attachment_response
from tempmail.web.formats import iso_time
from tempmail.web.inputs import json_object, path_id

DEFAULT_LIMIT, MAX_LIMIT = 20, 50
MAX_FILTER = 320
MAX_TTL_HOURS = 720


def wants_donemail(request: Request) -> bool:
    """The credential picks the dialect: X-Admin-Key means DoneMail."""
    return "x-admin-key" in request.headers


async def require_admin_key(request: Request, svc: Services) -> None:
    """401 unless X-Admin-Key is an admin password; 429 `rate_limited` after repeated misses."""
    await throttle.refuse_if_failing(svc, request, "admin")
    if not matches_any(request.headers.get("x-admin-key"), svc.settings.admin_passwords):
        await throttle.record_failure(svc, request, "admin")
        raise ApiError(401, "unauthorized", "a valid X-Admin-Key is required")


def _bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise bad_request(f"'{name}' must be true or false", "invalid_boolean")
    return raw == "true"


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        return min(max(int(raw), 1), MAX_LIMIT)  # clamped, as DoneMail does
    except ValueError as exc:
        raise bad_request("'limit' must be an integer", "invalid_limit") from exc


def _exact(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_FILTER:
        raise bad_request(f"'{name}' is too long", "invalid_query")
    return value or None


def _filter(request: Request) -> search.MailFilter:
    subject, content = _exact(request, "subject"), _exact(request, "content")
    parts = []
    if subject:
        parts.append(fts.match_expression(subject, "subject"))
    if content:
        parts.append(fts.match_expression(content, "body"))
    return search.MailFilter(
        from_addr=_exact(request, "from"),
        to=_exact(request, "to"),
        to_domain=_exact(request, "toDomain"),
        has_attachments=_bool(request, "hasAttachments"),
        match=" AND ".join(f"({p})" for p in parts) or None,
    )


def attachment_view(att: Row) -> dict[str, Any]:
    """An attachment's metadata in DoneMail's shape."""
    return {
        "id": str(att["idx"]),
        "filename": att["filename"],
        "mimeType": att["mime_type"],
        "size": att["size"],
        "contentId": att["content_id"],
        "disposition": att["disposition"],
        # Always downloadable: a decoded copy or its span inside the raw message is in the blob store.
        "stored": True,
    }


def mail_view(row: Row, body: Row | None, atts: list[Row] | None) -> dict[str, Any]:
    """A mail in DoneMail's item shape; `atts` only when attachments were asked for."""
    item = {
        "id": row["id"],
        "from": row["from_addr"],
        "fromName": row["from_name"],
        "to": row["address"],
        "toDomain": row["domain"],
        "subject": row["subject"],
        "preview": row["preview"],
        "text": body["text"] if body else "",
        "html": body["html"] if body else "",
        "hasAttachments": row["attachment_count"] > 0,
        "attachmentCount": row["attachment_count"],
        "size": row["raw_size"],
        "isRead": bool(row["is_read"]),
        "receivedAt": iso_time(row["created_at"]),
    }
    if atts is not None:
        item["attachments"] = [attachment_view(a) for a in atts]
    return item


async def list_mails(request: Request) -> JSONResponse:
    """`GET /api/mails` with X-Admin-Key: `{ok, data, pagination: {limit, nextCursor, hasMore}}`."""
    svc = services(request)
    await require_admin_key(request, svc)
    limit, flt = _limit(request), _filter(request)
    include = _bool(request, "includeAttachments") or False
    secret, fingerprint = svc.settings.jwt_secret, flt.fingerprint()
    cursor = request.query_params.get("cursor")
    before = cursors.decode(secret, fingerprint, cursor) if cursor else None
    rows = await search.page(svc.db, flt, before, limit + 1)
    has_more, rows = len(rows) > limit, rows[:limit]
    ids = [r["id"] for r in rows]
    bodies = await mails.bodies(svc.db, ids)
    atts = await mails.attachments(svc.db, ids) if include else {}
    last = rows[-1] if rows else None
    next_cursor = (
        cursors.encode(secret, fingerprint, iso_time(last["created_at"]), last["id"]) if has_more else None
    )
    return JSONResponse(
        {
            "ok": True,
            "data": [mail_view(r, bodies.get(r["id"]), atts.get(r["id"]) if include else None) for r in rows],
            "pagination": {"limit": limit, "nextCursor": next_cursor, "hasMore": has_more},
        }
    )


async def download_attachment(request: Request) -> Response:
    """`GET /api/mails/:id/attachments/:attachmentId`: any mail with X-Admin-Key, or the owner's own."""
    svc = services(request)
    if wants_donemail(request):
        svc, row = await _admin_mail(request)
    else:
        row = await require_own_mail(request, svc)
    index = attachment_index(request.path_params["attachment_id"])
    att = await mails.attachment(svc.db, row["id"], index) if index is not None else None
    return attachment_response(svc, row, att, "attachment_not_found")


async def _admin_mail(request: Request) -> tuple[Services, Row]:
    svc = services(request)
    await require_admin_key(request, svc)
    row = await mails.get_by_id(svc.db, path_id(request, "mail_id"))
    if row is None:
        raise not_found("no such mail")
    return svc, row


async def create_share(request: Request) -> JSONResponse:
    """`POST /api/mails/:id/share` `{ttlHours?}`: a new public link; the mail's older link stops working."""
    svc, row = await _admin_mail(request)
    body = await json_object(request, allow_empty=True)
    ttl = body.get("ttlHours", svc.settings.share_link_ttl_hours)
    if type(ttl) is not int or not 1 <= ttl <= MAX_TTL_HOURS:
        raise bad_request(f"'ttlHours' must be a whole number from 1 to {MAX_TTL_HOURS}", "invalid_field")
    token = secrets.token_urlsafe(24)
    expires_at = int(time.time()) + ttl * 3600
    await shares.put(svc.db, row["id"], token, expires_at)
    url = str(request.base_url).rstrip("/") + f"/mail/{token}"
    expires_iso = datetime.fromtimestamp(expires_at, UTC).isoformat().replace("+00:00", "Z")
    return JSONResponse(
        {"ok": True, "data": {"token": token, "url": url, "expiresAt": expires_iso, "ttlHours": ttl}}
    )


async def revoke_share(request: Request) -> JSONResponse:
    """`DELETE /api/mails/:id/share`: the mail's link stops working now."""
    svc, row = await _admin_mail(request)
    if not await shares.revoke(svc.db, row["id"]):
        raise not_found("this mail has no share link")
    return JSONResponse({"ok": True, "data": {"revoked": True}})


ROUTES = [
    Route("/api/mails/{mail_id}/attachments/{attachment_id}", download_attachment, methods=["GET"]),
    Route("/api/mails/{mail_id}/share", create_share, methods=["POST"]),
    Route("/api/mails/{mail_id}/share", revoke_share, methods=["DELETE"]),
]
