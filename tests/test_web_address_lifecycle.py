"""Address policies and the address's own destructive routes."""

import hashlib
import json

import pytest

from tempmail.ports import HttpResponse
from tests.conftest import ADMIN, bearer, message, new_address, push


class FakeTurnstile:
    """Stands in for Cloudflare's siteverify, the one edge that cannot run here."""

    def __init__(self, status=200, success=True, fail=False):
        self.status, self.success, self.fail, self.requests = status, success, fail, []

    async def request(self, method, url, *, headers, body=None):
        self.requests.append((method, url, body))
        if self.fail:
            raise OSError("network unreachable")
        return HttpResponse(self.status, json.dumps({"success": self.success}).encode())


async def test_creation_can_be_switched_off(make_client):
    response = await make_client(enable_user_create_email=False).post("/api/new_address", json={})
    assert response.status_code == 403 and response.json()["error"]["code"] == "disabled"


async def test_anonymous_creation_can_require_a_user(make_client):
    http = make_client(disable_anonymous_user_create_email=True)
    assert (await http.post("/api/new_address", json={})).status_code == 401
    await http.post("/user_api/register", json={"email": "u@example.net", "password": "12345678"})
    token = (
        await http.post("/user_api/login", json={"email": "u@example.net", "password": "12345678"})
    ).json()["jwt"]
    created = await http.post("/api/new_address", json={"name": "mine"}, headers={"x-user-token": token})
    assert created.status_code == 200
    bound = (await http.get("/user_api/bind_address", headers={"x-user-token": token})).json()
    assert [a["name"] for a in bound["results"]] == ["mine@example.com"]


async def test_creation_is_rate_limited_per_client_ip(make_client):
    http = make_client(new_address_limit_per_hour=2)
    assert [(await http.post("/api/new_address", json={})).status_code for _ in range(2)] == [200, 200]
    third = await http.post("/api/new_address", json={})
    assert third.status_code == 429 and int(third.headers["retry-after"]) <= 3600
    assert (await http.post("/admin/new_address", json={"name": "adm"}, headers=ADMIN)).status_code == 200


async def test_the_ip_header_is_trusted_only_where_the_platform_sets_it(make_client):
    local = make_client(new_address_limit_per_hour=1)
    await local.post("/api/new_address", json={}, headers={"cf-connecting-ip": "1.1.1.1"})
    spoofed = await local.post("/api/new_address", json={}, headers={"cf-connecting-ip": "2.2.2.2"})
    assert spoofed.status_code == 429  # locally the header is ignored: same socket peer
    edge = make_client(new_address_limit_per_hour=1, client_ip_header="cf-connecting-ip")
    assert (
        await edge.post("/api/new_address", json={}, headers={"cf-connecting-ip": "3.3.3.3"})
    ).status_code == 200
    assert (
        await edge.post("/api/new_address", json={}, headers={"cf-connecting-ip": "4.4.4.4"})
    ).status_code == 200


async def test_turnstile_token_is_checked_when_configured(make_client):
    verifier = FakeTurnstile()
    http = make_client(http=verifier, cf_turnstile_secret_key="ts-secret")
    missing = await http.post("/api/new_address", json={})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "captcha_required"
    ok = await http.post("/api/new_address", json={"cf_token": "tok"})
    assert ok.status_code == 200
    method, url, body = verifier.requests[-1]
    assert (method, url) == ("POST", "https://challenges.cloudflare.com/turnstile/v0/siteverify")
    assert b"secret=ts-secret" in body and b"response=tok" in body


@pytest.mark.parametrize(
    ("verifier", "status", "code"),
    [
        (FakeTurnstile(success=False), 400, "captcha_failed"),
        (FakeTurnstile(fail=True), 502, "captcha_unavailable"),
        (FakeTurnstile(status=500), 502, "captcha_unavailable"),
    ],
)
async def test_turnstile_failures_create_nothing(make_client, services, verifier, status, code):
    http = make_client(http=verifier, cf_turnstile_secret_key="ts-secret")
    response = await http.post("/api/new_address", json={"cf_token": "tok"})
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert (await services.db.first("SELECT COUNT(*) AS n FROM addresses"))["n"] == 0


