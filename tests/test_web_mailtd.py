"""The mail.td dialect under /api/accounts/{account_id}."""

import pytest

from tempmail.cleanup import run_cron
from tests.conftest import FIXTURES, bearer, message, new_address, push


async def account(client, name="td"):
    box = await new_address(client, name)
    return box, f"/api/accounts/{box['address_id']}/messages", bearer(box["jwt"])


async def test_pages_of_thirty_newest_first(client):
    box, base, auth = await account(client)
    ids = [await push(client, message(f"m{i}"), box["address"]) for i in range(31)]
    first = (await client.get(base, headers=auth)).json()
    assert [m["id"] for m in first] == list(reversed(ids))[:30]
    second = (await client.get(base, params={"page": 2}, headers=auth)).json()
    assert [m["id"] for m in second] == [ids[0]]  # a short page is the last
    assert set(first[0]) == {
        "id",
        "sender",
        "from",
        "subject",
        "preview_text",
        "size",
        "is_read",
        "created_at",
    }
    assert (first[0]["sender"], first[0]["from"], first[0]["is_read"]) == (
        "sender@example.org",
        "sender@example.org",
        False,
    )


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
async def test_bad_pages_are_400(client, page):
    _box, base, auth = await account(client)
    assert (await client.get(base, params={"page": page}, headers=auth)).status_code == 400


async def test_account_is_the_address_by_id_or_name(client):
    box, _base, auth = await account(client)
    other, other_base, _ = await account(client, "other")
    await push(client, message("x"), box["address"])
    by_name = await client.get(f"/api/accounts/{box['address']}/messages", headers=auth)
    assert by_name.status_code == 200 and len(by_name.json()) == 1
    assert (await client.get(other_base, headers=auth)).status_code == 404
    assert (await client.get(f"/api/accounts/{other['address']}/messages", headers=auth)).status_code == 404
    assert (await client.get(other_base)).status_code == 401


async def test_detail_source_and_attachments(client):
    box, base, auth = await account(client)
    other, _, other_auth = await account(client, "nosy")
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    mail_id = await push(client, raw, box["address"])
    detail = (await client.get(f"{base}/{mail_id}", headers=auth)).json()
    assert detail["subject"] == "Attachments of several sizes ✓" and detail["html"].startswith("<p>logo:")
    assert detail["attachments"][0] == {
        "index": 0,
        "filename": "logo.png",
        "content_type": "image/png",
        "size": 1024,
    }
    source = await client.get(f"{base}/{mail_id}/source", headers=auth)
    assert source.content == raw
    assert source.headers["content-type"] == "message/rfc822"
    assert source.headers["content-disposition"].startswith('attachment; filename="message.eml"')
    png = await client.get(f"{base}/{mail_id}/attachments/0", headers=auth)
    assert png.content == bytes(range(256)) * 4
    assert (await client.get(f"{base}/{mail_id}/attachments/9", headers=auth)).status_code == 404
    for bad in ("x", "-1", "1.0"):
        assert (await client.get(f"{base}/{mail_id}/attachments/{bad}", headers=auth)).status_code == 400
    other_base = f"/api/accounts/{other['address_id']}/messages"
    assert (await client.get(f"{other_base}/{mail_id}", headers=other_auth)).status_code == 404
    assert (await client.get(f"{base}/abc", headers=auth)).status_code == 400


async def test_soft_delete_hides_everywhere_and_cron_purges(client, services, tmp_path):
    box, base, auth = await account(client)
    keep = await push(client, message("keep"), box["address"])
    gone = await push(client, message("gone"), box["address"])
    assert (await client.delete(f"{base}/{gone}", headers=auth)).status_code == 204
    assert (await client.get(f"{base}/{gone}", headers=auth)).status_code == 404
    assert (await client.delete(f"{base}/{gone}", headers=auth)).status_code == 404
    assert [m["id"] for m in (await client.get(base, headers=auth)).json()] == [keep]
    dialect_a = (await client.get("/api/mails", headers=auth)).json()
    assert dialect_a["count"] == 1 and [m["id"] for m in dialect_a["results"]] == [keep]
    assert (await client.get(f"/api/mail/{gone}", headers=auth)).status_code == 404
    assert len(list((tmp_path / "blobs").rglob("*.eml"))) == 2  # blobs stay until the cron
    await run_cron(services)
    assert len(list((tmp_path / "blobs").rglob("*.eml"))) == 1
    assert (await services.db.first("SELECT COUNT(*) AS n FROM mails"))["n"] == 1


