"""The SMTP sending proxy: clients log in with an address JWT and each message is sent as that address.

AUTH PLAIN or LOGIN with user `jwt` (or the address itself) and the address JWT as
password; MAIL FROM must be that address; one recipient per message (a second RCPT gets
452, so clients send again); DATA is turned into a send request and handed to a
Submitter. With a certificate, STARTTLS is offered and AUTH needs it; without one, AUTH
works in the clear, which is why the proxy binds to loopback by default.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tempmail.local.submitters import Refused, Submitter
from tempmail.sending.from_mime import Unsendable, to_send_body
from tempmail.sending.request import MAX_CONTENT_BYTES, is_address

log = logging.getLogger(__name__)

# Room for headers and transfer encoding around the largest content the send API takes.
DATA_SIZE_LIMIT = 4 * MAX_CONTENT_BYTES


@dataclass(frozen=True)
class Login:
    """Who logged in: the token and the address it names."""

    token: str
    address: str


class SubmissionHandler:
    """aiosmtpd handler and authenticator of the sending proxy."""

    def __init__(self, submitter: Submitter) -> None:
        self.submitter = submitter

    def authenticator(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        """Accept `jwt` (or the token's own address) with a valid address JWT as the password."""
        if mechanism not in ("PLAIN", "LOGIN") or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        try:
            user = auth_data.login.decode("utf-8").strip().lower()
            token = auth_data.password.decode("utf-8").strip()
        except UnicodeDecodeError:
            return AuthResult(success=False, handled=False)
        address = self.submitter.token_address(token)
        if address is None or user not in ("jwt", address.lower()):
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=Login(token=token, address=address.lower()))

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        login = session.auth_data
        if not session.authenticated or not isinstance(login, Login):
            return "530 5.7.0 authentication required: AUTH with user jwt and the address JWT"
        if address.lower() != login.address:
            return f"553 5.7.1 the envelope sender must be {login.address}"
        try:
            await self.submitter.check(login.token)
        except Refused as exc:
            return exc.reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if envelope.rcpt_tos:
            return "452 4.5.3 one recipient per message; send again for the next one"
        if not is_address(address):
            return f"553 5.1.3 not a valid recipient address: {address[:100]}"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        login = session.auth_data
        assert isinstance(login, Login)  # handle_MAIL let only logged-in sessions this far
        try:
            body = to_send_body(envelope.original_content or b"", login.address, envelope.rcpt_tos[0])
            await self.submitter.submit(login.token, body)
        except (Unsendable, Refused) as exc:
            return exc.reply
        except Exception:
            log.exception("sending a submitted message failed; answering 451")
            return "451 4.3.0 temporary failure, try again later"
        return "250 2.0.0 OK: sent"


def quiet_aiosmtpd() -> None:
    """Keep aiosmtpd's per-line protocol log and its per-login deprecation notice out of the log."""
    mail_log = logging.getLogger("mail.log")
    mail_log.setLevel(logging.WARNING)
    mail_log.addFilter(lambda record: "login_data is deprecated" not in record.getMessage())


def tls_context(cert_file: Path | None, key_file: Path | None) -> ssl.SSLContext | None:
    """A server TLS context from PEM files, or None when no certificate is configured."""
    if cert_file is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert_file), str(key_file) if key_file else None)
    return context


def submission_factory(
    submitter: Submitter, tls: ssl.SSLContext | None = None, hostname: str = "tempmail.local"
) -> Any:
    """A protocol factory for `loop.create_server`, so the proxy shares the caller's event loop."""
    handler = SubmissionHandler(submitter)

    def make() -> SMTP:
        return SMTP(
            handler,
            hostname=hostname,
            data_size_limit=DATA_SIZE_LIMIT,
            authenticator=handler.authenticator,
            tls_context=tls,
            # Without a certificate there is nothing to protect AUTH with; loopback only then.
            auth_require_tls=tls is not None,
        )

    return make
