"""The Workers adapter against faithful fakes of the SDK-wrapped D1, R2 and email objects."""

import email

import httpx
import pytest

from tempmail.adapters import workers
from tempmail.cleanup import delete_expired
from tempmail.ports import DeliveryError, Statement
from tempmail.store import addresses, mails
from tempmail.store import policy as policy_store
from tempmail.web.app import create_app
from tests.conftest import FIXTURES, SCHEMA, TEST_ENV
from tests.workers_fakes import (
    D1Error,
    FakeD1,
    FakeEmailMessage,
    FakeEmailModule,
    FakeEnv,
    FakeR2,
    FakeSendEmail,
    JsArray,
    make_fake_email,
)


@pytest.fixture
def env():
    d1 = FakeD1()
    d1.exec_script(SCHEMA)
    values = {**TEST_ENV, "DOMAINS": JsArray(["example.com", "example.org"])}
    return FakeEnv(DB=d1, BLOBS=FakeR2(), **values)


async def test_d1_port_shapes_rows_and_results(env):
    db = workers.D1Database(env.DB)
    await db.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    result = await db.run("INSERT INTO t (v) VALUES (?)", ["a"])
    assert (result.changes, result.last_row_id) == (1, 1)
    rows = await db.all("SELECT id, v FROM t")
    assert rows == [{"id": 1, "v": "a"}] and type(rows[0]) is dict
    assert await db.first("SELECT v FROM t WHERE id = ?", [99]) is None
    assert await db.first("SELECT v FROM t") == {"v": "a"}


async def test_d1_batch_is_atomic(env):
    db = workers.D1Database(env.DB)
    await db.run("CREATE TABLE t (v TEXT UNIQUE)")
    with pytest.raises(D1Error):
        await db.batch(
            [Statement("INSERT INTO t VALUES (?)", ("x",)), Statement("INSERT INTO t VALUES (?)", ("x",))]
        )
    assert await db.all("SELECT v FROM t") == []


async def test_r2_port_round_trips_bytes_and_content_type(env):
    blobs = workers.R2BlobStore(env.BLOBS)
    await blobs.put("k/raw.eml", b"\x00raw\xff", "message/rfc822")
    assert await blobs.get("k/raw.eml") == b"\x00raw\xff"
    assert env.BLOBS.objects["k/raw.eml"][1] == {"contentType": "message/rfc822"}
    assert await blobs.get("missing") is None
    await blobs.delete([f"bulk/{i}" for i in range(2500)])  # split into calls of <= 1000 keys
    await blobs.delete(["k/raw.eml"])
    assert env.BLOBS.objects == {}


def test_settings_from_env_converts_js_arrays_and_skips_missing_vars(env):
    settings = workers.settings_from_env(env)
    assert settings.domains == ("example.com", "example.org")
    assert settings.prefix == ""  # PREFIX is not on the env at all


async def test_email_handler_stores_the_message(env):
    services = workers.services_from_env(env)
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    message = FakeEmailMessage("sender@example.org", "Box+tag@Example.com", raw)
    await workers.handle_email(services, message)
    assert message.rejected is None
    row = await services.db.first("SELECT * FROM mails")
    assert (row["address"], row["source"], row["attachment_count"]) == (
        "box@example.com",
        "sender@example.org",
        4,
    )
    assert env.BLOBS.objects[mails.raw_key(row["blob_key"])][0] == raw


async def test_email_handler_rejects_foreign_domains(env):
    message = FakeEmailMessage("a@b.c", "someone@elsewhere.net", b"Subject: x\r\n\r\nx")
    await workers.handle_email(workers.services_from_env(env), message)
    assert "not served" in message.rejected
    assert env.BLOBS.objects == {}


async def test_email_handler_rejects_oversize_without_reading_the_stream(env):
    message = FakeEmailMessage("a@b.c", "box@example.com", b"x" * 10, raw_size=30 * 1024 * 1024)
    await workers.handle_email(workers.services_from_env(env), message)
    assert "limit" in message.rejected
    assert message.raw.reader.reads == 0


