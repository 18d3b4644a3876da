"""Turn raw RFC 5322 bytes into the fields the service stores, never raising.

mail-parser does the work. When it fails on a message (it can, on real malformed mail) the
standard library's parser is tried; when that fails too the result is ``unparsed`` with
whatever headers could be read, and the raw message stays the source of truth.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import email.utils
import logging
import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from html.parser import HTMLParser

import mailparser

PREVIEW_CHARS = 200

# mail-parser logs a warning for every part type it does not render; on a Worker each one
# is a log line per message, so only its errors are kept.
logging.getLogger("mailparser").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Attachment:
    """One attachment or inline part, decoded to its bytes."""

    filename: str
    mime_type: str
    content_id: str | None
    disposition: str  # "attachment" or "inline"
    data: bytes

    @property
    def size(self) -> int:
        """Decoded size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class ParsedMail:
    """Everything read out of one message. `status` says how far parsing got."""

    status: str  # "parsed" (mail-parser), "fallback" (stdlib email) or "unparsed"
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
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def preview(self) -> str:
        """A short single-line plain-text preview of the body."""
        source = self.text or html_to_text(self.html)
        return " ".join(source.split())[:PREVIEW_CHARS]


def parse(raw: bytes) -> ParsedMail:
    """Parse a raw message; every failure degrades to a simpler result instead of raising."""
    try:
        return _with_mailparser(raw)
    except Exception as primary:  # any crash of the primary parser: try the next one
        try:
            return _with_stdlib(raw, status="fallback", error=_describe(primary))
        except Exception as secondary:
            return ParsedMail(status="unparsed", error=_describe(secondary))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


# --- mail-parser -----------------------------------------------------------------------


def _with_mailparser(raw: bytes) -> ParsedMail:
    mail = mailparser.MailParser.from_bytes(raw)
    message = mail.message
    senders = mail.from_ or _decoded_addresses(message, "from")
    from_name, from_addr = _first_pair(senders)
    text, html = _bodies(message)
    return ParsedMail(
        status="parsed",
        subject=_clean(mail.subject),
        from_addr=from_addr,
        from_name=from_name,
        to=_addresses(mail.to or _decoded_addresses(message, "to")),
        cc=_addresses(mail.cc),
        reply_to=_addresses(mail.reply_to),
        date=_iso(mail.date),
        message_id=_clean(mail.message_id) or None,
        text=text,
        html=html,
        attachments=tuple(_mailparser_attachment(a) for a in mail.attachments),
    )


def _decoded_addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """Addresses from a header whose whole value was (wrongly, but commonly) RFC 2047 encoded."""
    values = [_decode_words(str(v)) for v in message.get_all(name, [])]
    return [pair for pair in email.utils.getaddresses(values) if pair[1]]


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


def _mailparser_attachment(item: dict) -> Attachment:
    payload = item.get("payload") or ""
    data = _b64decode_lenient(payload) if item.get("binary") else payload.encode("utf-8", "surrogateescape")
    content_id = _strip_brackets(item.get("content-id") or "") or None
    disposition_header = (item.get("content-disposition") or "").strip().lower()
    filename = _clean(_strip_brackets(item.get("filename") or "")) or "attachment"
    return Attachment(
        filename=filename,
        mime_type=(item.get("mail_content_type") or "application/octet-stream").lower(),
        content_id=content_id,
        disposition=_disposition(disposition_header, content_id),
        data=data,
    )


def _first_pair(pairs: list[tuple[str, str]] | None) -> tuple[str, str]:
    for name, addr in pairs or ():
        return _clean(name), _clean(addr)
    return "", ""


def _addresses(pairs: list[tuple[str, str]] | None) -> tuple[str, ...]:
    return tuple(_clean(addr) for _name, addr in pairs or () if _clean(addr))


# --- standard library fallback -----------------------------------------------------------


