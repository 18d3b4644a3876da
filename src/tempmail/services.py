"""What a request or a delivery needs: settings, the two storage ports and the outbound ports."""

from __future__ import annotations

from dataclasses import dataclass

from tempmail.ports import BlobStore, Database, EmailBinding, HttpClient, SmtpSender
from tempmail.settings import Settings


@dataclass(frozen=True)
class Services:
    """The platform-independent handle the core works through."""

    settings: Settings
    db: Database
    blobs: BlobStore
    http: HttpClient | None = None  # outbound HTTP; None where nothing needs it (tests)
    smtp: SmtpSender | None = None  # outbound SMTP (local host); the Worker has none
    email_binding: EmailBinding | None = None  # Cloudflare's send_email binding (Worker only)
