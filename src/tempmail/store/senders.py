"""Rows of `address_senders`: permission to send and the remaining balance, one row per address."""

from __future__ import annotations

from tempmail.ports import Database, Row
from tempmail.store import now_text

_COLUMNS = "s.address_id, a.name AS address, s.balance, s.enabled, s.created_at, s.updated_at"


async def balance(db: Database, address_id: int) -> int:
    """What the address may still send: its balance when its permission is enabled, else 0."""
    row = await db.first(
        "SELECT balance FROM address_senders WHERE address_id = ? AND enabled = 1", (address_id,)
    )
    return int(row["balance"]) if row else 0


async def get(db: Database, address_id: int) -> Row | None:
    """The sender row of an address (with the address's name), or None."""
    return await db.first(
        f"SELECT {_COLUMNS} FROM address_senders s JOIN addresses a ON a.id = s.address_id "
        "WHERE s.address_id = ?",
        (address_id,),
    )


async def create(db: Database, address_id: int, balance: int, enabled: bool) -> bool:
    """Add a sender row unless the address has one; True when this call added it."""
    now = now_text()
    result = await db.run(
        "INSERT INTO address_senders (address_id, balance, enabled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (address_id) DO NOTHING",
        (address_id, balance, int(enabled), now, now),
    )
    return result.changes > 0


async def put(db: Database, address_id: int, balance: int, enabled: bool) -> None:
    """Create or overwrite an address's sender row (admin)."""
    now = now_text()
    await db.run(
        "INSERT INTO address_senders (address_id, balance, enabled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (address_id) DO UPDATE SET "
        "balance = excluded.balance, enabled = excluded.enabled, updated_at = excluded.updated_at",
        (address_id, balance, int(enabled), now, now),
    )


async def delete(db: Database, address_id: int) -> bool:
    """Remove an address's sender row; False when it had none."""
    return (await db.run("DELETE FROM address_senders WHERE address_id = ?", (address_id,))).changes > 0


async def charge(db: Database, address_id: int) -> bool:
    """Take one send from an enabled, positive balance in one statement; False when there was none.

    The condition is part of the UPDATE, so two concurrent sends can never both take the last one.
    """
    result = await db.run(
        "UPDATE address_senders SET balance = balance - 1, updated_at = ? "
        "WHERE address_id = ? AND enabled = 1 AND balance > 0",
        (now_text(), address_id),
    )
    return result.changes > 0


async def refund(db: Database, address_id: int) -> None:
    """Give back one send taken by `charge` (the send did not happen)."""
    await db.run(
        "UPDATE address_senders SET balance = balance + 1, updated_at = ? WHERE address_id = ?",
        (now_text(), address_id),
    )


async def list_page(db: Database, limit: int, offset: int, address: str | None) -> list[Row]:
    """Sender rows newest first, or the one of `address`."""
    if address:
        return await db.all(
            f"SELECT {_COLUMNS} FROM address_senders s JOIN addresses a ON a.id = s.address_id "
            "WHERE a.name = ? LIMIT ? OFFSET ?",
            (address, limit, offset),
        )
    return await db.all(
        f"SELECT {_COLUMNS} FROM address_senders s JOIN addresses a ON a.id = s.address_id "
        "ORDER BY s.created_at DESC, s.address_id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )


async def count(db: Database, address: str | None) -> int:
    """How many sender rows there are, or whether `address` has one (0 or 1)."""
    if address:
        row = await db.first(
            "SELECT COUNT(*) AS n FROM address_senders s JOIN addresses a ON a.id = s.address_id "
            "WHERE a.name = ?",
            (address,),
        )
    else:
        row = await db.first("SELECT COUNT(*) AS n FROM address_senders")
    return int(row["n"]) if row else 0
