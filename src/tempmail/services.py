"""What a request or a delivery needs: settings and the two storage ports."""

from __future__ import annotations

from dataclasses import dataclass

from tempmail.ports import BlobStore, Database, HttpClient
from tempmail.settings import Settings


@dataclass(frozen=True)
class Services:
    """The platform-independent handle the core works through."""

    settings: Settings
    db: Database
    blobs: BlobStore
    http: HttpClient | None = None  # outbound HTTP; None where nothing needs it (tests)
