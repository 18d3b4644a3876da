"""Removing mail and addresses: rows in one batch first, then their blobs.

Rows go first so that a failure in between leaves unreferenced blobs (garbage) and never a
row pointing at missing bytes. Blob keys are listed before the rows are deleted, and only
mail up to the last listed id is deleted, so a message arriving meanwhile keeps its blobs.
"""

from __future__ import annotations

from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import addresses, mails, sendbox

_PAGE = 500


async def _blob_keys(services: Services, address_id: int) -> tuple[list[str], int]:
    """Every blob key of an address's mail, and the highest mail id seen."""
    keys: list[str] = []
    last_id = 0
    while True:
        rows = await mails.blob_rows_for_address(services.db, address_id, last_id, _PAGE)
        for row in rows:
            keys.extend(mails.blob_keys(row))
        if rows:
            last_id = rows[-1]["id"]
        if len(rows) < _PAGE:
            return keys, last_id


async def delete_mail(services: Services, row: Row) -> None:
    """Delete one mail row (bodies and attachments cascade), then its blobs."""
    await services.db.batch(mails.delete_statements([row]))
    await services.blobs.delete(mails.blob_keys(row))


async def clear_inbox(services: Services, address_id: int) -> int:
    """Delete all of an address's mail; return how many were deleted."""
    keys, last_id = await _blob_keys(services, address_id)
    if not last_id:
        return 0
    results = await services.db.batch(mails.clear_statements(address_id, last_id))
    await services.blobs.delete(keys)
    return results[0].changes


async def clear_sent(services: Services, address_id: int) -> int:
    """Delete all of an address's sent items; return how many were deleted."""
    results = await services.db.batch(sendbox.clear_statements(address_id))
    return results[0].changes


async def delete_address(services: Services, address_id: int) -> bool:
    """Delete an address with its mail, blobs, sent items, sender permission and user binding."""
    keys, last_id = await _blob_keys(services, address_id)
    results = await services.db.batch(addresses.delete_statements(address_id, last_id))
    await services.blobs.delete(keys)
    return results[-1].changes > 0
