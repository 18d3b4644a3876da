"""The public side of share links: a page, a slim JSON view and attachment downloads.

The page shows mail HTML inside an `<iframe sandbox>` (no scripts, no same-origin access)
under a Content-Security-Policy that forbids every remote load, so opening a shared mail
neither runs its scripts nor tells its sender (tracking pixels stay blank).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tempmail.errors import not_found
from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import mails, shares
from tempmail.web.context import services
from tempmail.web.donemail import attachment_view
from tempmail.web.downloads import attachment_index, attachment_response
from tempmail.web.formats import iso_time

PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}


async def _shared(request: Request) -> tuple[Services, Row, Row]:
    svc = services(request)
    token = request.path_params["token"]
    link = await shares.find(svc.db, token, int(time.time())) if 0 < len(token) <= 128 else None
    row = await mails.get_by_id(svc.db, link["mail_id"]) if link else None
    if link is None or row is None:
        raise not_found("this link does not exist, has expired or was revoked")
    return svc, link, row


def _expires(link: Row) -> str:
    return datetime.fromtimestamp(link["expires_at"], UTC).isoformat().replace("+00:00", "Z")


async def shared_json(request: Request) -> JSONResponse:
    """`GET /mail/{token}/json`: the shared mail's fields, bodies and attachment list."""
    svc, link, row = await _shared(request)
    body = (await mails.bodies(svc.db, [row["id"]])).get(row["id"])
    atts = (await mails.attachments(svc.db, [row["id"]]))[row["id"]]
    return JSONResponse(
        {
            "ok": True,
            "data": {
                "from": row["from_addr"],
                "fromName": row["from_name"],
                "to": row["address"],
                "subject": row["subject"],
                "receivedAt": iso_time(row["created_at"]),
                "text": body["text"] if body else "",
                "html": body["html"] if body else "",
                "attachments": [attachment_view(a) for a in atts],
                "expiresAt": _expires(link),
            },
        }
    )


async def shared_page(request: Request) -> HTMLResponse:
    """`GET /mail/{token}`: the shared mail as a page, its HTML sandboxed."""
    svc, link, row = await _shared(request)
    body = (await mails.bodies(svc.db, [row["id"]])).get(row["id"]) or {"text": "", "html": ""}
    atts = (await mails.attachments(svc.db, [row["id"]]))[row["id"]]
    token = escape(request.path_params["token"])
    if body["html"]:
        content = f'<iframe sandbox title="message" srcdoc="{escape(body["html"], quote=True)}"></iframe>'
    else:
        content = f"<pre>{escape(body['text'])}</pre>"
    files = "".join(
        f'<li><a href="/mail/{token}/attachments/{a["idx"]}" rel="noopener">{escape(a["filename"])}</a> '
        f"({a['size']} bytes)</li>"
        for a in atts
    )
    sender = escape(f"{row['from_name']} <{row['from_addr']}>" if row["from_name"] else row["from_addr"])
    page = (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{escape(row['subject']) or '(no subject)'}</title>"
        "<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "iframe{width:100%;height:70vh;border:1px solid #ccc}pre{white-space:pre-wrap}</style></head><body>"
        f"<h1>{escape(row['subject']) or '(no subject)'}</h1>"
        f"<p>From {sender}<br>To {escape(row['address'])}<br>Received {iso_time(row['created_at'])}"
        f"<br>Link expires {_expires(link)}</p>{content}"
        f"{'<h2>Attachments</h2><ul>' + files + '</ul>' if files else ''}</body></html>"
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


async def shared_attachment(request: Request) -> Response:
    """`GET /mail/{token}/attachments/{attachmentId}`: one attachment of the shared mail."""
    svc, _link, row = await _shared(request)
    index = attachment_index(request.path_params["attachment_id"])
    att = await mails.attachment(svc.db, row["id"], index) if index is not None else None
    return attachment_response(svc, row, att, "attachment_not_found")


ROUTES = [
    Route("/mail/{token}", shared_page, methods=["GET"]),
    Route("/mail/{token}/json", shared_json, methods=["GET"]),
    Route("/mail/{token}/attachments/{attachment_id}", shared_attachment, methods=["GET"]),
]
