"""The local SMTP intake over real SMTP: policy at RCPT, long lines, 451 on storage failure,
multi-recipient all-or-nothing, and post-store actions through a real SMTP relay."""

import asyncio
import smtplib
from dataclasses import replace

import pytest
from aiosmtpd.smtp import SMTP

from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.local.relay import RelayOutbound, parse_relay
from tempmail.local.smtp_intake import smtp_factory
from tempmail.store import addresses, mails
from tempmail.store import policy as policy_store


class Intake:
    """The intake served on this test's event loop; smtplib runs in a thread."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def send(self, mail_from: str, rcpts: list[str], raw: bytes) -> dict:
        def go():
            with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as smtp:
                return smtp.sendmail(mail_from, rcpts, raw)

        return await asyncio.to_thread(go)

    async def dialog(self, steps):
        def go():
            with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as smtp:
                smtp.ehlo()
                return [step(smtp) for step in steps]

        return await asyncio.to_thread(go)


async def _serve(services, outbound=None):
    server = await asyncio.get_running_loop().create_server(smtp_factory(services, outbound), "127.0.0.1", 0)
    return server, Intake(server.sockets[0].getsockname()[1])


@pytest.fixture
async def intake(services):
    server, client = await _serve(services)
    yield client
    server.close()


async def _count(services) -> int:
    return (await services.db.first("SELECT COUNT(*) AS n FROM mails"))["n"]


async def test_one_megabyte_header_line_is_accepted_and_stored_whole(services, intake):
    raw = b"Subject: long\r\nX-Long: " + b"a" * 1_048_576 + b"\r\n\r\nbody\r\n"
    assert await intake.send("a@example.net", ["box@example.com"], raw) == {}
    row = await services.db.first("SELECT blob_key, subject FROM mails")
    assert row["subject"] == "long"
    assert await services.blobs.get(mails.raw_key(row["blob_key"])) == raw


async def test_blocked_sender_and_unknown_recipient_are_refused_at_rcpt(services):
    await policy_store.replace_blocklist(services.db, ["spam.example"])
    strict = replace(services, settings=replace(services.settings, reject_unknown_recipient=True))
    await addresses.create(services.db, "box@example.com", None)
    server, intake = await _serve(strict)
    try:
        replies = await intake.dialog(
            [
                lambda s: s.mail("x@SPAM.example"),
                lambda s: s.rcpt("box@example.com"),
                lambda s: s.rset(),
                lambda s: s.mail("ok@example.net"),
                lambda s: s.rcpt("nobody@example.com"),
                lambda s: s.rcpt("box+tag@EXAMPLE.com"),
            ]
        )
    finally:
        server.close()
    assert replies[1] == (550, b"5.7.1 sender is blocked here")
    assert replies[4] == (550, b"5.1.1 no such mailbox: nobody@example.com")
    assert replies[5][0] == 250
    assert await _count(services) == 0


class FailingOnSecondBatch:
    def __init__(self, inner):
        self.inner, self.batches = inner, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def batch(self, statements):
        self.batches += 1
        if self.batches == 2 and statements[0].sql.startswith("INSERT INTO mails"):
            raise OSError("database is gone")
        return await self.inner.batch(statements)


async def test_storage_failure_answers_451_and_takes_back_the_recipients_already_stored(services, tmp_path):
    broken = replace(services, db=FailingOnSecondBatch(services.db))
    server, intake = await _serve(broken)
    try:
        with pytest.raises(smtplib.SMTPDataError) as info:
            await intake.send(
                "a@example.net", ["one@example.com", "two@example.com"], b"Subject: x\r\n\r\nx\r\n"
            )
    finally:
        server.close()
    assert info.value.smtp_code == 451
    assert await _count(services) == 0
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []


class Sink:
    """A real SMTP server (aiosmtpd) that records what the relay hands it."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
async def relay():
    # Served on the test's loop: the relay sends from a worker thread, so the loop stays free.
    sink = Sink()
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(sink), "127.0.0.1", 0)
    yield sink, f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()


async def test_forward_and_auto_reply_go_out_through_the_relay(services, relay):
    sink, target = relay
    configured = replace(
        services,
        settings=replace(
            services.settings, forward_address_list=("me@elsewhere.example",), enable_auto_reply=True
        ),
    )
    owner = await addresses.create(services.db, "box@example.com", None)
    await policy_store.save_auto_reply(
        services.db, owner["id"], name="Box", source_prefix="", subject="Away", message="Later", enabled=True
    )
    server, intake = await _serve(configured, RelayOutbound(target, SmtplibSender()))
    raw = b"From: a@example.net\r\nMessage-ID: <1@example.net>\r\nSubject: hi\r\n\r\nhello\r\n"
    try:
        await intake.send("a@example.net", ["box@example.com"], raw)
    finally:
        server.close()
    forwarded, reply = sorted(sink.messages, key=lambda m: m[1])[::-1]
    assert forwarded == ("a@example.net", ["me@elsewhere.example"], raw)
    assert reply[:2] == ("box@example.com", ["a@example.net"])
    assert b"Subject: Away" in reply[2] and b"In-Reply-To: <1@example.net>" in reply[2]


async def test_an_unreachable_relay_never_fails_the_stored_message(services):
    configured = replace(
        services, settings=replace(services.settings, forward_address_list=("me@elsewhere.example",))
    )
    server, intake = await _serve(configured, RelayOutbound("127.0.0.1:1", SmtplibSender()))
    try:
        assert await intake.send("a@example.net", ["box@example.com"], b"Subject: x\r\n\r\nx\r\n") == {}
    finally:
        server.close()
    assert await _count(services) == 1


def test_relay_setting_must_be_host_and_port():
    with pytest.raises(ValueError, match="host:port"):
        parse_relay("localhost")
    relay = parse_relay("relay.example:2525")
    assert (relay.host, relay.port, relay.secure, relay.username) == ("relay.example", 2525, False, "")
