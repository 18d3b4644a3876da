"""Property: mutated real messages never crash the pipeline, and whatever is accepted reads
back byte-exact (raw source and every listed attachment, at its recorded size)."""

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tempmail import inbound
from tempmail.adapters.folder import FolderBlobStore
from tempmail.adapters.sqlite import SqliteDatabase
from tempmail.services import Services
from tempmail.settings import Settings
from tempmail.store import addresses, mails
from tempmail.web.downloads import blob_chunks, decoded
from tests.conftest import SCHEMA, TEST_ENV, fixture_files

SEEDS = [path.read_bytes() for path in fixture_files() if path.stat().st_size < 20_000]
TOKENS = [
    b"\r\n",
    b"\n",
    b"--",
    b"\r\n\r\n",
    b"=?utf-8?b?",
    b"?=",
    b"=",
    b"\x00",
    b"\xff\xfe",
    b";",
    b'"',
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"\r\n--x\r\n",
    b"\r\n--x--\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"charset=gb2312",
    b"name*0*=utf-8''%E6%97",
]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    return bytes(data)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = SqliteDatabase(":memory:")
    db.execute_script(SCHEMA)
    services = Services(Settings.from_env(TEST_ENV), db, FolderBlobStore(tmp_path_factory.mktemp("prop")))
    asyncio.run(addresses.create(db, "box@example.com", None))
    yield services
    db.close()


async def _collect(chunks) -> bytes:
    return b"".join([piece async for piece in chunks])


async def _round_trip(services: Services, raw: bytes) -> None:
    delivered = await inbound.deliver(services, raw, "fuzz@example.org", "box@example.com")
    row = await mails.get_by_id(services.db, delivered.mail_id)
    key = mails.raw_key(row["blob_key"])
    assert await _collect(blob_chunks(services.blobs, key, 0, row["raw_size"])) == raw
    for att in (await mails.attachments(services.db, [row["id"]]))[row["id"]]:
        if att["stored"]:
            source = blob_chunks(
                services.blobs, mails.attachment_key(row["blob_key"], att["idx"]), 0, att["size"]
            )
        else:
            source = decoded(
                blob_chunks(services.blobs, key, att["raw_start"], att["raw_end"]), att["encoding"]
            )
        assert len(await _collect(source)) == att["size"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated())
def test_mutated_messages_are_stored_and_read_back_byte_exact(store, raw):
    asyncio.run(_round_trip(store, raw))
