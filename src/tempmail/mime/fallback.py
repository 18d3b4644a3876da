"""The standard library's parser, used when the primary parser fails on a message.

It needs about eight times the message size in memory, so it only runs on messages up to
FALLBACK_MAX_BYTES; anything bigger that the primary parser cannot read is kept unparsed.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from datetime import UTC
from email.message import EmailMessage, Message

from tempmail.mime import headers as hdr
from tempmail.mime import primary
from tempmail.mime.charsets import decode_prefix
from tempmail.mime.model import Attachment, ParsedMail

FALLBACK_MAX_BYTES = 4 * 1024 * 1024


def parse(raw: bytes, error: str | None) -> ParsedMail:
    """Parse with `email.message_from_bytes`; raises when that fails too."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    senders = _addresses(msg, "from")
    from_name, from_addr = senders[0] if senders else ("", "")
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    omitted = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        if _is_body(part):
            data = part.get_payload(decode=True) or b""
            decoded, _cut = decode_prefix(data, part.get_content_charset(), primary.BODY_DECODE_BYTES)
            (htmls if part.get_content_subtype() == "html" else texts).append(decoded.replace("\r\n", "\n"))
            continue
        if len(attachments) >= primary.MAX_ATTACHMENTS:
            omitted += 1
            continue
        content_id = hdr.content_id(_get(part, "content-id"))
        data = _payload(part)
        attachments.append(
            Attachment(
                filename=hdr.text(part.get_filename())
                or primary.guess_filename(part.get_content_type(), content_id, len(attachments)),
                mime_type=part.get_content_type(),
                content_id=content_id,
                disposition=primary.disposition_of(_get(part, "content-disposition") or "", content_id),
                size=len(data),
                data=data,
            )
        )
    return ParsedMail(
        status="fallback",
        subject=hdr.text(_get(msg, "subject")),
        from_addr=from_addr,
        from_name=from_name,
        to=tuple(a for _n, a in _addresses(msg, "to")),
        cc=tuple(a for _n, a in _addresses(msg, "cc")),
        reply_to=tuple(a for _n, a in _addresses(msg, "reply-to")),
        date=_date(_get(msg, "date")),
        message_id=hdr.message_id(_get(msg, "message-id")),
        text="\n".join(texts).replace("\x00", ""),
        html="\n".join(htmls).replace("\x00", ""),
        attachments=tuple(attachments),
        attachments_omitted=omitted,
        auto_generated=primary.is_auto_generated(lambda name: _get(msg, name)),
        error=error,
    )


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    # The standard library's own address parser: this path must not depend on mail-parser.
    values = [hdr.unfold(str(v)) for v in msg.get_all(name, [])]
    pairs = [(hdr.clean(hdr.decode_words(n)), hdr.clean(a)) for n, a in email.utils.getaddresses(values)]
    return [(n, a) for n, a in pairs if "@" in a]


def _date(value: str | None) -> str | None:
    try:
        parsed = email.utils.parsedate_to_datetime(hdr.unfold(value or ""))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _get(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return None if value is None else str(value)


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" and isinstance(part, (Message, EmailMessage)):
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            return inner[0].as_bytes()
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _is_body(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not part.get_filename()
    )


def headers_only(raw: bytes, error: str) -> ParsedMail:
    """The last resort: an `unparsed` result with whatever the top-level headers say."""
    header_end = raw.find(b"\n\n")
    crlf_end = raw.find(b"\r\n\r\n")
    ends = [e for e in (header_end, crlf_end) if e >= 0]
    block = raw[: min(ends)] if ends else raw[:65536]
    try:
        msg = email.message_from_bytes(block[: 1024 * 1024], policy=email.policy.compat32)
        senders = _addresses(msg, "from")
        from_name, from_addr = senders[0] if senders else ("", "")
        return ParsedMail(
            status="unparsed",
            subject=hdr.text(_get(msg, "subject")),
            from_addr=from_addr,
            from_name=from_name,
            message_id=hdr.message_id(_get(msg, "message-id")),
            error=error,
        )
    except Exception:  # even the headers are unreadable: the raw message is all there is
        return ParsedMail(status="unparsed", error=error)
