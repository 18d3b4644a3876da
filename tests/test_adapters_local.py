import pytest

from tempmail.adapters.folder import FolderBlobStore
from tempmail.ports import Statement


async def test_sqlite_rows_are_dicts_and_batches_are_atomic(database):
    await database.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    result = await database.run("INSERT INTO t (v) VALUES (?)", ("a",))
    assert result.changes == 1 and result.last_row_id == 1
    assert await database.all("SELECT id, v FROM t") == [{"id": 1, "v": "a"}]
    with pytest.raises(Exception, match="UNIQUE"):
        await database.batch(
            [
                Statement("INSERT INTO t (v) VALUES (?)", ("b",)),
                Statement("INSERT INTO t (v) VALUES (?)", ("a",)),
            ]
        )
    assert await database.all("SELECT v FROM t ORDER BY id") == [{"v": "a"}]  # "b" rolled back
    assert await database.first("SELECT v FROM t WHERE v = ?", ("zzz",)) is None


async def test_schema_applies_twice(database):
    from tests.conftest import SCHEMA

    database.execute_script(SCHEMA)  # the local host applies it on every start
    tables = await database.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    assert {"addresses", "mails", "mail_bodies", "attachments"} <= {t["name"] for t in tables}


async def test_folder_store_put_get_delete(tmp_path):
    store = FolderBlobStore(tmp_path / "blobs")
    await store.put("mails/abc/raw.eml", b"\x00\xffraw", "message/rfc822")
    assert await store.get("mails/abc/raw.eml") == b"\x00\xffraw"
    assert await store.get("mails/missing") is None
    await store.delete(["mails/abc/raw.eml", "mails/never-existed"])
    assert await store.get("mails/abc/raw.eml") is None
    assert list((tmp_path / "blobs").iterdir()) == []  # empty folders are removed too


async def test_folder_store_refuses_keys_outside_its_root(tmp_path):
    store = FolderBlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError, match="escapes"):
        await store.put("../outside", b"x", "text/plain")
