"""All SQL of the service lives in this package; handlers call these functions, never SQL."""

from __future__ import annotations

from datetime import UTC, datetime


def now_text() -> str:
    """The current UTC time in the format SQLite's datetime() and cloudflare_temp_email use."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