async def test_email_handler_raises_on_storage_failure_so_the_sender_retries(env):
    env.BLOBS.fail_puts = True
    message = FakeEmailMessage("a@b.c", "box@example.com", b"Subject: x\r\n\r\nx")
    with pytest.raises(OSError, match="R2 put failed"):
        await workers.handle_email(workers.services_from_env(env), message)
    assert message.rejected is None  # a storage fault is never a permanent rejection
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mails").first())["n"] == 0


async def test_database_failure_removes_blobs(env):
    env.DB.fail_batches = True
    message = FakeEmailMessage("a@b.c", "box@example.com", (FIXTURES / "corpus/msg_07.txt").read_bytes())
    with pytest.raises(D1Error):
        await workers.handle_email(workers.services_from_env(env), message)
    assert env.BLOBS.objects == {}
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mails").first())["n"] == 0


async def test_huge_bodies_are_capped_to_fit_a_d1_row(env):
    body = ("long line of text " * 200_000).encode()  # 3.6 MB of text: more than a D1 row holds
    raw = b"Subject: big\r\nContent-Type: text/plain\r\n\r\n" + body
    await workers.handle_email(
        workers.services_from_env(env), FakeEmailMessage("a@b.c", "box@example.com", raw)
    )
    row = await env.DB.prepare("SELECT truncated, length(CAST(text AS BLOB)) AS n FROM mail_bodies").first()
    assert row["truncated"] == 1 and row["n"] <= mails.BODY_BYTES_MAX
    (stored,) = [data for key, (data, _meta) in env.BLOBS.objects.items() if key.endswith("raw.eml")]
    assert stored == raw  # the whole message is still there, in R2


class InjectEnv:
    """What the SDK's ASGI bridge does: put the Worker's env into every request scope."""

    def __init__(self, app, env):
        self.app, self.env = app, env

    async def __call__(self, scope, receive, send):
        await self.app({**scope, "env": self.env}, receive, send)


async def test_the_app_runs_on_workers_adapters(env):
    app = create_app(lambda scope: workers.services_from_env(scope["env"]))
    transport = httpx.ASGITransport(app=InjectEnv(app, env))
    async with httpx.AsyncClient(transport=transport, base_url="https://worker.example") as http:
        created = (await http.post("/api/new_address", json={"name": "edge"})).json()
        raw = (FIXTURES / "corpus/msg_01.txt").read_bytes()
        await workers.handle_email(
            workers.services_from_env(env), FakeEmailMessage("a@b.c", created["address"], raw)
        )
        listing = await http.get("/api/mails", headers={"Authorization": f"Bearer {created['jwt']}"})
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["raw"] == raw.decode()


async def test_retention_deletes_rows_and_objects_together(env):
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    services = workers.services_from_env(env)
    await workers.handle_email(
        services, FakeEmailMessage("a@b.c", "box@example.com", b"Subject: old\r\n\r\nx")
    )
    keeping = replace(services, settings=replace(services.settings, mail_retention_days=1))
    assert await delete_expired(keeping) == 0  # not old enough yet
    later = datetime.now(UTC) + timedelta(days=2)
    assert await delete_expired(keeping, now=later) == 1
    assert env.BLOBS.objects == {}
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mail_bodies").first())["n"] == 0


async def test_r2_ranged_get_and_size(env):
    blobs = workers.R2BlobStore(env.BLOBS)
    await blobs.put("k", bytes(range(200)), "application/octet-stream")
    assert await blobs.get_range("k", 10, 5) == bytes(range(10, 15))
    assert await blobs.get_range("k", 195, 100) == bytes(range(195, 200))
    assert await blobs.size("k") == 200
    assert await blobs.get_range("nope", 0, 1) is None
    assert await blobs.size("nope") is None