async def test_address_login_with_its_password(client):
    box = await new_address(client, "pw")
    response = await client.post(
        "/api/address_login", json={"email": "PW@example.com", "password": box["password"]}
    )
    assert response.status_code == 200 and response.json()["address"] == "pw@example.com"
    assert (await client.get("/api/settings", headers=bearer(response.json()["jwt"]))).status_code == 200


async def test_address_login_failures_do_not_reveal_which_addresses_exist(client, monkeypatch):
    box = await new_address(client, "exists")
    calls = []
    real = hashlib.pbkdf2_hmac
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", lambda *a: calls.append(a[3]) or real(*a))
    wrong = await client.post("/api/address_login", json={"email": box["address"], "password": "nope"})
    unknown = await client.post("/api/address_login", json={"email": "ghost@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert calls == [1000, 1000]  # the same hashing work for a missing address as for a wrong password


async def test_address_login_disabled_and_throttled(make_client):
    assert (
        await make_client(enable_address_password=False).post(
            "/api/address_login", json={"email": "a@example.com", "password": "x"}
        )
    ).status_code == 403
    http = make_client(auth_failure_limit=1)
    await http.post("/api/address_login", json={"email": "a@example.com", "password": "x"})
    assert (
        await http.post("/api/address_login", json={"email": "a@example.com", "password": "x"})
    ).status_code == 429


async def test_settings_show_balance_and_counts(client, services):
    box = await new_address(client, "balance")
    await services.db.run(
        "INSERT INTO address_senders (address_id, balance, enabled, created_at, updated_at) VALUES (?, 7, 1, 'n', 'n')",
        (box["address_id"],),
    )
    settings = (await client.get("/api/settings", headers=bearer(box["jwt"]))).json()
    assert (settings["send_balance"], settings["mail_count"], settings["send_count"]) == (7, 0, 0)


async def test_delete_own_mail(client, make_client, tmp_path):
    alice, bob = await new_address(client, "alice"), await new_address(client, "bob")
    mine = await push(client, message("mine"), alice["address"])
    theirs = await push(client, message("theirs"), bob["address"])
    assert (await client.delete(f"/api/mails/{theirs}", headers=bearer(alice["jwt"]))).status_code == 404
    assert (await client.delete(f"/api/mails/{mine}", headers=bearer(alice["jwt"]))).json() == {
        "success": True
    }
    assert (await client.get(f"/api/mail/{mine}", headers=bearer(alice["jwt"]))).status_code == 404
    assert (await client.get(f"/api/mail/{theirs}", headers=bearer(bob["jwt"]))).status_code == 200
    assert len([p for p in (tmp_path / "blobs").rglob("*.eml")]) == 1
    off = make_client(enable_user_delete_email=False)
    assert (await off.delete(f"/api/mails/{theirs}", headers=bearer(bob["jwt"]))).status_code == 403


async def test_delete_own_address_and_clear(client, services, tmp_path):
    box = await new_address(client, "selfdestruct")
    await push(client, message("1"), box["address"])
    assert (await client.delete("/api/clear_inbox", headers=bearer(box["jwt"]))).json() == {"success": True}
    assert (await client.get("/api/mails", headers=bearer(box["jwt"]))).json()["count"] == 0
    assert (await client.delete("/api/clear_sent_items", headers=bearer(box["jwt"]))).json() == {
        "success": True
    }
    await push(client, message("2"), box["address"])
    assert (await client.delete("/api/delete_address", headers=bearer(box["jwt"]))).json() == {
        "success": True
    }
    assert (await client.get("/api/settings", headers=bearer(box["jwt"]))).status_code == 401
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
    assert (await client.delete("/api/delete_address")).status_code == 401


async def test_open_settings_are_public_even_behind_the_site_password(make_client):
    http = make_client(passwords=("site",), prefix="tmp")
    settings = (await http.get("/open_api/settings")).json()
    assert settings["needAuth"] is True
    assert settings["domains"] == ["example.com", "example.org"]
    assert settings["prefix"] == "tmp"
    assert settings["enableUserCreateEmail"] is True
    assert "jwt" not in json.dumps(settings).lower()
    assert (await http.get("/api/settings")).status_code == 401  # gated
