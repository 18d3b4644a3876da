"""Rows of `mails`, `mail_bodies` and `attachments`; raw bytes live in the blob store."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tempmail import fts
from tempmail.mime import Attachment, ParsedMail
from tempmail.ports import Database, Row, Statement
from tempmail.store import now_text

# D1 caps a row at about 2 MB; both bodies share one row, so each gets a bit under half.
BODY_BYTES_MAX = 900_000
# D1 binds at most 100 parameters per statement: attachment rows go in groups that fit.
_ATTACHMENT_PARAMS = 11
_ROWS_PER_INSERT = 100 // _ATTACHMENT_PARAMS
_IDS_PER_STATEMENT = 99  # plus the address id

SUMMARY_COLUMNS = (
    "id, blob_key, address_id, address, domain, source, message_id, subject, from_addr, from_name, "
    "to_addrs, cc_addrs, reply_to, date_header, preview, raw_size, attachment_count, "
    "attachments_omitted, parse_status, parse_error, metadata, is_read, created_at"
)
ATTACHMENT_COLUMNS = (
    "mail_id, idx, filename, mime_type, size, content_id, disposition, stored, raw_start, raw_end, encoding"
)


def raw_key(blob_key: str) -> str:
    """Where a mail's raw MIME is stored."""
    return f"{blob_key}/raw.eml"


def attachment_key(blob_key: str, index: int) -> str:
    """Where a decoded copy of attachment number `index` is stored (never from its filename)."""
    return f"{blob_key}/att/{index}"


def copy_keys(blob_key: str, parsed: ParsedMail) -> list[tuple[str, Attachment]]:
    """The attachments that need a decoded copy (those not located in the raw message), with keys."""
    return [(attachment_key(blob_key, i), a) for i, a in enumerate(parsed.attachments) if a.span is None]


@dataclass(frozen=True)
class NewMail:
    """A received message ready to be written: envelope, sizes and what parsing found."""

    blob_key: str
    address_id: int | None
    address: str
    source: str
    raw_size: int
    parsed: ParsedMail
    created_at: str


def _summary_values(parsed: ParsedMail) -> tuple:
    return (
        parsed.message_id,
        parsed.subject,
        parsed.from_addr,
        parsed.from_name,
        json.dumps(parsed.to),
        json.dumps(parsed.cc),
        json.dumps(parsed.reply_to),
        parsed.date,
        parsed.preview,
        len(parsed.attachments),
        parsed.attachments_omitted,
        parsed.status,
        parsed.error,
    )


def _bodies(parsed: ParsedMail) -> tuple[str, str, int]:
    text, text_cut = _cap(parsed.text)
    html, html_cut = _cap(parsed.html)
    return text, html, int(text_cut or html_cut or parsed.bodies_truncated)


def _attachment_inserts(mail_ref: str, ref: object, parsed: ParsedMail) -> list[Statement]:
    """Multi-row INSERTs of the attachment metadata; `mail_ref` is SQL yielding the mail id from `ref`."""
    rows = []
    for index, att in enumerate(parsed.attachments):
        start, end = att.span if att.span is not None else (None, None)
        stored = int(att.span is None)
        values = (att.filename, att.mime_type, att.size, att.content_id, att.disposition, stored, start, end)
        rows.append((ref, index, *values, att.encoding))
    statements = []
    for first in range(0, len(rows), _ROWS_PER_INSERT):
        group = rows[first : first + _ROWS_PER_INSERT]
        marks = ", ".join(f"({mail_ref}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in group)
        params = tuple(value for row in group for value in row)
        statements.append(Statement(f"INSERT INTO attachments ({ATTACHMENT_COLUMNS}) VALUES {marks}", params))
    return statements


def insert_statements(mail: NewMail) -> list[Statement]:
    """The statements that record one mail; run them in one batch so they land together."""
    parsed = mail.parsed
    this_mail = "(SELECT id FROM mails WHERE blob_key = ?)"
    statements = [
        Statement(
            "INSERT INTO mails (blob_key, address_id, address, domain, source, message_id, subject, "
            "from_addr, from_name, to_addrs, cc_addrs, reply_to, date_header, preview, "
            "attachment_count, attachments_omitted, parse_status, parse_error, raw_size, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mail.blob_key,
                mail.address_id,
                mail.address,
                mail.address.rpartition("@")[2],
                mail.source,
                *_summary_values(parsed),
                mail.raw_size,
                mail.created_at,
            ),
        ),
        Statement(
            f"INSERT INTO mail_bodies (mail_id, text, html, truncated) VALUES ({this_mail}, ?, ?, ?)",
            (mail.blob_key, *_bodies(parsed)),
        ),
        Statement(
            f"INSERT INTO mails_fts (rowid, subject, addresses, body) VALUES ({this_mail}, ?, ?, ?)",
            (mail.blob_key, *fts.document(parsed, mail.address)),
        ),
        *_attachment_inserts(this_mail, mail.blob_key, parsed),
    ]
    return statements


