"""The local host's outbound for post-store actions: hand mail to an SMTP relay (SMTP_RELAY).

Kept minimal on purpose: sending proper (issue 5) gets its own path; this only forwards
received messages and delivers auto-replies.
"""

from __future__ import annotations

import asyncio
import smtplib


class SmtpRelay:
    """Sends through `host:port` with smtplib, in a worker thread so the event loop keeps serving."""

    def __init__(self, target: str, timeout: float = 30.0) -> None:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"SMTP_RELAY: expected host:port, got {target!r}")
        self.host, self.port, self.timeout = host, int(port), timeout

    def _send(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.sendmail(mail_from, [rcpt_to], raw)

    async def forward(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Relay the received message unchanged, keeping its envelope sender."""
        await asyncio.to_thread(self._send, raw, mail_from, rcpt_to)

    async def reply(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Relay an auto-reply."""
        await asyncio.to_thread(self._send, raw, mail_from, rcpt_to)
