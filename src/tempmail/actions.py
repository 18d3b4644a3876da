"""Post-store actions: forwarding (FORWARD_ADDRESS_LIST) and per-address auto-replies.

They run after a message is stored, and nothing here may fail it: every error is logged
and swallowed, because the message is already safe and the sender must not retry.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from tempmail.mime import ParsedMail
from tempmail.policy import Admission
from tempmail.ports import Outbound, Row
from tempmail.services import Services
from tempmail.store import policy as policy_store

log = logging.getLogger(__name__)

DEFAULT_SUBJECT = "Auto-reply"
DEFAULT_MESSAGE = "This is an automatic reply."


async def after_store(
    services: Services,
    outbound: Outbound,
    raw: bytes,
    parsed: ParsedMail,
    mail_from: str,
    admission: Admission,
) -> None:
    """Forward and auto-reply as configured; never raises."""
    for target in services.settings.forward_address_list:
        try:
            await outbound.forward(raw, mail_from, target)
        except Exception:
            log.exception("forwarding to %s failed (the message is stored)", target)
    if services.settings.enable_auto_reply and admission.owner is not None:
        try:
            await _auto_reply(services, outbound, parsed, mail_from, admission.owner)
        except Exception:
            log.exception("auto-reply for %s failed (the message is stored)", admission.mailbox)


async def _auto_reply(
    services: Services, outbound: Outbound, parsed: ParsedMail, mail_from: str, owner: Row
) -> None:
    rule = await policy_store.auto_reply(services.db, owner["id"])
    if rule is None or not should_reply(rule, parsed, mail_from, owner["name"]):
        return
    await outbound.reply(build_reply(rule, parsed, owner["name"], mail_from), owner["name"], mail_from)


def should_reply(rule: Row, parsed: ParsedMail, mail_from: str, mailbox: str) -> bool:
    """Whether an enabled rule applies: a real sender, a human message, the sender filter (RFC 3834)."""
    sender = mail_from.strip().lower()
    if not rule["enabled"] or not sender or sender == mailbox or not parsed.message_id:
        return False
    if parsed.auto_generated or sender.startswith(("mailer-daemon@", "postmaster@")):
        return False
    prefix = (rule["source_prefix"] or "").strip().lower()
    return not prefix or sender.startswith(prefix)


def build_reply(rule: Row, parsed: ParsedMail, mailbox: str, rcpt: str) -> bytes:
    """The auto-reply as MIME bytes, made with the standard library's email package."""
    reply = EmailMessage()
    reply["From"] = formataddr((rule["name"] or "", mailbox))
    reply["To"] = rcpt
    reply["Subject"] = rule["subject"] or DEFAULT_SUBJECT
    reply["Date"] = formatdate(usegmt=True)
    reply["Message-ID"] = make_msgid(domain=mailbox.rpartition("@")[2])
    if parsed.message_id:
        reply["In-Reply-To"] = parsed.message_id
        reply["References"] = parsed.message_id
    reply["Auto-Submitted"] = "auto-replied"  # RFC 3834: other responders must not answer this
    reply.set_content(rule["message"] or DEFAULT_MESSAGE)
    return reply.as_bytes(policy=reply.policy.clone(linesep="\r\n"))