def _rules_env(env, **values):
    for name, value in values.items():
        setattr(env, name, value)
    return workers.services_from_env(env)


async def test_forward_and_auto_reply_use_the_message_methods(env):
    services = _rules_env(env, FORWARD_ADDRESS_LIST='["me@verified.example"]', ENABLE_AUTO_REPLY="true")
    owner = await addresses.create(services.db, "box@example.com", None)
    await policy_store.save_auto_reply(
        services.db,
        owner["id"],
        name="Box",
        source_prefix="",
        subject="Away",
        message="Back soon",
        enabled=True,
    )
    raw = b"From: a@b.c\r\nMessage-ID: <m1@b.c>\r\nSubject: hi\r\n\r\nhello\r\n"
    message = FakeEmailMessage("a@b.c", "box@example.com", raw)
    await workers.handle_email(services, message, make_fake_email)
    assert message.forwarded == ["me@verified.example"]
    (reply,) = message.replies
    assert (reply.sender, reply.recipient) == ("box@example.com", "a@b.c")
    parsed = email.message_from_bytes(reply.raw)
    assert parsed["In-Reply-To"] == "<m1@b.c>" and parsed["Auto-Submitted"] == "auto-replied"
    assert parsed["Subject"] == "Away" and "Back soon" in parsed.get_payload()


async def test_a_failing_forward_never_fails_the_stored_message(env):
    services = _rules_env(env, FORWARD_ADDRESS_LIST='["unverified@x.example", "ok@x.example"]')
    message = FakeEmailMessage("a@b.c", "box@example.com", b"Subject: x\r\n\r\nx")
    message.verified_destinations = {"ok@x.example"}
    await workers.handle_email(services, message)
    assert message.rejected is None
    assert message.forwarded == ["ok@x.example"]  # the next destination is still tried
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mails").first())["n"] == 1


async def test_blocked_sender_is_rejected_before_the_stream_is_read(env):
    services = _rules_env(env, BLACK_LIST="spam.example")
    message = FakeEmailMessage("Bob@SPAM.example", "box@example.com", b"Subject: x\r\n\r\nx")
    await workers.handle_email(services, message)
    assert message.rejected == "5.7.1 sender is blocked here"
    assert message.raw.reader.reads == 0
    assert env.BLOBS.objects == {}


async def test_unknown_recipient_rejected_when_configured(env):
    services = _rules_env(env, REJECT_UNKNOWN_RECIPIENT="true")
    message = FakeEmailMessage("a@b.c", "nobody@example.com", b"Subject: x\r\n\r\nx")
    await workers.handle_email(services, message)
    assert message.rejected == "5.1.1 no such mailbox: nobody@example.com"
    assert env.BLOBS.objects == {}


async def test_raw_and_attachment_downloads_over_r2_ranges(env):
    app = create_app(lambda scope: workers.services_from_env(scope["env"]))
    transport = httpx.ASGITransport(app=InjectEnv(app, env))
    async with httpx.AsyncClient(transport=transport, base_url="https://worker.example") as http:
        created = (await http.post("/api/new_address", json={"name": "dl"})).json()
        raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
        await workers.handle_email(
            workers.services_from_env(env), FakeEmailMessage("a@b.c", created["address"], raw)
        )
        auth = {"Authorization": f"Bearer {created['jwt']}"}
        listing = (await http.get("/api/parsed_mails", headers=auth)).json()
        mail_id = listing["results"][0]["id"]
        source = await http.get(f"/api/mails/{mail_id}/raw", headers=auth)
        large = await http.get(f"/api/mails/{mail_id}/attachments/3", headers=auth)
    assert source.content == raw and source.headers["content-type"] == "message/rfc822"
    assert large.content == bytes((i * 7 + 300_000) % 256 for i in range(300_000))


