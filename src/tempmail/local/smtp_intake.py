"""SMTP intake: aiosmtpd hands every accepted message to the same pipeline as email()."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from tempmail import actions
from tempmail.inbound import Delivered, deliver, remove_mail
from tempmail.policy import Admission, Rejected, admit
from tempmail.ports import Outbound
from tempmail.services import Services

log = logging.getLogger(__name__)

# RFC 5321 limits lines to 1000 octets, but real mail breaks it (unfolded 1 MB headers,
# HTML on one line) and Email Routing stores such mail; so does this intake, up to here.
LONG_LINE_LIMIT = 4 * 1024 * 1024


class IntakeSMTP(SMTP):
    """aiosmtpd's server with long lines accepted (see LONG_LINE_LIMIT)."""

    line_length_limit = LONG_LINE_LIMIT


class IntakeHandler:
    """aiosmtpd handler: policy at RCPT, store at DATA, 451 on storage failure."""

    def __init__(self, services: Services, outbound: Outbound | None = None) -> None:
        self.services = services
        self.outbound = outbound

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        try:
            admission = await admit(self.services, envelope.mail_from or "", address)
        except Rejected as exc:
            return f"{exc.code} {exc.reason}"
        except Exception:
            log.exception("policy check failed; answering 451")
            return "451 4.3.0 temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        _admissions(envelope)[address] = admission
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        mail_from = envelope.mail_from or ""
        admissions = _admissions(envelope)
        delivered: list[tuple[Delivered, Admission]] = []
        try:
            for rcpt in envelope.rcpt_tos:
                done = await deliver(self.services, raw, mail_from, rcpt, admission=admissions.get(rcpt))
                delivered.append((done, admissions[rcpt]))
        except Rejected as exc:
            await self._undo(delivered)
            return f"{exc.code} {exc.reason}"
        except Exception:
            # Never accept what was not stored: the client keeps the message and retries
            # (for every recipient, so the ones already stored are taken back first).
            log.exception("storing a message failed; answering 451")
            await self._undo(delivered)
            return "451 4.3.0 temporary storage failure, try again later"
        if self.outbound is not None:
            for done, admission in delivered:
                await actions.after_store(
                    self.services, self.outbound, raw, done.parsed, mail_from, admission
                )
        return "250 2.0.0 OK: stored"

    async def _undo(self, delivered: list[tuple[Delivered, Admission]]) -> None:
        for done, _admission in delivered:
            try:
                await remove_mail(self.services, done.mail_id)
            except Exception:
                log.exception("could not take back mail %d of a failed delivery", done.mail_id)


def _admissions(envelope: Envelope) -> dict[str, Admission]:
    found = getattr(envelope, "tempmail_admissions", None)
    if found is None:
        found = {}
        envelope.tempmail_admissions = found  # type: ignore[attr-defined]
    return found


def smtp_factory(
    services: Services, outbound: Outbound | None = None, hostname: str = "tempmail.local"
) -> Any:
    """A protocol factory for `loop.create_server`, so intake shares the host's event loop."""
    handler = IntakeHandler(services, outbound)
    limit = services.settings.max_message_size

    def make() -> SMTP:
        return IntakeSMTP(handler, hostname=hostname, data_size_limit=limit, enable_SMTPUTF8=True)

    return make
