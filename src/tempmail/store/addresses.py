"""Rows of the `addresses` table (mail and send counts are kept by triggers)."""

from __future__ import annotations

from tempmail.ports import Database, Row, Statement
from tempmail.store import like_pattern, now_text

_PUBLIC = "id, name, mail_count, send_count, created_at, updated_at"
_COLUMNS = f"{_PUBLIC}, password_hash"


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


async def list_page(db: Database, limit: int, offset: int, query: str | None) -> list[Row]:
    """Addresses newest first, optionally those whose name contains `query`; no password hashes."""
    if query:
        return await db.all(
            f"SELECT {_PUBLIC} FROM addresses WHERE name LIKE ? ESCAPE '\\' "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (like_pattern(query), limit, offset),
        )
    return await db.all(f"SELECT {_PUBLIC} FROM addresses ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset))


async def count(db: Database, query: str | None) -> int:
    """How many addresses match: the maintained total, or a name search (admin only)."""
    if not query:
        row = await db.first("SELECT value AS n FROM counters WHERE name = 'addresses'")
    else:
        row = await db.first(
            "SELECT COUNT(*) AS n FROM addresses WHERE name LIKE ? ESCAPE '\\'", (like_pattern(query),)
        )
    return int(row["n"]) if row else 0


def delete_statements(address_id: int, last_mail_id: int) -> list[Statement]:
    """Delete an address with its mail up to `last_mail_id`; sender row, sendbox and bindings cascade.

    Mail that arrived after the caller listed the blobs to delete is kept, detached from the
    address (admin-visible, like mail to any unknown recipient), instead of losing its blobs.
    """
    return [
        Statement("DELETE FROM mails WHERE address_id = ? AND id <= ?", (address_id, last_mail_id)),
        Statement("UPDATE mails SET address_id = NULL WHERE address_id = ?", (address_id,)),
        Statement("DELETE FROM addresses WHERE id = ?", (address_id,)),
    ]


async def touch(db: Database, address_id: int) -> None:
    """Record activity on an address (shown as updated_at, like the original)."""
    await db.run("UPDATE addresses SET updated_at = ? WHERE id = ?", (now_text(), address_id))