def reparse_statements(mail_id: int, recipient: str, parsed: ParsedMail) -> list[Statement]:
    """Statements replacing one mail's parsed fields, bodies, attachments and search text (one batch)."""
    return [
        Statement(
            "UPDATE mails SET message_id = ?, subject = ?, from_addr = ?, from_name = ?, to_addrs = ?, "
            "cc_addrs = ?, reply_to = ?, date_header = ?, preview = ?, attachment_count = ?, "
            "attachments_omitted = ?, parse_status = ?, parse_error = ? WHERE id = ?",
            (*_summary_values(parsed), mail_id),
        ),
        Statement(
            "INSERT OR REPLACE INTO mail_bodies (mail_id, text, html, truncated) VALUES (?, ?, ?, ?)",
            (mail_id, *_bodies(parsed)),
        ),
        Statement("DELETE FROM attachments WHERE mail_id = ?", (mail_id,)),
        *_attachment_inserts("?", mail_id, parsed),
        Statement("DELETE FROM mails_fts WHERE rowid = ?", (mail_id,)),
        Statement(
            "INSERT INTO mails_fts (rowid, subject, addresses, body) VALUES (?, ?, ?, ?)",
            (mail_id, *fts.document(parsed, recipient)),
        ),
    ]


async def list_for_address(db: Database, address_id: int, limit: int, offset: int) -> list[Row]:
    """One page of an address's mail summaries, newest first (served by mails_by_address)."""
    return await db.all(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE address_id = ? AND deleted_at IS NULL "
        "ORDER BY id DESC LIMIT ? OFFSET ?",
        (address_id, limit, offset),
    )


async def count_for_address(db: Database, address_id: int) -> int:
    """How many mails an address has, from its maintained counter (no row scan)."""
    row = await db.first("SELECT mail_count FROM addresses WHERE id = ?", (address_id,))
    return int(row["mail_count"]) if row else 0


async def get_for_address(db: Database, address_id: int, mail_id: int) -> Row | None:
    """One mail summary, only when it belongs to the address."""
    return await db.first(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE id = ? AND address_id = ? AND deleted_at IS NULL",
        (mail_id, address_id),
    )


async def page_after(db: Database, after_id: int, limit: int, statuses: tuple[str, ...] | None) -> list[Row]:
    """Live mails with id > `after_id` in id order (optionally only with a parse status in `statuses`)."""
    if statuses:
        marks = ", ".join("?" * len(statuses))
        return await db.all(
            f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE id > ? AND parse_status IN ({marks}) "
            "AND deleted_at IS NULL ORDER BY id LIMIT ?",
            (after_id, *statuses, limit),
        )
    return await db.all(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?",
        (after_id, limit),
    )


async def bodies(db: Database, mail_ids: list[int]) -> dict[int, Row]:
    """Text and html bodies of the given mails, by mail id."""
    if not mail_ids:
        return {}
    marks = ", ".join("?" * len(mail_ids))
    rows = await db.all(
        f"SELECT mail_id, text, html, truncated FROM mail_bodies WHERE mail_id IN ({marks})",
        mail_ids,
    )
    return {row["mail_id"]: row for row in rows}


async def attachments(db: Database, mail_ids: list[int]) -> dict[int, list[Row]]:
    """Attachment metadata of the given mails, by mail id, in part order."""
    if not mail_ids:
        return {}
    marks = ", ".join("?" * len(mail_ids))
    rows = await db.all(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE mail_id IN ({marks}) ORDER BY mail_id, idx",
        mail_ids,
    )
    grouped: dict[int, list[Row]] = {mail_id: [] for mail_id in mail_ids}
    for row in rows:
        grouped[row["mail_id"]].append(row)
    return grouped


async def attachment(db: Database, mail_id: int, index: int) -> Row | None:
    """One attachment's metadata by its index within the mail, or None."""
    return await db.first(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE mail_id = ? AND idx = ?", (mail_id, index)
    )


async def list_all(db: Database, limit: int, offset: int) -> list[Row]:
    """One page of every mail, newest first (admin)."""
    return await db.all(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE deleted_at IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )


async def total(db: Database) -> int:
    """How many mails are stored, from the maintained counter."""
    row = await db.first("SELECT value AS n FROM counters WHERE name = 'mails'")
    return int(row["n"]) if row else 0


async def list_unowned(db: Database, address: str, limit: int, offset: int) -> list[Row]:
    """Mail to a recipient that has no address row (admin), newest first."""
    return await db.all(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE address = ? AND address_id IS NULL "
        "AND deleted_at IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
        (address, limit, offset),
    )


