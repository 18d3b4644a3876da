"""User accounts and the addresses bound to them."""

from __future__ import annotations

from tempmail.ports import Database, Row
from tempmail.store import like_pattern, now_text

_PUBLIC = "id, email, created_at, updated_at"
_ADDRESS = "a.id, a.name, a.mail_count, a.send_count, a.created_at, a.updated_at"


async def create(db: Database, email: str, password_hash: str) -> Row | None:
    """Insert a user; None when the email is taken."""
    now = now_text()
    return await db.first(
        "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT (email) DO NOTHING RETURNING {_PUBLIC}",
        (email, password_hash, now, now),
    )


async def get_by_id(db: Database, user_id: int) -> Row | None:
    """A user by id (with its password hash), or None."""
    return await db.first(f"SELECT {_PUBLIC}, password_hash FROM users WHERE id = ?", (user_id,))


async def get_by_email(db: Database, email: str) -> Row | None:
    """A user by email (with its password hash), or None."""
    return await db.first(f"SELECT {_PUBLIC}, password_hash FROM users WHERE email = ?", (email,))


async def list_page(db: Database, limit: int, offset: int, query: str | None) -> list[Row]:
    """Users newest first, each with how many addresses it has bound; optional email search."""
    where, params = ("WHERE u.email LIKE ? ESCAPE '\\'", [like_pattern(query)]) if query else ("", [])
    return await db.all(
        "SELECT u.id, u.email, u.created_at, u.updated_at, "
        "(SELECT COUNT(*) FROM user_addresses ua WHERE ua.user_id = u.id) AS address_count "
        f"FROM users u {where} ORDER BY u.id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )


async def count(db: Database, query: str | None) -> int:
    """How many users match: the maintained total, or an email search."""
    if not query:
        row = await db.first("SELECT value AS n FROM counters WHERE name = 'users'")
    else:
        row = await db.first(
            "SELECT COUNT(*) AS n FROM users WHERE email LIKE ? ESCAPE '\\'", (like_pattern(query),)
        )
    return int(row["n"]) if row else 0


async def delete(db: Database, user_id: int) -> bool:
    """Delete a user (its bindings cascade; the addresses themselves stay)."""
    return (await db.run("DELETE FROM users WHERE id = ?", (user_id,))).changes > 0


async def owner_of(db: Database, address_id: int) -> int | None:
    """The id of the user an address is bound to, if any."""
    row = await db.first("SELECT user_id FROM user_addresses WHERE address_id = ?", (address_id,))
    return row["user_id"] if row else None


async def bind(db: Database, user_id: int, address_id: int) -> None:
    """Bind an address to a user (idempotent for the same user)."""
    await db.run(
        "INSERT INTO user_addresses (user_id, address_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (user_id, address_id, now_text()),
    )


async def unbind(db: Database, user_id: int, address_id: int) -> bool:
    """Remove a binding; False when there was none."""
    result = await db.run(
        "DELETE FROM user_addresses WHERE user_id = ? AND address_id = ?", (user_id, address_id)
    )
    return result.changes > 0


async def bound_address(db: Database, user_id: int, address_id: int) -> Row | None:
    """The address, only when it is bound to this user."""
    return await db.first(
        f"SELECT {_ADDRESS} FROM addresses a JOIN user_addresses ua ON ua.address_id = a.id "
        "WHERE ua.user_id = ? AND a.id = ?",
        (user_id, address_id),
    )


async def bound_address_named(db: Database, user_id: int, name: str) -> Row | None:
    """The address with this name, only when it is bound to this user."""
    return await db.first(
        f"SELECT {_ADDRESS} FROM addresses a JOIN user_addresses ua ON ua.address_id = a.id "
        "WHERE ua.user_id = ? AND a.name = ?",
        (user_id, name),
    )


async def bound_addresses(db: Database, user_id: int, limit: int, offset: int) -> list[Row]:
    """A page of the user's addresses, newest first."""
    return await db.all(
        f"SELECT {_ADDRESS} FROM addresses a JOIN user_addresses ua ON ua.address_id = a.id "
        "WHERE ua.user_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    )


async def bound_totals(db: Database, user_id: int) -> Row:
    """How many addresses a user has bound and how many mails they hold together."""
    row = await db.first(
        "SELECT COUNT(*) AS addresses, COALESCE(SUM(a.mail_count), 0) AS mails "
        "FROM addresses a JOIN user_addresses ua ON ua.address_id = a.id WHERE ua.user_id = ?",
        (user_id,),
    )
    return row or {"addresses": 0, "mails": 0}
