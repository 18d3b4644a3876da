"""The one inbound pipeline behind Email Routing's email() and the local SMTP intake.

Order matters for "never lose, never half-write": policy first (a refusal stores nothing),
then the raw message into the blob store, then parsing, then every row in one batch, then
post-store actions. If any storage step fails, the blobs already written are removed and
the error propagates, so Email Routing / SMTP tell the sender to retry. Policy refusals are
the only thing turned into a permanent rejection; post-store actions never fail a message.

Memory: the raw bytes are held once. The parser locates attachments inside them instead of
copying them out, so only the fallback parser's small results carry decoded copies.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from tempmail import actions, mime
from tempmail.policy import Admission, Rejected, admit, check_recipient, check_size, normalize_recipient
from tempmail.ports import Outbound
from tempmail.services import Services
from tempmail.store import mails, now_text

__all__ = ["Delivered", "Rejected", "check_recipient", "deliver", "normalize_recipient", "remove_mail"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivered:
    """A stored message: its mail id, how far parsing got, and the parse itself."""

    mail_id: int
    parse_status: str
    parsed: mime.ParsedMail


async def deliver(
    services: Services,
    raw: bytes,
    mail_from: str,
    rcpt_to: str,
    outbound: Outbound | None = None,
    admission: Admission | None = None,
) -> Delivered:
    """Store one message for one envelope recipient; raise Rejected for policy refusals.

    `admission` skips the policy checks already made (e.g. at SMTP RCPT time); the size is
    checked here in any case, because only now is it known for sure.
    """
    if admission is None:
        admission = await admit(services, mail_from, rcpt_to, len(raw))
    else:
        check_size(services, len(raw))
    blob_key = f"mails/{uuid.uuid4().hex}"
    written: list[str] = []
    try:
        key = mails.raw_key(blob_key)
        await services.blobs.put(key, raw, "message/rfc822")
        written.append(key)
        parsed = mime.parse(raw)  # never raises: degrades to fallback / unparsed
        for key, att in mails.copy_keys(blob_key, parsed):
            await services.blobs.put(key, att.data or b"", att.mime_type)
            written.append(key)
        record = mails.NewMail(
            blob_key=blob_key,
            address_id=admission.owner["id"] if admission.owner else None,
            address=admission.mailbox,
            source=mail_from,
            raw_size=len(raw),
            parsed=parsed,
            created_at=now_text(),
        )
        results = await services.db.batch(mails.insert_statements(record))
    except BaseException:
        await _remove_quietly(services, written)
        raise
    mail_id = results[0].last_row_id
    assert mail_id is not None
    if outbound is not None:
        await actions.after_store(services, outbound, raw, parsed, mail_from, admission)
    return Delivered(mail_id=mail_id, parse_status=parsed.status, parsed=parsed)


async def remove_mail(services: Services, mail_id: int) -> None:
    """Delete one stored mail, rows first then blobs (used to undo a multi-recipient delivery)."""
    row = await mails.get_by_id(services.db, mail_id)
    if row is None:
        return
    await services.db.batch(mails.delete_statements([row]))
    await _remove_quietly(services, mails.blob_keys(row))


async def _remove_quietly(services: Services, keys: list[str]) -> None:
    """Undo blob writes after a failed delivery; the original error is what matters."""
    if not keys:
        return
    try:
        await services.blobs.delete(keys)
    except Exception:
        log.exception("could not remove %d blobs of a failed delivery", len(keys))
