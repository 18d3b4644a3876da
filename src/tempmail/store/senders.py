"""Rows of `address_senders`: permission to send and the remaining balance."""

from __future__ import annotations

from tempmail.ports import Database


async def balance(db: Database, address_id: int) -> int:
    """What the address may still send: its balance when its permission is enabled, else 0."""
    row = await db.first(
        "SELECT balance FROM address_senders WHERE address_id = ? AND enabled = 1", (address_id,)
    )
    return int(row["balance"]) if row else 0
