"""Where a send goes: Resend's HTTP API, an SMTP server, or Cloudflare's send_email binding.

Chosen per sending domain by configuration, in cloudflare_temp_email's order: RESEND_TOKEN,
then SMTP_CONFIG for the domain (or `*`), then the Worker's SEND_MAIL binding. Each
provider reports failure as DeliveryError: `permanent` when the provider refused the
message (answered 502), otherwise when it could not be reached (answered 503).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from tempmail.errors import ApiError
from tempmail.ports import DeliveryError, EmailBinding, HttpClient, SmtpSender
from tempmail.sending import compose
from tempmail.sending.request import SendRequest
from tempmail.services import Services
from tempmail.settings import SmtpRelay

RESEND_URL = "https://api.resend.com/emails"


@dataclass(frozen=True)
class Sent:
    """What a provider reports back: an id to keep with the sent item."""

    message_id: str | None


class Provider(Protocol):
    """Sends one request as `sender`."""

    name: str

    async def send(self, sender: str, request: SendRequest) -> Sent:
        """Deliver, or raise DeliveryError."""
        ...


def _quoted(name: str, address: str) -> str:
    if not name:
        return address
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}" <{address}>'


@dataclass(frozen=True)
class ResendProvider:
    """Resend's `POST /emails`, through the platform's HTTP client (the Worker's fetch)."""

    http: HttpClient
    token: str
    name: str = "resend"

    async def send(self, sender: str, request: SendRequest) -> Sent:
        payload = {
            "from": _quoted(request.from_name, sender),
            "to": [_quoted(request.to_name, request.to_mail)],
            "subject": request.subject,
            ("html" if request.is_html else "text"): request.content,
        }
        headers = {"authorization": f"Bearer {self.token}", "content-type": "application/json"}
        try:
            answer = await self.http.request(
                "POST", RESEND_URL, headers=headers, body=json.dumps(payload).encode()
            )
        except OSError as exc:
            raise DeliveryError(f"Resend could not be reached: {exc}", permanent=False) from exc
        try:
            data = json.loads(answer.body)
        except ValueError:
            data = {}
        if answer.status == 200 and isinstance(data, dict) and isinstance(data.get("id"), str):
            return Sent(message_id=data["id"])
        message = data.get("message", "") if isinstance(data, dict) else ""
        # Resend answers 4xx for a message it will not take, 429 and 5xx when it is busy or down.
        permanent = 400 <= answer.status < 500 and answer.status != 429
        raise DeliveryError(f"Resend answered {answer.status}: {message}".strip(), permanent=permanent)


@dataclass(frozen=True)
class SmtpProvider:
    """A MIME message built here, handed to an SMTP server."""

    smtp: SmtpSender
    relay: SmtpRelay
    name: str = "smtp"

    async def send(self, sender: str, request: SendRequest) -> Sent:
        raw, message_id = compose.build(sender, request)
        await self.smtp.send(self.relay, sender, request.to_mail, raw)
        return Sent(message_id=message_id)


@dataclass(frozen=True)
class BindingProvider:
    """A MIME message built here, handed to Cloudflare's send_email binding."""

    binding: EmailBinding
    name: str = "send_email"

    async def send(self, sender: str, request: SendRequest) -> Sent:
        raw, message_id = compose.build(sender, request)
        await self.binding.send(sender, request.to_mail, raw)
        return Sent(message_id=message_id)


def choose(services: Services, domain: str) -> Provider:
    """The provider configured for mail from `domain`; 500/503 when none can send it."""
    settings = services.settings
    if settings.resend_token:
        if services.http is None:
            raise ApiError(500, "misconfigured", "RESEND_TOKEN is set but no HTTP client is available")
        return ResendProvider(services.http, settings.resend_token)
    relay = settings.smtp_config.get(domain) or settings.smtp_config.get("*")
    if relay is not None:
        if services.smtp is None:
            raise ApiError(
                500,
                "misconfigured",
                "SMTP_CONFIG needs the local host; a Worker sends through SEND_MAIL or RESEND_TOKEN",
            )
        return SmtpProvider(services.smtp, relay)
    if services.email_binding is not None:
        return BindingProvider(services.email_binding)
    raise ApiError(503, "send_unavailable", f"no mail provider is configured for {domain}")
