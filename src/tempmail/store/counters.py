"""Totals maintained by triggers (see schema.sql)."""

from __future__ import annotations

from tempmail.ports import Database


async def totals(db: Database) -> dict[str, int]:
    """Every counter by name: addresses, mails, users, sendbox."""
    rows = await db.all("SELECT name, value FROM counters")
    return {row["name"]: int(row["value"]) for row in rows}
