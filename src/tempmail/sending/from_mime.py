"""Turning a message submitted over SMTP into a send request body, as the HTTP API takes it.

The send API carries one text or html body, so a submitted message must be exactly that:
one From (the sending address), a subject, and text/plain or text/html parts (the html
one is sent when both are there). Attachments are refused, never silently dropped.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any


class Unsendable(Exception):
    """The message cannot go through the send API; `reply` is the SMTP answer."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def _display_name(message: EmailMessage, headers: tuple[str, ...], address: str) -> str:
    for name in headers:
        header = message.get(name)
        for mailbox in getattr(header, "addresses", ()):
            if mailbox.addr_spec.lower() == address.lower():
                return mailbox.display_name
    return ""


def _body(message: EmailMessage) -> tuple[str, bool]:
    texts: dict[str, str] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if part.is_attachment() or kind not in ("text/plain", "text/html"):
            raise Unsendable(f"554 5.6.1 only text or html bodies can be sent; found {kind} (attachment?)")
        try:
            content = part.get_content()
        except (LookupError, UnicodeError) as exc:
            raise Unsendable(f"554 5.6.0 cannot decode the {kind} part: {exc}") from exc
        texts.setdefault(kind, content)
    if "text/html" in texts:
        return texts["text/html"], True
    if "text/plain" in texts:
        return texts["text/plain"], False
    raise Unsendable("554 5.6.0 the message has no text or html body")


def to_send_body(raw: bytes, sender: str, recipient: str) -> dict[str, Any]:
    """`{from_name, to_name, to_mail, subject, is_html, content}` for sending `raw` as `sender`."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        from_header = message.get("From")
        mailboxes = getattr(from_header, "addresses", ()) if from_header is not None else ()
        subject = str(message.get("Subject", ""))
    except (ValueError, TypeError, IndexError) as exc:  # a header the parser cannot make sense of
        raise Unsendable(f"554 5.6.0 malformed message: {exc}") from exc
    assert isinstance(message, EmailMessage)
    wrong_from = len(mailboxes) != 1 or mailboxes[0].addr_spec.lower() != sender.lower()
    if from_header is not None and wrong_from:
        raise Unsendable(f"553 5.7.1 the From header must be {sender}")
    content, is_html = _body(message)
    return {
        "from_name": mailboxes[0].display_name if mailboxes else "",
        "to_name": _display_name(message, ("To", "Cc"), recipient),
        "to_mail": recipient,
        "subject": subject,
        "is_html": is_html,
        "content": content,
    }