async def count_unowned(db: Database, address: str) -> int:
    """How many mails a recipient without an address row has (an index range, admin only)."""
    row = await db.first(
        "SELECT COUNT(*) AS n FROM mails WHERE address = ? AND address_id IS NULL AND deleted_at IS NULL",
        (address,),
    )
    return int(row["n"]) if row else 0


async def list_for_user(
    db: Database, user_id: int, limit: int, offset: int, address_id: int | None = None
) -> list[Row]:
    """Mail of the addresses bound to a user (optionally one of them), newest first."""
    if address_id is not None:
        return await db.all(
            f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE address_id = ? AND deleted_at IS NULL "
            "AND address_id IN (SELECT address_id FROM user_addresses WHERE user_id = ?) "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (address_id, user_id, limit, offset),
        )
    return await db.all(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE deleted_at IS NULL AND address_id IN "
        "(SELECT address_id FROM user_addresses WHERE user_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    )


async def get_by_id(db: Database, mail_id: int) -> Row | None:
    """One mail summary, whoever it belongs to (admin)."""
    return await db.first(
        f"SELECT {SUMMARY_COLUMNS} FROM mails WHERE id = ? AND deleted_at IS NULL", (mail_id,)
    )


async def blob_rows_for_address(db: Database, address_id: int, after_id: int, limit: int) -> list[Row]:
    """The next page (by id) of an address's mails, with what is needed to find their blobs."""
    return await db.all(
        "SELECT id, blob_key, attachment_count FROM mails WHERE address_id = ? AND id > ? "
        "ORDER BY id LIMIT ?",
        (address_id, after_id, limit),
    )


def clear_statements(address_id: int, last_mail_id: int) -> list[Statement]:
    """Delete an address's mails up to `last_mail_id` (later arrivals stay)."""
    return [Statement("DELETE FROM mails WHERE address_id = ? AND id <= ?", (address_id, last_mail_id))]


async def mark_read(db: Database, address_id: int, mail_ids: list[int] | None) -> int:
    """Mark the address's given mails (all when None) read; return how many changed."""
    if mail_ids is None:
        result = await db.run(
            "UPDATE mails SET is_read = 1 WHERE address_id = ? AND is_read = 0 AND deleted_at IS NULL",
            (address_id,),
        )
        return result.changes
    # D1 binds at most 100 parameters per statement: one statement per group, one batch in all.
    statements = []
    for first in range(0, len(mail_ids), _IDS_PER_STATEMENT):
        group = mail_ids[first : first + _IDS_PER_STATEMENT]
        marks = ", ".join("?" * len(group))
        statements.append(
            Statement(
                "UPDATE mails SET is_read = 1 WHERE address_id = ? AND is_read = 0 AND deleted_at IS NULL "
                f"AND id IN ({marks})",
                (address_id, *group),
            )
        )
    return sum(result.changes for result in await db.batch(statements)) if statements else 0


async def soft_delete(db: Database, address_id: int, mail_id: int) -> bool:
    """Hide one of the address's mails now (triggers fix counts and the index); the cron purges it."""
    result = await db.run(
        "UPDATE mails SET deleted_at = ? WHERE id = ? AND address_id = ? AND deleted_at IS NULL",
        (now_text(), mail_id, address_id),
    )
    return result.changes > 0


async def soft_deleted(db: Database, limit: int) -> list[Row]:
    """Soft-deleted mails waiting for the cron to remove their rows and blobs."""
    return await db.all(
        "SELECT id, blob_key, address_id, attachment_count FROM mails WHERE deleted_at IS NOT NULL LIMIT ?",
        (limit,),
    )


async def older_than(db: Database, cutoff: str, limit: int) -> list[Row]:
    """The oldest mails created before `cutoff`, at most `limit` of them."""
    return await db.all(
        "SELECT id, blob_key, address_id, attachment_count FROM mails "
        "WHERE created_at < ? ORDER BY created_at LIMIT ?",
        (cutoff, limit),
    )


def delete_statements(rows: list[Row]) -> list[Statement]:
    """Statements that delete these mails; bodies and attachments cascade, triggers fix counts."""
    return [Statement("DELETE FROM mails WHERE id = ?", (row["id"],)) for row in rows]


def blob_keys(row: Row) -> list[str]:
    """Every blob a mail row may own (copies that were never made are skipped by the delete)."""
    key = row["blob_key"]
    return [raw_key(key)] + [attachment_key(key, i) for i in range(row["attachment_count"])]


def _cap(text: str) -> tuple[str, bool]:
    if len(text) * 4 <= BODY_BYTES_MAX:  # cannot be over in UTF-8: skip the encode
        return text, False
    encoded = text.encode("utf-8")
    if len(encoded) <= BODY_BYTES_MAX:
        return text, False
    return encoded[:BODY_BYTES_MAX].decode("utf-8", "ignore"), True
