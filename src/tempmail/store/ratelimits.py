"""Fixed-window counters, shared by every Worker isolate because they live in the database."""

from __future__ import annotations

from tempmail.ports import Database


async def hit(db: Database, key: str, window_start: int) -> int:
    """Count one event in the window and return the window's count so far."""
    row = await db.first(
        "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1) "
        "ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count",
        (key, window_start),
    )
    return int(row["count"]) if row else 1


async def current(db: Database, key: str, window_start: int) -> int:
    """The window's count without adding to it."""
    row = await db.first(
        "SELECT count FROM rate_limits WHERE key = ? AND window_start = ?", (key, window_start)
    )
    return int(row["count"]) if row else 0


async def purge(db: Database, before: int) -> int:
    """Drop windows that started before `before` (the cron keeps the table small)."""
    return (await db.run("DELETE FROM rate_limits WHERE window_start < ?", (before,))).changes
