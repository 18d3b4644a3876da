"""Building the MIME message of a send with the standard library's email package."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from tempmail.sending.request import SendRequest


def mailbox(name: str, address: str) -> Address:
    """`Name <address>` as a header object; the policy encodes non-ASCII names (RFC 2047)."""
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def build(sender: str, request: SendRequest, now: datetime | None = None) -> tuple[bytes, str]:
    """The message as CRLF bytes, ready for SMTP or the send_email binding, and its Message-ID."""
    message = EmailMessage(policy=SMTP)
    message["From"] = mailbox(request.from_name, sender)
    message["To"] = mailbox(request.to_name, request.to_mail)
    message["Subject"] = request.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message_id = make_msgid(domain=sender.rpartition("@")[2])
    message["Message-ID"] = message_id
    # Non-ASCII bodies go base64 so the message stays 7-bit: any relay or binding takes it.
    cte = None if request.content.isascii() else "base64"
    message.set_content(
        request.content, subtype="html" if request.is_html else "plain", charset="utf-8", cte=cte
    )
    return message.as_bytes(), message_id
