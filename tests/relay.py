"""A real SMTP server for the tests: aiosmtpd on a free loopback port, recording every message.

It stands in for the outbound relay (the SMTP provider's server), optionally with AUTH,
STARTTLS or implicit TLS, and can be told to refuse recipients.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.localhost import free_port


@dataclass
class Received:
    """One accepted message: envelope, raw bytes, and who logged in."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    login: str | None

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RelayHandler:
    credentials: tuple[str, str] | None = None
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply
    received: list[Received] = field(default_factory=list)

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.credentials and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if session.authenticated else None
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, login)
        )
        return "250 2.0.0 queued"


@dataclass
class Relay:
    port: int
    handler: RelayHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def config(self, **extra) -> dict:
        """This relay in SMTP_CONFIG's shape."""
        return {"host": "127.0.0.1", "port": self.port, **extra}


@contextmanager
def running_relay(
    credentials: tuple[str, str] | None = None,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
) -> Iterator[Relay]:
    """Start a relay in its own thread (aiosmtpd's Controller); stop it afterwards."""
    handler = RelayHandler(credentials=credentials)
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        ssl_context=implicit_tls,
        authenticator=handler.authenticator,
        auth_require_tls=starttls is not None,
        tls_context=starttls,
    )
    controller.start()
    try:
        yield Relay(port, handler)
    finally:
        controller.stop()
