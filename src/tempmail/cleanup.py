"""Retention: the cron deletes mail older than MAIL_RETENTION_DAYS, rows and blobs together."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tempmail.services import Services
from tempmail.store import mails, ratelimits

log = logging.getLogger(__name__)


async def delete_expired(
    services: Services, now: datetime | None = None, batch_size: int = 100, max_batches: int = 20
) -> int:
    """Delete expired mail in bounded batches (one Worker invocation stays short); return the count.

    Rows go first, then blobs: a crash in between leaves unreferenced blobs (garbage),
    never rows pointing at missing bytes.
    """
    days = services.settings.mail_retention_days
    if days <= 0:
        return 0
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
    deleted = 0
    for _ in range(max_batches):
        rows = await mails.older_than(services.db, cutoff, batch_size)
        if not rows:
            break
        await services.db.batch(mails.delete_statements(rows))
        await services.blobs.delete([key for row in rows for key in mails.blob_keys(row)])
        deleted += len(rows)
        if len(rows) < batch_size:
            break
    if deleted:
        log.info("retention: deleted %d mails older than %s", deleted, cutoff)
    return deleted


async def purge_rate_limits(services: Services, older_than_seconds: int = 2 * 3600) -> int:
    """Drop rate-limit windows no limit looks at any more (every limit's window is at most an hour)."""
    cutoff = int(datetime.now(UTC).timestamp()) - older_than_seconds
    return await ratelimits.purge(services.db, cutoff)


async def purge_soft_deleted(services: Services, batch_size: int = 100, max_batches: int = 20) -> int:
    """Remove rows and blobs of mail already hidden by a soft delete."""
    purged = 0
    for _ in range(max_batches):
        rows = await mails.soft_deleted(services.db, batch_size)
        if not rows:
            break
        await services.db.batch(mails.delete_statements(rows))
        await services.blobs.delete([key for row in rows for key in mails.blob_keys(row)])
        purged += len(rows)
    return purged


async def run_cron(services: Services) -> None:
    """Everything the scheduled trigger does."""
    await delete_expired(services)
    await purge_soft_deleted(services)
    await purge_rate_limits(services)
