"""The outbound SMTP port over the standard library's smtplib, for the local host.

smtplib blocks, so each send runs in a worker thread and the event loop keeps serving.
Not used on Workers (no TCP client there), so nothing on the Workers path imports it.
"""

from __future__ import annotations

import asyncio
import functools
import smtplib
import ssl

from tempmail.ports import DeliveryError
from tempmail.settings import SmtpRelay

TIMEOUT_SECONDS = 30


class SmtplibSender:
    """Delivers each message over a fresh connection: implicit TLS, STARTTLS when offered, AUTH."""

    def __init__(self, tls_context: ssl.SSLContext | None = None, local_hostname: str | None = None) -> None:
        self._given_tls = tls_context
        self._local_hostname = local_hostname or "tempmail.localhost"

    @functools.cached_property
    def _tls(self) -> ssl.SSLContext:
        # Certificates are verified against the system's roots unless a context says otherwise;
        # built on first TLS use, as loading the roots takes a while.
        return self._given_tls or ssl.create_default_context()

    async def send(self, relay: SmtpRelay, mail_from: str, rcpt_to: str, raw: bytes) -> None:
        await asyncio.to_thread(self._send, relay, mail_from, rcpt_to, raw)

    def _connect(self, relay: SmtpRelay) -> smtplib.SMTP:
        if relay.secure:
            return smtplib.SMTP_SSL(
                relay.host,
                relay.port,
                local_hostname=self._local_hostname,
                timeout=TIMEOUT_SECONDS,
                context=self._tls,
            )
        return smtplib.SMTP(
            relay.host, relay.port, local_hostname=self._local_hostname, timeout=TIMEOUT_SECONDS
        )

    def _send(self, relay: SmtpRelay, mail_from: str, rcpt_to: str, raw: bytes) -> None:
        try:
            with self._connect(relay) as smtp:
                smtp.ehlo()
                if not relay.secure and relay.starttls and smtp.has_extn("starttls"):
                    smtp.starttls(context=self._tls)
                    smtp.ehlo()
                if relay.username:
                    smtp.login(relay.username, relay.password)
                smtp.sendmail(mail_from, [rcpt_to], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients[rcpt_to]
            raise _refusal(code, reply) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth failed...
            raise _refusal(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:  # refused connection, timeout, TLS, hang-up
            raise DeliveryError(
                f"SMTP server {relay.host}:{relay.port} unreachable: {exc}", permanent=False
            ) from exc


def _refusal(code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    # 5xx is the server's final no; 4xx (and anything odd) means try again later.
    return DeliveryError(f"SMTP {code} {text}".strip(), permanent=500 <= code < 600)
