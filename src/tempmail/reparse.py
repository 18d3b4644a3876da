"""Re-parse stored messages from their raw bytes (after the parser improves, or to retry failures)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from tempmail import mime
from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import mails

log = logging.getLogger(__name__)

FAILED = ("fallback", "unparsed")


@dataclass
class ReparseReport:
    """What a re-parse run did: mails seen, by new parse status, and those whose raw was missing."""

    seen: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    missing_raw: list[int] = field(default_factory=list)


async def reparse_one(services: Services, row: Row) -> str | None:
    """Re-parse one mail and replace its parsed rows in one batch; its new status, None if no raw."""
    blob_key = row["blob_key"]
    raw = await services.blobs.get(mails.raw_key(blob_key))
    if raw is None:
        return None
    parsed = mime.parse(raw)
    copies = mails.copy_keys(blob_key, parsed)
    for key, att in copies:
        await services.blobs.put(key, att.data or b"", att.mime_type)
    await services.db.batch(mails.reparse_statements(row["id"], row["address"], parsed))
    # Decoded copies the old parse made and the new one does not use any more.
    kept = {key for key, _att in copies}
    stale = [mails.attachment_key(blob_key, i) for i in range(row["attachment_count"])]
    stale = [key for key in stale if key not in kept]
    if stale:
        await services.blobs.delete(stale)
    return parsed.status


async def reparse(services: Services, *, only_failed: bool = False, batch_size: int = 50) -> ReparseReport:
    """Re-parse every stored mail (or only those that parsed with the fallback or not at all)."""
    report = ReparseReport()
    after = 0
    while True:
        rows = await mails.page_after(services.db, after, batch_size, FAILED if only_failed else None)
        if not rows:
            return report
        for row in rows:
            after = row["id"]
            report.seen += 1
            status = await reparse_one(services, row)
            if status is None:
                log.error("mail %d: raw message missing from the blob store", row["id"])
                report.missing_raw.append(row["id"])
                continue
            report.by_status[status] = report.by_status.get(status, 0) + 1
