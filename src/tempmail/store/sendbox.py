"""Rows of `sendbox`: mail an address has sent (counts are kept by triggers)."""

from __future__ import annotations

from tempmail.ports import Database, Row, Statement
from tempmail.store import now_text

_COLUMNS = "id, address_id, address, raw, message_id, created_at"


async def add(db: Database, address_id: int, address: str, raw: str, message_id: str | None) -> int:
    """Record one sent mail; return its id."""
    result = await db.run(
        "INSERT INTO sendbox (address_id, address, raw, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
        (address_id, address, raw, message_id, now_text()),
    )
    assert result.last_row_id is not None
    return result.last_row_id


async def list_for_address(db: Database, address_id: int, limit: int, offset: int) -> list[Row]:
    """One page of an address's sent items, newest first."""
    return await db.all(
        f"SELECT {_COLUMNS} FROM sendbox WHERE address_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (address_id, limit, offset),
    )


async def count_for_address(db: Database, address_id: int) -> int:
    """How many sent items an address has, from its maintained counter."""
    row = await db.first("SELECT send_count FROM addresses WHERE id = ?", (address_id,))
    return int(row["send_count"]) if row else 0


async def list_all(db: Database, limit: int, offset: int) -> list[Row]:
    """One page of every sent item, newest first (admin)."""
    return await db.all(f"SELECT {_COLUMNS} FROM sendbox ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset))


async def total(db: Database) -> int:
    """How many sent items are stored, from the maintained counter."""
    row = await db.first("SELECT value AS n FROM counters WHERE name = 'sendbox'")
    return int(row["n"]) if row else 0


async def delete(db: Database, item_id: int, address_id: int | None = None) -> bool:
    """Delete one sent item (only the address's own when `address_id` is given)."""
    if address_id is None:
        result = await db.run("DELETE FROM sendbox WHERE id = ?", (item_id,))
    else:
        result = await db.run("DELETE FROM sendbox WHERE id = ? AND address_id = ?", (item_id, address_id))
    return result.changes > 0


def clear_statements(address_id: int) -> list[Statement]:
    """Delete every sent item of an address (triggers fix the counts)."""
    return [Statement("DELETE FROM sendbox WHERE address_id = ?", (address_id,))]
