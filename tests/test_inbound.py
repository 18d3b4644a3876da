from dataclasses import replace

import pytest

from tempmail import inbound
from tempmail.mime import primary, transfer
from tempmail.ports import Statement
from tempmail.store import addresses, mails
from tests.conftest import FIXTURES


async def _address(services, name="box@example.com"):
    return await addresses.create(services.db, name, None)


async def _count(services, table):
    row = await services.db.first(f"SELECT COUNT(*) AS n FROM {table}")
    return row["n"]


async def test_delivery_stores_raw_bytes_rows_bodies_and_attachments(services):
    owner = await _address(services)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    delivered = await inbound.deliver(services, raw, "sender@example.org", "box@example.com")
    assert delivered.parse_status == "parsed"
    row = await mails.get_for_address(services.db, owner["id"], delivered.mail_id)
    assert row["subject"] == "Attachments of several sizes ✓"
    assert row["raw_size"] == len(raw)
    assert row["attachment_count"] == 4
    assert await services.blobs.get(mails.raw_key(row["blob_key"])) == raw
    atts = (await mails.attachments(services.db, [row["id"]]))[row["id"]]
    assert [a["filename"] for a in atts] == ["logo.png", "small.bin", "medium.bin", "large.bin"]
    # Attachments are located in the raw message (one stored copy of the bytes, not two).
    large = atts[3]
    assert (large["stored"], large["encoding"], large["size"]) == (0, "base64", 300_000)
    span = raw[large["raw_start"] : large["raw_end"]]
    assert b"".join(transfer.decode_chunks([span], "base64")) == bytes(
        (i * 7 + 300_000) % 256 for i in range(300_000)
    )
    assert await services.blobs.get(mails.attachment_key(row["blob_key"], 3)) is None
    assert await mails.count_for_address(services.db, owner["id"]) == 1


@pytest.mark.parametrize("recipient", ["Box+news@Example.COM", "<box@example.com>", "BOX@example.com"])
async def test_recipient_is_normalized_case_and_plus_tag(services, recipient):
    owner = await _address(services)
    delivered = await inbound.deliver(services, b"Subject: hi\r\n\r\nx", "a@b.c", recipient)
    assert await mails.get_for_address(services.db, owner["id"], delivered.mail_id) is not None


async def test_unknown_mailbox_on_a_served_domain_is_kept_without_owner(services):
    delivered = await inbound.deliver(services, b"Subject: hi\r\n\r\nx", "a@b.c", "nobody@example.com")
    row = await services.db.first("SELECT address_id, address FROM mails WHERE id = ?", (delivered.mail_id,))
    assert row == {"address_id": None, "address": "nobody@example.com"}


@pytest.mark.parametrize("recipient", ["box@example.net", "not-an-address", "@example.com", "box@"])
async def test_foreign_domain_or_malformed_recipient_is_rejected_and_nothing_stored(services, recipient):
    with pytest.raises(inbound.Rejected) as info:
        await inbound.deliver(services, b"Subject: hi\r\n\r\nx", "a@b.c", recipient)
    assert info.value.code == 550
    assert await _count(services, "mails") == 0


async def test_oversize_message_is_rejected_with_552(services):
    small = replace(services, settings=replace(services.settings, max_message_size=100))
    with pytest.raises(inbound.Rejected) as info:
        await inbound.deliver(small, b"x" * 101, "a@b.c", "box@example.com")
    assert info.value.code == 552
    assert "limit is 100" in info.value.reason


class FailingBlobs:
    """A blob store that fails on its n-th put, recording what it holds."""

    def __init__(self, inner, fail_on_put):
        self.inner, self.fail_on_put, self.puts = inner, fail_on_put, 0

    async def put(self, key, data, content_type):
        self.puts += 1
        if self.puts == self.fail_on_put:
            raise OSError("bucket unavailable")
        await self.inner.put(key, data, content_type)

    async def get(self, key):
        return await self.inner.get(key)

    async def get_range(self, key, offset, length):
        return await self.inner.get_range(key, offset, length)

    async def size(self, key):
        return await self.inner.size(key)

    async def delete(self, keys):
        await self.inner.delete(keys)


class FailingBatchDb:
    """A database whose batch() fails after its statements were half run (then rolls back)."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def batch(self, statements):
        await self.inner.batch([*statements, Statement("INSERT INTO no_such_table VALUES (1)")])


async def _blob_files(tmp_path):
    return [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]


async def test_blob_failure_raises_and_leaves_no_rows_or_blobs(services, tmp_path):
    await _address(services)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    broken = replace(services, blobs=FailingBlobs(services.blobs, fail_on_put=1))
    with pytest.raises(OSError, match="bucket unavailable"):
        await inbound.deliver(broken, raw, "a@b.c", "box@example.com")
    assert await _count(services, "mails") == 0
    assert await _blob_files(tmp_path) == []


def _explode(*_args):
    raise RuntimeError("scanner bug")


async def test_failure_while_storing_fallback_copies_removes_the_ones_written(
    services, tmp_path, monkeypatch
):
    # The fallback parser keeps decoded copies: raw, then one put per attachment.
    monkeypatch.setattr(primary, "scan", _explode)
    await _address(services)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    broken = replace(services, blobs=FailingBlobs(services.blobs, fail_on_put=3))
    with pytest.raises(OSError, match="bucket unavailable"):
        await inbound.deliver(broken, raw, "a@b.c", "box@example.com")
    assert broken.blobs.puts == 3
    assert await _count(services, "mails") == 0
    assert await _blob_files(tmp_path) == []


async def test_fallback_parse_stores_decoded_copies(services, monkeypatch):
    monkeypatch.setattr(primary, "scan", _explode)
    await _address(services)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    delivered = await inbound.deliver(services, raw, "a@b.c", "box@example.com")
    assert delivered.parse_status == "fallback"
    row = await mails.get_by_id(services.db, delivered.mail_id)
    atts = (await mails.attachments(services.db, [row["id"]]))[row["id"]]
    assert [a["stored"] for a in atts] == [1, 1, 1, 1]
    copy = await services.blobs.get(mails.attachment_key(row["blob_key"], 3))
    assert copy == bytes((i * 7 + 300_000) % 256 for i in range(300_000))


async def test_database_failure_raises_and_removes_written_blobs(services, tmp_path):
    owner = await _address(services)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    broken = replace(services, db=FailingBatchDb(services.db))
    with pytest.raises(Exception, match="no_such_table"):
        await inbound.deliver(broken, raw, "a@b.c", "box@example.com")
    for table in ("mails", "mail_bodies", "attachments"):
        assert await _count(services, table) == 0
    assert await mails.count_for_address(services.db, owner["id"]) == 0
    assert await _blob_files(tmp_path) == []
