"""Rows of the `addresses` table."""

from __future__ import annotations

from tempmail.ports import Database, Row
from tempmail.store import now_text

_COLUMNS = "id, name, password_hash, mail_count, created_at, updated_at"


async def create(db: Database, name: str, password_hash: str | None) -> Row | None:
    """Insert a new address; None when the name is taken."""
    now = now_text()
    return await db.first(
        "INSERT INTO addresses (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT (name) DO NOTHING RETURNING {_COLUMNS}",
        (name, password_hash, now, now),
    )


async def get_by_id(db: Database, address_id: int) -> Row | None:
    """The address with this id, or None."""
    return await db.first(f"SELECT {_COLUMNS} FROM addresses WHERE id = ?", (address_id,))


async def get_by_name(db: Database, name: str) -> Row | None:
    """The address with this full name (lower case), or None."""
    return await db.first(f"SELECT {_COLUMNS} FROM addresses WHERE name = ?", (name,))
