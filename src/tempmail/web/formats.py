"""Small shared pieces of HTTP answers: times, file downloads and the raw message."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import Response

from tempmail.errors import ApiError
from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import mails

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


def iso_time(created_at: str) -> str:
    """'YYYY-MM-DD HH:MM:SS' (UTC) as ISO 8601 with a Z."""
    return created_at.replace(" ", "T") + "Z"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value safe for any filename (ASCII fallback plus RFC 5987 UTF-8)."""
    cleaned = _UNSAFE_FILENAME.sub("_", filename).strip() or "file"
    ascii_name = cleaned.encode("ascii", "replace").decode().replace("?", "_")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


# What the browser must never do with mail content served from this origin.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}


async def attachment_download(services: Services, mail: Row, attachment: Row | None, code: str) -> Response:
    """The decoded attachment as a download, or 404 with `code` when it is not there."""
    if attachment is None or not attachment["stored"]:
        raise ApiError(404, code, "no such attachment")
    data = await services.blobs.get(mails.attachment_key(mail["blob_key"], attachment["idx"]))
    if data is None:
        raise ApiError(404, code, "attachment content is missing")
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": content_disposition(attachment["filename"])}
    return Response(data, media_type=attachment["mime_type"], headers=headers)


async def raw_download(services: Services, mail: Row, filename: str = "message.eml") -> Response:
    """The message exactly as received, as `message/rfc822`."""
    data = await services.blobs.get(mails.raw_key(mail["blob_key"]))
    if data is None:
        raise RuntimeError(f"raw message missing for mail {mail['id']}")
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": content_disposition(filename)}
    return Response(data, media_type="message/rfc822", headers=headers)