async def test_read_flags_single_batch_all_and_visible_elsewhere(client):
    box, base, auth = await account(client)
    ids = [await push(client, message(f"r{i}"), box["address"]) for i in range(4)]
    assert (await client.put(f"{base}/{ids[0]}/read", headers=auth)).status_code == 204
    assert (await client.put(f"{base}/{ids[0]}/read", headers=auth)).status_code == 204  # idempotent
    batch = await client.put(f"{base}/read", json={"ids": [ids[0], ids[1], ids[1], 999_999]}, headers=auth)
    assert batch.json() == {"updated": 1}
    assert (await client.put(f"{base}/read", json={"all": True}, headers=auth)).json() == {"updated": 2}
    listed = (await client.get(base, headers=auth)).json()
    assert all(m["is_read"] for m in listed)
    parsed = (await client.get("/api/parsed_mails", headers=auth)).json()["results"]
    assert all(m["is_read"] is True for m in parsed)
    donemail = (await client.get("/api/mails", headers={"X-Admin-Key": "admin-pass"})).json()["data"]
    assert all(m["isRead"] for m in donemail)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"ids": list(range(1, 202))}, 400),
        ({"ids": ["1"]}, 400),
        ({"ids": [0]}, 400),
        ({}, 400),
        ({"all": "yes"}, 400),
        ({"ids": 5}, 400),
    ],
)
async def test_batch_read_validation(client, body, status):
    _box, base, auth = await account(client)
    response = await client.put(f"{base}/read", json=body, headers=auth)
    assert response.status_code == status


async def test_expired_messages_are_410(make_client, services):
    http = make_client(mail_retention_days=1)
    box = (await http.post("/api/new_address", json={"name": "old"})).json()
    mail_id = await push(http, message("old"), box["address"])
    await services.db.run("UPDATE mails SET created_at = '2000-01-01 00:00:00'")
    base = f"/api/accounts/{box['address_id']}/messages"
    for path in (f"{base}/{mail_id}", f"{base}/{mail_id}/source", f"{base}/{mail_id}/attachments/0"):
        response = await http.get(path, headers=bearer(box["jwt"]))
        assert response.status_code == 410 and response.json()["error"]["code"] == "expired"


async def test_domains_accounts_and_tokens(client):
    assert (await client.get("/api/domains")).json() == {"domains": ["example.com", "example.org"]}
    created = await client.post(
        "/api/accounts", json={"address": "Mine@example.org", "password": "long password"}
    )
    assert created.status_code == 201
    account_row = created.json()
    assert account_row["address"] == "mine@example.org"
    token = await client.post("/api/token", json={"address": "mine@example.org", "password": "long password"})
    assert token.json()["id"] == account_row["id"]
    listing = await client.get(
        f"/api/accounts/{account_row['id']}/messages", headers=bearer(token.json()["token"])
    )
    assert listing.json() == []
    wrong = await client.post("/api/token", json={"address": "mine@example.org", "password": "wrong"})
    unknown = await client.post("/api/token", json={"address": "who@example.org", "password": "wrong"})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()
    for body in (
        {"address": "mine@example.org", "password": "long password"},
        {"address": "x@other.net", "password": "long password"},
        {"address": "bad name@example.org", "password": "long password"},
        {"address": "y@example.org", "password": "short"},
    ):
        assert (await client.post("/api/accounts", json=body)).status_code == 400, body
