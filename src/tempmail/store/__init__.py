"""All SQL of the service lives in this package; handlers call these functions, never SQL."""

from __future__ import annotations

from datetime import UTC, datetime


def now_text() -> str:
    """The current UTC time in the format SQLite's datetime() and cloudflare_temp_email use."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % _ and \\ taken literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
