"""Formatting shared by the dialects."""

from __future__ import annotations


def iso_time(created_at: str) -> str:
    """'YYYY-MM-DD HH:MM:SS' (UTC) as ISO 8601 with a Z."""
    return created_at.replace(" ", "T") + "Z"
