"""Re-parsing stored mail from its raw bytes: the core function and the local CLI."""

import pytest

from tempmail import inbound, reparse
from tempmail.local import host
from tempmail.mime import primary
from tempmail.store import mails
from tests.conftest import FIXTURES, TEST_ENV


def _explode(*_args):
    raise RuntimeError("old parser bug")


async def _deliver_with_broken_parser(services, monkeypatch, name="own/attachments_inline_image.eml"):
    raw = (FIXTURES / name).read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(primary, "scan", _explode)
        delivered = await inbound.deliver(services, raw, "a@b.c", "box@example.com")
    assert delivered.parse_status == "fallback"
    return delivered.mail_id, raw


async def test_reparse_replaces_rows_and_drops_copies_no_longer_needed(services, monkeypatch, tmp_path):
    mail_id, _raw = await _deliver_with_broken_parser(services, monkeypatch)
    row = await mails.get_by_id(services.db, mail_id)
    assert await services.blobs.get(mails.attachment_key(row["blob_key"], 0)) is not None
    report = await reparse.reparse(services)
    assert (report.seen, report.by_status, report.missing_raw) == (1, {"parsed": 1}, [])
    row = await mails.get_by_id(services.db, mail_id)
    assert (row["parse_status"], row["parse_error"], row["attachment_count"]) == ("parsed", None, 4)
    atts = (await mails.attachments(services.db, [mail_id]))[mail_id]
    assert [a["stored"] for a in atts] == [0, 0, 0, 0]
    files = sorted(p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file())
    assert files == ["raw.eml"]  # the fallback's decoded copies are gone
    assert (await mails.bodies(services.db, [mail_id]))[mail_id]["html"].startswith("<p>logo:")


async def test_only_failed_skips_mail_that_parsed(services, monkeypatch):
    await inbound.deliver(services, b"Subject: fine\r\n\r\nx", "a@b.c", "box@example.com")
    await _deliver_with_broken_parser(services, monkeypatch, "corpus/msg_07.txt")
    report = await reparse.reparse(services, only_failed=True, batch_size=1)
    assert (report.seen, report.by_status) == (1, {"parsed": 1})


async def test_missing_raw_is_reported_not_fatal(services):
    delivered = await inbound.deliver(services, b"Subject: gone\r\n\r\nx", "a@b.c", "box@example.com")
    row = await mails.get_by_id(services.db, delivered.mail_id)
    await services.blobs.delete([mails.raw_key(row["blob_key"])])
    report = await reparse.reparse(services)
    assert report.missing_raw == [delivered.mail_id]


def test_local_cli_reparses_the_data_folder(tmp_path, monkeypatch, capsys):
    import asyncio

    env = {**TEST_ENV, "DATA_DIR": str(tmp_path / "data")}
    monkeypatch.setattr(host.os, "environ", env)
    cfg = host.local_config.load(env, dev_vars=tmp_path / "none")
    services, db = host.open_services(cfg)
    asyncio.run(inbound.deliver(services, b"Subject: cli\r\n\r\nx", "a@b.c", "box@example.com"))
    db.close()
    with pytest.raises(SystemExit) as done:
        host.main(["reparse"])
    assert done.value.code == 0
    assert "re-parsed 1 mails: parsed 1" in capsys.readouterr().out
