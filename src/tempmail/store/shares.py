"""Share links: one per mail, looked up by the SHA-256 of their token."""

from __future__ import annotations

import hashlib

from tempmail.ports import Database, Row
from tempmail.store import now_text


def token_hash(token: str) -> str:
    """What is stored instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


async def put(db: Database, mail_id: int, token: str, expires_at: int) -> None:
    """Create the mail's link, replacing (and so revoking) any earlier one."""
    await db.run(
        "INSERT INTO share_links (mail_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (mail_id) DO UPDATE SET token_hash = excluded.token_hash, "
        "expires_at = excluded.expires_at, created_at = excluded.created_at",
        (mail_id, token_hash(token), expires_at, now_text()),
    )


async def revoke(db: Database, mail_id: int) -> bool:
    """Remove the mail's link; False when it had none."""
    return (await db.run("DELETE FROM share_links WHERE mail_id = ?", (mail_id,))).changes > 0


async def find(db: Database, token: str, now: int) -> Row | None:
    """The live (unexpired) link for a token, with its mail id."""
    return await db.first(
        "SELECT mail_id, expires_at FROM share_links WHERE token_hash = ? AND expires_at > ?",
        (token_hash(token), now),
    )
