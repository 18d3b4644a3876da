"""The one inbound pipeline behind Email Routing's email() and the local SMTP intake.

Order matters for "never lose, never half-write": policy first (a refusal stores nothing),
then blobs, then every row in one batch. If any storage step fails, the blobs already
written are removed and the error propagates, so Email Routing / SMTP tell the sender to
retry. Policy refusals are the only thing turned into a permanent rejection.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from tempmail import mime
from tempmail.services import Services
from tempmail.store import addresses, mails, now_text

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A policy refusal, answered with `setReject(reason)` or an SMTP 5xx `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Delivered:
    """A stored message: its mail id and how far parsing got."""

    mail_id: int
    parse_status: str


def normalize_recipient(recipient: str) -> tuple[str, str]:
    """Lower-case `box+tag@Domain` to (`box@domain`, `domain`); Rejected when not an address."""
    local, sep, domain = recipient.strip().strip("<>").rpartition("@")
    if not sep or not local or not domain:
        raise Rejected(550, f"5.1.3 not a valid recipient address: {recipient!r}")
    local = local.lower().split("+", 1)[0]
    domain = domain.lower()
    return f"{local}@{domain}", domain


def check_recipient(services: Services, recipient: str) -> str:
    """The mailbox a recipient delivers to, or Rejected when the domain is not served."""
    mailbox, domain = normalize_recipient(recipient)
    if not services.settings.accepts_domain(domain):
        raise Rejected(550, f"5.1.2 domain {domain} is not served here")
    return mailbox


async def deliver(services: Services, raw: bytes, mail_from: str, rcpt_to: str) -> Delivered:
    """Store one message for one envelope recipient; raise Rejected for policy refusals."""
    limit = services.settings.max_message_size
    if len(raw) > limit:
        raise Rejected(552, f"5.3.4 message is {len(raw)} bytes; the limit is {limit}")
    mailbox = check_recipient(services, rcpt_to)
    owner = await addresses.get_by_name(services.db, mailbox)
    parsed = mime.parse(raw)
    record = mails.NewMail(
        blob_key=f"mails/{uuid.uuid4().hex}",
        address_id=owner["id"] if owner else None,
        address=mailbox,
        source=mail_from,
        raw_size=len(raw),
        parsed=parsed,
        created_at=now_text(),
    )
    written: list[str] = []
    try:
        key = mails.raw_key(record.blob_key)
        await services.blobs.put(key, raw, "message/rfc822")
        written.append(key)
        for index, att in enumerate(parsed.attachments):
            key = mails.attachment_key(record.blob_key, index)
            await services.blobs.put(key, att.data, att.mime_type)
            written.append(key)
        results = await services.db.batch(mails.insert_statements(record))
    except BaseException:
        await _remove_quietly(services, written)
        raise
    mail_id = results[0].last_row_id
    assert mail_id is not None
    return Delivered(mail_id=mail_id, parse_status=parsed.status)


async def _remove_quietly(services: Services, keys: list[str]) -> None:
    """Undo blob writes after a failed delivery; the original error is what matters."""
    if not keys:
        return
    try:
        await services.blobs.delete(keys)
    except Exception:
        log.exception("could not remove %d blobs of a failed delivery", len(keys))
