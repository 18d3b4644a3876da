"""Rows of `sendbox`: mail an address has sent."""

from __future__ import annotations

from tempmail.ports import Statement


def clear_statements(address_id: int) -> list[Statement]:
    """Delete every sent item of an address (triggers fix the counts)."""
    return [Statement("DELETE FROM sendbox WHERE address_id = ?", (address_id,))]
