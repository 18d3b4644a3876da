"""Filtered, keyset-paged mail lists and full-text search (DoneMail, mail.td, admin keyword).

Every page is "newest first, older than the cursor": an index walk that stops after
`limit` rows, whatever the store's size. Filters map to fixed SQL fragments; values are
always bound. Full-text queries drive the walk from the FTS index in rowid order.
"""

from __future__ import annotations

from dataclasses import dataclass

from tempmail.ports import Database, Row
from tempmail.store.mails import SUMMARY_COLUMNS

_COLUMNS = ", ".join(f"m.{c.strip()}" for c in SUMMARY_COLUMNS.split(","))


@dataclass(frozen=True)
class MailFilter:
    """Exact filters plus an optional FTS5 MATCH expression (built by tempmail.fts)."""

    from_addr: str | None = None
    to: str | None = None
    to_domain: str | None = None
    has_attachments: bool | None = None
    address_id: int | None = None
    match: str | None = None

    def fingerprint(self) -> str:
        """A stable text naming the filter, so a cursor can be tied to the list it came from."""
        return repr(
            (self.from_addr, self.to, self.to_domain, self.has_attachments, self.address_id, self.match)
        )


def _where(flt: MailFilter, before_id: int | None) -> tuple[list[str], list[object]]:
    clauses, params = ["m.deleted_at IS NULL"], []
    if flt.from_addr is not None:
        clauses.append("m.from_addr = ? COLLATE NOCASE")
        params.append(flt.from_addr)
    if flt.to is not None:
        clauses.append("m.address = ?")
        params.append(flt.to.lower())
    if flt.to_domain is not None:
        clauses.append("m.domain = ?")
        params.append(flt.to_domain.lower())
    if flt.has_attachments is not None:
        clauses.append("(m.attachment_count > 0) = ?")
        params.append(int(flt.has_attachments))
    if flt.address_id is not None:
        clauses.append("m.address_id = ?")
        params.append(flt.address_id)
    if before_id is not None:
        clauses.append("m.id < ?")
        params.append(before_id)
    return clauses, params


async def page(db: Database, flt: MailFilter, before_id: int | None, limit: int) -> list[Row]:
    """Up to `limit` mails matching `flt` with id below `before_id`, newest first."""
    clauses, params = _where(flt, before_id)
    if flt.match is None:
        return await db.all(
            f"SELECT {_COLUMNS} FROM mails m WHERE {' AND '.join(clauses)} ORDER BY m.id DESC LIMIT ?",
            (*params, limit),
        )
    # Walk the FTS index newest first and join each hit to its summary row.
    return await db.all(
        f"SELECT {_COLUMNS} FROM mails_fts f JOIN mails m ON m.id = f.rowid "
        f"WHERE mails_fts MATCH ? AND {' AND '.join(clauses)} ORDER BY f.rowid DESC LIMIT ?",
        (flt.match, *params, limit),
    )


async def page_with_offset(db: Database, flt: MailFilter, limit: int, offset: int) -> list[Row]:
    """The same list paged by offset (cloudflare_temp_email's admin keyword search, mail.td pages)."""
    clauses, params = _where(flt, None)
    if flt.match is None:
        return await db.all(
            f"SELECT {_COLUMNS} FROM mails m WHERE {' AND '.join(clauses)} "
            "ORDER BY m.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
    return await db.all(
        f"SELECT {_COLUMNS} FROM mails_fts f JOIN mails m ON m.id = f.rowid "
        f"WHERE mails_fts MATCH ? AND {' AND '.join(clauses)} ORDER BY f.rowid DESC LIMIT ? OFFSET ?",
        (flt.match, *params, limit, offset),
    )


async def count(db: Database, flt: MailFilter) -> int:
    """How many live mails match (admin keyword search; proportional to the matches, not the store)."""
    clauses, params = _where(flt, None)
    if flt.match is None:
        row = await db.first(f"SELECT COUNT(*) AS n FROM mails m WHERE {' AND '.join(clauses)}", params)
    else:
        row = await db.first(
            f"SELECT COUNT(*) AS n FROM mails_fts f JOIN mails m ON m.id = f.rowid "
            f"WHERE mails_fts MATCH ? AND {' AND '.join(clauses)}",
            (flt.match, *params),
        )
    return int(row["n"]) if row else 0