@pytest.fixture
def email_sdk(monkeypatch):
    """The SDK's `import_from_javascript`, answering `cloudflare:email` with the fake module."""
    import sys
    import types

    def import_from_javascript(name):
        assert name == "cloudflare:email"
        return FakeEmailModule

    monkeypatch.setitem(
        sys.modules, "workers", types.SimpleNamespace(import_from_javascript=import_from_javascript)
    )


async def test_send_email_binding_takes_the_composed_message(env, email_sdk):
    env.SEND_MAIL = FakeSendEmail()
    services = workers.services_from_env(env)
    assert services.http is not None  # Resend and Turnstile go through the Worker's fetch
    raw = b"From: Me <me@example.com>\r\nMessage-ID: <1@example.com>\r\nSubject: s\r\n\r\nhi\r\n"
    await services.email_binding.send("me@example.com", "you@example.net", raw)
    (sent,) = env.SEND_MAIL.sent
    assert (sent.from_, sent.to, sent.raw) == ("me@example.com", "you@example.net", raw.decode())


async def test_send_email_refusals_are_permanent_delivery_errors(env, email_sdk):
    env.SEND_MAIL = FakeSendEmail(allowed_destination_addresses=["ok@example.net"])
    binding = workers.services_from_env(env).email_binding
    with pytest.raises(DeliveryError) as info:
        await binding.send("me@example.com", "other@example.net", b"From: me@example.com\r\n\r\nx")
    assert info.value.permanent and "not allowed" in str(info.value)


def test_without_the_binding_there_is_no_email_port(env):
    assert workers.services_from_env(env).email_binding is None


async def test_send_mail_on_workers_goes_through_the_binding(env, email_sdk):
    env.SEND_MAIL = FakeSendEmail()
    app = create_app(lambda scope: workers.services_from_env(scope["env"]))
    transport = httpx.ASGITransport(app=InjectEnv(app, env))
    async with httpx.AsyncClient(transport=transport, base_url="https://worker.example") as http:
        created = (await http.post("/api/new_address", json={"name": "edge"})).json()
        await (
            env.DB.prepare(
                "INSERT INTO address_senders (address_id, balance, enabled, created_at, updated_at) VALUES (?, 1, 1, 'n', 'n')"
            )
            .bind(created["address_id"])
            .run()
        )
        body = {
            "to_mail": "you@example.net",
            "to_name": "Ünïcode",
            "subject": "Grüße",
            "content": "<b>hi</b>",
            "is_html": True,
        }
        answer = await http.post(
            "/api/send_mail", headers={"Authorization": f"Bearer {created['jwt']}"}, json=body
        )
        assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
        again = await http.post(
            "/api/send_mail", headers={"Authorization": f"Bearer {created['jwt']}"}, json=body
        )
        assert again.json()["error"]["code"] == "no_balance"
        sendbox = (
            await http.get("/api/sendbox", headers={"Authorization": f"Bearer {created['jwt']}"})
        ).json()
    (sent,) = env.SEND_MAIL.sent
    assert sent.from_ == "edge@example.com" and "Subject: =?utf-8?" in sent.raw
    assert sendbox["count"] == 1 and sendbox["results"][0]["message_id"] in sent.raw


async def test_batch_read_of_200_ids_fits_d1s_parameter_limit(env):
    services = workers.services_from_env(env)
    owner = await addresses.create(services.db, "reader@example.com", None)
    for i in range(3):
        await workers.handle_email(
            services, FakeEmailMessage("a@b.c", "reader@example.com", f"Subject: {i}\r\n\r\nx".encode())
        )
    ids = [row["id"] for row in await services.db.all("SELECT id FROM mails")]
    wanted = ids + list(range(10_000, 10_197))  # 200 ids: more than one D1 statement may bind
    assert await mails.mark_read(services.db, owner["id"], wanted) == 3
    assert await mails.mark_read(services.db, owner["id"], wanted) == 0
