"""SMTP intake: aiosmtpd hands every accepted message to the same pipeline as email()."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from tempmail.inbound import Rejected, check_recipient, deliver
from tempmail.services import Services

log = logging.getLogger(__name__)


class IntakeHandler:
    """aiosmtpd handler: refuse foreign domains at RCPT, store at DATA, 451 on storage failure."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        try:
            check_recipient(self.services, address)
        except Rejected as exc:
            return f"{exc.code} {exc.reason}"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        mail_from = envelope.mail_from or ""
        try:
            for rcpt in envelope.rcpt_tos:
                await deliver(self.services, raw, mail_from, rcpt)
        except Rejected as exc:
            return f"{exc.code} {exc.reason}"
        except Exception:
            # Never accept what was not stored: the client keeps the message and retries.
            log.exception("storing a message failed; answering 451")
            return "451 4.3.0 temporary storage failure, try again later"
        return "250 2.0.0 OK: stored"


def smtp_factory(services: Services, hostname: str = "tempmail.local") -> Any:
    """A protocol factory for `loop.create_server`, so intake shares the host's event loop."""
    handler = IntakeHandler(services)
    limit = services.settings.max_message_size

    def make() -> SMTP:
        return SMTP(handler, hostname=hostname, data_size_limit=limit, enable_SMTPUTF8=True)

    return make
