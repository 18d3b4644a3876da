"""What parsing a message produces: summary fields, bodies, and attachments located in the raw bytes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tempmail.mime import transfer
from tempmail.mime.htmltext import html_to_text

PREVIEW_CHARS = 200


@dataclass(frozen=True)
class Attachment:
    """One attachment or inline part.

    The primary parser records where the part's encoded bytes sit in the raw message
    (`span`, `encoding`), so the raw message is the only copy that is stored and a download
    decodes it on the fly. The standard-library fallback has no offsets and keeps `data`,
    a decoded copy, instead.
    """

    filename: str
    mime_type: str
    content_id: str | None
    disposition: str  # "attachment" or "inline"
    size: int  # decoded size in bytes
    span: tuple[int, int] | None = None
    encoding: str = "identity"
    data: bytes | None = None

    def chunks(self, raw: bytes) -> Iterator[bytes]:
        """The decoded bytes, chunk by chunk (from `raw` when located there, else the copy)."""
        if self.span is None:
            yield self.data or b""
            return
        start, end = self.span
        yield from transfer.decode_chunks(transfer.span_chunks(raw, start, end), self.encoding)

    def read(self, raw: bytes) -> bytes:
        """All decoded bytes at once (tests and small parts)."""
        return b"".join(self.chunks(raw))


@dataclass(frozen=True)
class ParsedMail:
    """Everything read out of one message. `status` says how far parsing got."""

    status: str  # "parsed" (primary), "fallback" (standard library) or "unparsed"
    subject: str = ""
    from_addr: str = ""
    from_name: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    date: str | None = None  # ISO 8601, UTC
    message_id: str | None = None
    text: str = ""
    html: str = ""
    bodies_truncated: bool = False  # a body was longer than we decode; the raw message has it all
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    attachments_omitted: int = 0  # parts beyond the attachment limit (still in the raw message)
    auto_generated: bool = False  # Auto-Submitted / Precedence bulk / mailing list: never auto-reply
    error: str | None = None

    @property
    def preview(self) -> str:
        """A short single-line plain-text preview of the body."""
        source = self.text[: PREVIEW_CHARS * 8] or html_to_text(self.html[:65536])
        return " ".join(source.split())[:PREVIEW_CHARS]
