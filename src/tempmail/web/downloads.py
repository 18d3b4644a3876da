"""Byte-exact downloads: a mail's raw source and its attachments, streamed in bounded chunks.

Bodies are read from the blob store with ranged gets, so a 25 MiB message never sits in
memory whole while it is served; attachments located in the raw message are decoded on the fly.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from tempmail.errors import ApiError
from tempmail.mime import transfer
from tempmail.ports import BlobStore, Row
from tempmail.services import Services
from tempmail.store import mails
from tempmail.web.auth import require_own_mail
from tempmail.web.context import services

CHUNK = 1024 * 1024


async def blob_chunks(blobs: BlobStore, key: str, start: int, end: int) -> AsyncIterator[bytes]:
    """Bytes [start, end) of a blob, CHUNK at a time."""
    offset = start
    while offset < end:
        data = await blobs.get_range(key, offset, min(CHUNK, end - offset))
        if not data:
            # The row says the bytes are there; a short object is a store fault.
            raise RuntimeError(f"blob {key} ended at {offset}, expected {end}")
        offset += len(data)
        yield data


async def decoded(chunks: AsyncIterator[bytes], encoding: str) -> AsyncIterator[bytes]:
    """Raw chunks through a transfer decoder."""
    state = transfer.decoder(encoding)
    async for chunk in chunks:
        piece = state.feed(chunk)
        if piece:
            yield piece
    tail = state.finish()
    if tail:
        yield tail


def raw_body(svc: Services, mail: Row) -> AsyncIterator[bytes]:
    """A mail's raw source, streamed."""
    return blob_chunks(svc.blobs, mails.raw_key(mail["blob_key"]), 0, mail["raw_size"])


def attachment_body(svc: Services, mail: Row, att: Row) -> AsyncIterator[bytes]:
    """An attachment's decoded bytes, streamed: from its decoded copy, or decoded from the raw."""
    if att["stored"]:
        return blob_chunks(svc.blobs, mails.attachment_key(mail["blob_key"], att["idx"]), 0, att["size"])
    raw = blob_chunks(svc.blobs, mails.raw_key(mail["blob_key"]), att["raw_start"], att["raw_end"])
    return decoded(raw, att["encoding"])


def content_disposition(kind: str, filename: str) -> str:
    """`attachment; filename="..."; filename*=UTF-8''...` with a safe ASCII fallback name."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or "download"
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", name)[:150] or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name[:150], safe='')}"


# Mail content must never render or run on this origin: always a download, never sniffed.
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}


def raw_response(svc: Services, mail: Row, filename: str = "message.eml") -> StreamingResponse:
    """The message exactly as received, `message/rfc822`, streamed."""
    return StreamingResponse(
        raw_body(svc, mail),
        media_type="message/rfc822",
        headers={
            **_DOWNLOAD_HEADERS,
            "Content-Length": str(mail["raw_size"]),
            "Content-Disposition": content_disposition("attachment", filename),
        },
    )


def attachment_response(
    svc: Services, mail: Row, att: Row | None, code: str = "not_found"
) -> StreamingResponse:
    """One attachment's decoded bytes, streamed; 404 with `code` when there is no such attachment."""
    if att is None:
        raise ApiError(404, code, "no such attachment")
    return StreamingResponse(
        attachment_body(svc, mail, att),
        media_type=att["mime_type"] or "application/octet-stream",
        headers={
            **_DOWNLOAD_HEADERS,
            "Content-Length": str(att["size"]),
            "Content-Disposition": content_disposition("attachment", att["filename"]),
        },
    )


def attachment_index(raw: str) -> int | None:
    """A path segment as an attachment index, or None when it cannot be one."""
    return int(raw) if raw.isdigit() and len(raw) <= 5 else None


async def raw_source(request: Request) -> StreamingResponse:
    """`GET /api/mails/:id/raw`: the message exactly as received, `message/rfc822`."""
    svc = services(request)
    return raw_response(svc, await require_own_mail(request, svc))


ROUTES = [Route("/api/mails/{mail_id}/raw", raw_source, methods=["GET"])]
