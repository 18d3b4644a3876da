"""The local host's outbound for post-store actions: forwards and auto-replies through SMTP_RELAY.

It is the Outbound port over the same SMTP sender the send path uses, so there is one SMTP
client in the project (adapters/smtp_relay.py).
"""

from __future__ import annotations

from tempmail.ports import SmtpSender
from tempmail.settings import SmtpRelay


def parse_relay(target: str) -> SmtpRelay:
    """`host:port` as a relay (plain SMTP, STARTTLS when offered, no login)."""
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"SMTP_RELAY: expected host:port, got {target!r}")
    return SmtpRelay(host=host, port=int(port))


class RelayOutbound:
    """Hands forwards and auto-replies to one relay."""

    def __init__(self, target: str, sender: SmtpSender) -> None:
        self.relay = parse_relay(target)
        self.sender = sender

    async def forward(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Relay the received message unchanged, keeping its envelope sender."""
        await self.sender.send(self.relay, mail_from, rcpt_to, raw)

    async def reply(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Relay an auto-reply."""
        await self.sender.send(self.relay, mail_from, rcpt_to, raw)
