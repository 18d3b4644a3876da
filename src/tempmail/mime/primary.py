"""The primary parser: the byte-level scanner for structure, mail-parser for address and date headers.

Memory stays near the size of the raw message: bodies are decoded part by part (text
bodies only up to what the store keeps), attachments are only measured here, by decoding
them chunk by chunk, and are located in the raw bytes for later download.
"""

from __future__ import annotations

import mimetypes

from tempmail.mime import headers as hdr
from tempmail.mime import transfer
from tempmail.mime.charsets import decode_prefix
from tempmail.mime.model import Attachment, ParsedMail
from tempmail.mime.scanner import Part, scan

# Bodies are stored capped (a D1 row holds ~2 MB); decoding more than this would be wasted.
BODY_DECODE_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENTS = 100  # listed per message; more stay downloadable as part of the raw message

_BODY_TYPES = ("text/plain", "text/html")


def parse(raw: bytes) -> ParsedMail:
    """Parse a message; raises only on a bug (the caller falls back to the standard library)."""
    tree = scan(raw)
    root = tree.root
    senders = hdr.addresses(root.header("from")) or hdr.addresses(root.header("sender"))
    from_name, from_addr = senders[0] if senders else ("", "")
    collector = _Collector(raw)
    collector.walk(root, inside_attachment=False)
    return ParsedMail(
        status="parsed",
        subject=hdr.text(root.header("subject")),
        from_addr=from_addr,
        from_name=from_name,
        to=_addrs(root, "to"),
        cc=_addrs(root, "cc"),
        reply_to=_addrs(root, "reply-to"),
        date=hdr.date_iso(root.header("date")),
        message_id=hdr.message_id(root.header("message-id")),
        text="\n".join(collector.texts),
        html="\n".join(collector.htmls),
        bodies_truncated=collector.truncated,
        attachments=tuple(collector.attachments),
        attachments_omitted=collector.omitted + tree.skipped_parts,
        auto_generated=is_auto_generated(root.header),
    )


def _addrs(part: Part, name: str) -> tuple[str, ...]:
    return tuple(addr for value in part.header_values(name) for _name, addr in hdr.addresses(value))


def is_auto_generated(header) -> bool:
    """RFC 3834 signs that a message came from a machine (never auto-reply to those)."""
    auto = (header("auto-submitted") or "no").strip().lower()
    precedence = (header("precedence") or "").strip().lower()
    return (
        not auto.startswith("no")
        or precedence in ("bulk", "list", "junk", "auto_reply")
        or header("list-id") is not None
        or header("x-auto-response-suppress") is not None
    )


def guess_filename(mime_type: str, content_id: str | None, index: int) -> str:
    """A name for a part that has none: its Content-ID, else `part-N` with an extension."""
    if mime_type == "message/rfc822":
        return "message.eml"
    extension = mimetypes.guess_extension(mime_type, strict=False) or ".bin"
    return content_id or f"part-{index}{extension}"


def disposition_of(header: str, content_id: str | None) -> str:
    """`inline` or `attachment`: inline when it says so, or has a Content-ID and does not say otherwise."""
    header = header.strip().lower()
    if header.startswith("inline") or (content_id and not header.startswith("attachment")):
        return "inline"
    return "attachment"


class _Collector:
    """Walks the part tree collecting bodies and attachments in document order."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[Attachment] = []
        self.omitted = 0
        self.truncated = False
        self._budget = BODY_DECODE_BYTES

    def walk(self, part: Part, inside_attachment: bool) -> None:
        disposition_header = part.header("content-disposition") or ""
        disposition, params = hdr.split_value(disposition_header) if disposition_header else ("", {})
        if part.is_multipart:
            hidden = inside_attachment or disposition == "attachment"
            for child in part.children:
                self.walk(child, hidden)
            return
        filename = hdr.text(
            hdr.resolve(params.get("filename") or part.params.get("name") or "", part.charset_hint)
        )
        encoding = transfer.normalize(part.header("content-transfer-encoding"))
        if (
            part.content_type in _BODY_TYPES
            and disposition != "attachment"
            and not filename
            and not inside_attachment
        ):
            self._body(part, encoding)
            return
        if len(self.attachments) >= MAX_ATTACHMENTS:
            self.omitted += 1
            return
        content_id = hdr.content_id(part.header("content-id"))
        self.attachments.append(
            Attachment(
                filename=filename or guess_filename(part.content_type, content_id, len(self.attachments)),
                mime_type=part.content_type,
                content_id=content_id,
                disposition=disposition_of(disposition, content_id),
                size=transfer.decoded_size(self.raw, part.start, part.end, encoding),
                span=(part.start, part.end),
                encoding=encoding,
            )
        )

    def _body(self, part: Part, encoding: str) -> None:
        limit = self._budget
        if limit <= 0:
            self.truncated = True
            return
        data = transfer.decode_span(self.raw, part.start, part.end, encoding, limit=limit + 1)
        decoded, cut = decode_prefix(data, part.params.get("charset") or part.charset_hint, limit)
        self._budget -= min(len(data), limit)
        self.truncated = self.truncated or cut
        decoded = decoded.replace("\r\n", "\n").replace("\x00", "")
        (self.htmls if part.content_type == "text/html" else self.texts).append(decoded)
