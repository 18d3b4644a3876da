"""Bad input through the whole pipeline: every case ends stored (listable, raw byte-exact,
with whatever could be parsed) or refused with a clear reason; never a crash, never a partial row."""

from dataclasses import replace

import pytest

from tempmail import inbound
from tempmail.mime import primary, scanner
from tempmail.policy import Rejected
from tempmail.store import addresses, mails

BOX = "box@example.com"


async def _stored(services, raw: bytes) -> dict:
    """Deliver, then check the invariants every stored message must meet; return the parsed view."""
    owner = await addresses.get_by_name(services.db, BOX) or await addresses.create(services.db, BOX, None)
    delivered = await inbound.deliver(services, raw, "sender@example.org", BOX)
    row = await mails.get_for_address(services.db, owner["id"], delivered.mail_id)
    assert row is not None and row["raw_size"] == len(raw)
    assert await services.blobs.get(mails.raw_key(row["blob_key"])) == raw
    body = (await mails.bodies(services.db, [row["id"]]))[row["id"]]
    atts = (await mails.attachments(services.db, [row["id"]]))[row["id"]]
    assert len(atts) == row["attachment_count"]
    for att in atts:  # every listed attachment is readable, and exactly its recorded size
        if att["stored"]:
            data = await services.blobs.get(mails.attachment_key(row["blob_key"], att["idx"]))
        else:
            data = primary.transfer.decode_span(raw, att["raw_start"], att["raw_end"], att["encoding"])
        assert len(data) == att["size"]
    assert "\x00" not in body["text"] + body["html"] + row["subject"]
    return {**row, **body, "attachments": atts}


async def test_broken_boundaries_keep_every_part_that_can_be_found(services):
    raw = (
        b"Subject: broken\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n"
        b"--outer\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
        b"--outer-not-really\r\nstill the first part\r\n"
        b"--outer\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
    )  # no close delimiter at all
    mail = await _stored(services, raw)
    assert "first" in mail["text"] and "still the first part" in mail["text"]
    assert [a["filename"] for a in mail["attachments"]] == ["a.pdf"]
    assert mail["attachments"][0]["size"] == len(b"%PDF-")


async def test_declared_boundary_missing_uses_the_one_in_the_body(services):
    raw = (
        b"Content-Type: multipart/alternative; boundary=declared\r\n\r\n--actual\r\n"
        b"Content-Type: text/plain\r\n\r\nplain part\r\n"
        b"--actual\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n--actual--\r\n"
    )
    mail = await _stored(services, raw)
    assert mail["text"].strip() == "plain part" and mail["html"].strip() == "<b>html</b>"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n",
        b"just a body, no headers at all",
        b"Subject: only headers",
        b"\x00\x00\x00",
        b"From \r\n\r\n",
        b":\r\n:::\r\n\r\n",
    ],
    ids=["empty", "blank-line", "no-headers", "no-body", "nul-only", "mbox-line", "colons"],
)
async def test_empty_or_headerless_messages_are_stored(services, raw):
    mail = await _stored(services, raw)
    assert mail["parse_status"] == "parsed"


async def test_bad_base64_is_decoded_leniently(services):
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/png; name=x.png\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC!!!Aw\r\n==BA=\r\n  #junk\r\n--b--\r\n"
    )
    mail = await _stored(services, raw)
    assert mail["attachments"][0]["filename"] == "x.png"


async def test_wrong_and_unknown_charsets_still_give_readable_text(services):
    raw = (
        b"Subject: =?x-unknown-charset?q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nutf-8 anyway: \xc3\xa9t\xc3\xa9\r\n"
        b"--b\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nna\xc3\xafve\r\n"
        b"--b\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n"
        + "这是一封测试邮件".encode("gbk")
        + b"\r\n--b--\r\n"
    )
    mail = await _stored(services, raw)
    assert mail["subject"] == "café"
    assert "été" in mail["text"] and "naïve" in mail["text"] and "这是一封测试邮件" in mail["text"]


async def test_nul_bytes_anywhere_are_kept_in_the_raw_and_dropped_from_text(services):
    raw = b"Subject: nul\x00here\r\nFrom: a\x00@b.c\r\n\r\nbody\x00with\x00nuls\r\n"
    mail = await _stored(services, raw)
    assert mail["text"].startswith("bodywithnuls")
    assert mail["subject"] == "nul here"


async def test_ten_thousand_parts_are_stored_with_a_bounded_listing(services):
    parts = b"".join(
        b"--b\r\nContent-Type: application/octet-stream; name=p%d.bin\r\n\r\n%d\r\n" % (i, i)
        for i in range(10_000)
    )
    raw = b"Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + parts + b"--b--\r\n"
    mail = await _stored(services, raw)
    assert mail["attachment_count"] == primary.MAX_ATTACHMENTS
    assert mail["attachments_omitted"] == 10_000 - primary.MAX_ATTACHMENTS


async def test_deep_nesting_is_bounded(services):
    depth = scanner.MAX_DEPTH + 20
    head = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1) for i in range(depth)
    )
    raw = b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n" + head + b"--b%d\r\n\r\ndeep text\r\n" % depth
    mail = await _stored(services, raw)
    assert mail["parse_status"] == "parsed"


async def test_a_one_megabyte_header_line_is_stored(services):
    raw = (
        b"Subject: long\r\nX-Long: "
        + b"a" * 1_000_000
        + b"\r\nTo: "
        + b"x@y.z, " * 20_000
        + b"\r\n\r\nbody\r\n"
    )
    mail = await _stored(services, raw)
    assert mail["subject"] == "long" and mail["text"].strip() == "body"


async def test_truncated_and_garbage_mime_headers(services):
    raw = (
        b'Content-Type: multipart/mixed; boundary="b\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n'
        b"--b\r\nContent-Type: ;;;===\r\n"
        b"Content-Disposition: attachment; filename*=bad''%ZZ%\r\n\r\ndata\r\n--b--\r\n"
    )
    await _stored(services, raw)


async def test_oversize_is_refused_with_a_clear_reason_and_nothing_stored(services):
    small = replace(services, settings=replace(services.settings, max_message_size=1000))
    with pytest.raises(Rejected) as info:
        await inbound.deliver(small, b"Subject: big\r\n\r\n" + b"x" * 1000, "a@b.c", BOX)
    assert info.value.code == 552 and "limit is 1000" in info.value.reason
    assert await services.db.first("SELECT id FROM mails") is None


async def test_unknown_recipient_is_kept_or_refused_as_configured(services):
    delivered = await inbound.deliver(services, b"Subject: x\r\n\r\nx", "a@b.c", "nobody@example.com")
    assert (await mails.get_by_id(services.db, delivered.mail_id))["address_id"] is None
    strict = replace(services, settings=replace(services.settings, reject_unknown_recipient=True))
    with pytest.raises(Rejected) as info:
        await inbound.deliver(strict, b"Subject: x\r\n\r\nx", "a@b.c", "nobody@example.com")
    assert (info.value.code, info.value.reason) == (550, "5.1.1 no such mailbox: nobody@example.com")