def _with_stdlib(raw: bytes, status: str, error: str | None) -> ParsedMail:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    from_name, from_addr = "", ""
    senders = email.utils.getaddresses([str(v) for v in msg.get_all("from", [])])
    if senders:
        from_name, from_addr = senders[0]
    text, html = _bodies(msg)
    attachments = []
    for part in msg.walk():
        if part.is_multipart() or _is_body(part):
            continue
        content_id = _strip_brackets(str(part.get("content-id", ""))) or None
        attachments.append(
            Attachment(
                filename=_clean(part.get_filename() or content_id) or "attachment",
                mime_type=part.get_content_type(),
                content_id=content_id,
                disposition=_disposition(str(part.get("content-disposition", "")), content_id),
                data=part.get_payload(decode=True) or b"",
            )
        )
    return ParsedMail(
        status=status,
        subject=_clean(str(msg.get("subject", ""))),
        from_addr=_clean(from_addr),
        from_name=_clean(from_name),
        to=_header_addresses(msg, "to"),
        cc=_header_addresses(msg, "cc"),
        reply_to=_header_addresses(msg, "reply-to"),
        date=_iso(_date_header(msg)),
        message_id=_clean(str(msg.get("message-id", ""))) or None,
        text=text,
        html=html,
        attachments=tuple(attachments),
        error=error,
    )


def _header_addresses(msg: Message, name: str) -> tuple[str, ...]:
    pairs = email.utils.getaddresses([str(v) for v in msg.get_all(name, [])])
    return tuple(_clean(addr) for _n, addr in pairs if _clean(addr))


def _date_header(msg: Message) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(str(msg.get("date", "")))
    except (TypeError, ValueError):
        return None


# --- bodies ---------------------------------------------------------------------------------


def _is_body(part: Message) -> bool:
    """A text/plain or text/html leaf that is shown as the message, not offered as a file."""
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not part.get_filename()
    )


def _bodies(message: Message) -> tuple[str, str]:
    """The text and html bodies, each part decoded from its own charset.

    Decoded here rather than taken from mail-parser, which returns 7bit parts in legacy
    charsets (ISO-2022-JP, the usual Japanese mail encoding) still encoded.
    """
    texts: list[str] = []
    htmls: list[str] = []
    pending = [message]
    while pending:
        part = pending.pop()
        if part.is_multipart():
            if part.get_content_disposition() != "attachment":  # a file's insides are not the body
                pending.extend(reversed(part.get_payload()))
        elif _is_body(part):
            target = htmls if part.get_content_subtype() == "html" else texts
            target.append(decode_text(part.get_payload(decode=True) or b"", part.get_content_charset()))
    return _safe_text("\n".join(texts)), _safe_text("\n".join(htmls))


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes to text: the declared charset, else UTF-8, else Windows-1252 (never fails)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", "replace")


# --- helpers ------------------------------------------------------------------------------

_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def _b64decode_lenient(payload: str) -> bytes:
    """Decode base64 the way mail clients do: ignore junk characters and missing padding."""
    data = _B64_JUNK.sub(b"", payload.encode("ascii", "ignore"))
    if len(data) % 4 == 1:  # a lone trailing sextet carries no whole byte
        data = data[:-1]
    try:
        return base64.b64decode(data + b"=" * (-len(data) % 4))
    except binascii.Error:
        return b""


def _disposition(header: str, content_id: str | None) -> str:
    header = header.strip().lower()
    if header.startswith("inline") or (content_id and not header.startswith("attachment")):
        return "inline"
    return "attachment"


def _strip_brackets(value: str) -> str:
    return value.strip().strip("<>").strip()


def _safe_text(value: str) -> str:
    """Text any database and JSON encoder accepts: no NULs, no lone surrogates."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _clean(value: object) -> str:
    """A header value as one line of safe text (folded headers joined)."""
    if value is None:
        return ""
    return " ".join(_safe_text(str(value)).split())


def _iso(value: datetime | None) -> str | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body (scripts and styles dropped)."""
    if not html:
        return ""
    extractor = _TextExtractor()
    # HTMLParser is lenient; on a surprise, what was read so far is still the best answer.
    with suppress(Exception):
        extractor.feed(html)
        extractor.close()
    return "".join(extractor.parts)
