"""Rows of `sender_blocklist` and `auto_replies`: the admin's and the addresses' inbound rules."""

from __future__ import annotations

from tempmail.ports import Database, Row, Statement
from tempmail.store import now_text

_BLOCKLIST_ROWS_PER_INSERT = 45  # two bound values a row, under D1's 100-parameter limit


async def blocklist(db: Database) -> list[str]:
    """The admin blocklist patterns, sorted."""
    rows = await db.all("SELECT pattern FROM sender_blocklist ORDER BY pattern")
    return [row["pattern"] for row in rows]


async def replace_blocklist(db: Database, patterns: list[str]) -> None:
    """Replace the whole admin blocklist in one transaction."""
    now = now_text()
    statements = [Statement("DELETE FROM sender_blocklist")]
    for first in range(0, len(patterns), _BLOCKLIST_ROWS_PER_INSERT):
        group = patterns[first : first + _BLOCKLIST_ROWS_PER_INSERT]
        marks = ", ".join("(?, ?)" for _ in group)
        params = tuple(value for pattern in group for value in (pattern, now))
        statements.append(
            Statement(f"INSERT OR IGNORE INTO sender_blocklist (pattern, created_at) VALUES {marks}", params)
        )
    await db.batch(statements)


async def is_blocked(db: Database, sender: str) -> bool:
    """True when the (lower-cased) sender contains a blocklist pattern; matched in SQL, one query."""
    row = await db.first(
        "SELECT 1 AS hit FROM sender_blocklist WHERE instr(?, pattern) > 0 LIMIT 1", (sender.lower(),)
    )
    return row is not None


_AUTO_REPLY_COLUMNS = "address_id, name, source_prefix, subject, message, enabled, updated_at"


async def auto_reply(db: Database, address_id: int) -> Row | None:
    """An address's auto-reply settings, or None when it never set any."""
    return await db.first(
        f"SELECT {_AUTO_REPLY_COLUMNS} FROM auto_replies WHERE address_id = ?", (address_id,)
    )


async def save_auto_reply(
    db: Database, address_id: int, *, name: str, source_prefix: str, subject: str, message: str, enabled: bool
) -> None:
    """Create or replace an address's auto-reply settings."""
    await db.run(
        f"INSERT OR REPLACE INTO auto_replies ({_AUTO_REPLY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (address_id, name, source_prefix, subject, message, int(enabled), now_text()),
    )
