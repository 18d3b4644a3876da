"""Rows of `send_quota`: how many mails the whole service sent in a UTC day or month."""

from __future__ import annotations

from tempmail.ports import Database


async def take(db: Database, period: str) -> int:
    """Count one send in `period` and return the period's count including it (one statement)."""
    row = await db.first(
        "INSERT INTO send_quota (period, count) VALUES (?, 1) "
        "ON CONFLICT (period) DO UPDATE SET count = count + 1 RETURNING count",
        (period,),
    )
    return int(row["count"]) if row else 1


async def give_back(db: Database, period: str) -> None:
    """Undo one `take` (the send was refused or failed)."""
    await db.run("UPDATE send_quota SET count = count - 1 WHERE period = ? AND count > 0", (period,))


async def used(db: Database, period: str) -> int:
    """The period's count so far."""
    row = await db.first("SELECT count FROM send_quota WHERE period = ?", (period,))
    return int(row["count"]) if row else 0
