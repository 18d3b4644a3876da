import pytest

from tempmail.store import mails
from tests.conftest import ADMIN, bearer, message, new_address, push


async def _blob_count(tmp_path):
    return len([p for p in (tmp_path / "blobs").rglob("*") if p.is_file()])


@pytest.mark.parametrize("headers", [{}, {"x-admin-auth": "wrong"}, {"x-admin-auth": ""}])
async def test_admin_routes_need_an_admin_password(client, headers):
    for method, path in [
        ("GET", "/admin/address"),
        ("GET", "/admin/mails"),
        ("GET", "/admin/statistics"),
        ("DELETE", "/admin/mails/1"),
        ("DELETE", "/admin/delete_address/1"),
        ("GET", "/admin/users"),
    ]:
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)


async def test_repeated_wrong_admin_passwords_get_429_with_retry_after(make_client):
    http = make_client(auth_failure_limit=3)
    for _ in range(3):
        assert (await http.get("/admin/statistics", headers={"x-admin-auth": "guess"})).status_code == 401
    throttled = await http.get("/admin/statistics", headers=ADMIN)  # even the right one, from this IP
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "rate_limited"
    assert 0 < int(throttled.headers["retry-after"]) <= 900


async def test_admin_new_address_any_domain_prefix_optional(make_client):
    http = make_client(prefix="tmp", default_domains=("example.com",))
    with_prefix = await http.post(
        "/admin/new_address", json={"name": "x", "domain": "example.org"}, headers=ADMIN
    )
    assert with_prefix.json()["address"] == "tmpx@example.org"
    without = await http.post(
        "/admin/new_address", json={"name": "a" * 40, "enablePrefix": False}, headers=ADMIN
    )
    assert without.status_code == 200 and without.json()["address"] == "a" * 40 + "@example.com"
    token = without.json()["jwt"]
    assert (await http.get("/api/settings", headers=bearer(token))).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_field"),
        ({"name": ""}, "invalid_field"),
        ({"name": "ok", "enablePrefix": "yes"}, "invalid_field"),
        ({"name": "bad name"}, "invalid_name"),
        ({"name": "ok", "domain": "other.net"}, "invalid_domain"),
    ],
)
async def test_admin_new_address_bad_input(client, body, code):
    response = await client.post("/admin/new_address", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


async def test_address_list_counts_and_search(client):
    alice = await new_address(client, "alice")
    await new_address(client, "bob_x")
    await new_address(client, "bobxx")
    await push(client, message("1"), alice["address"])
    await push(client, message("2"), alice["address"])
    everything = (await client.get("/admin/address", headers=ADMIN)).json()
    assert everything["count"] == 3
    assert [a["name"] for a in everything["results"]] == [
        "bobxx@example.com",
        "bob_x@example.com",
        "alice@example.com",
    ]
    assert everything["results"][2]["mail_count"] == 2
    assert "password_hash" not in everything["results"][0]
    # `_` in a query is a literal underscore, not LIKE's any-character.
    found = (await client.get("/admin/address", params={"query": "bob_"}, headers=ADMIN)).json()
    assert found == {"count": 1, "results": [everything["results"][1]]}
    paged = (await client.get("/admin/address", params={"limit": 1, "offset": 1}, headers=ADMIN)).json()
    assert [a["name"] for a in paged["results"]] == ["bob_x@example.com"]


async def test_delete_address_removes_everything_it_owns(client, services, tmp_path):
    box = await new_address(client, "doomed")
    keep = await new_address(client, "keeper")
    await push(client, message("a"), box["address"])
    await push(client, message("b"), box["address"])
    await push(client, message("c"), keep["address"])
    await services.db.run(
        "INSERT INTO sendbox (address_id, address, raw, created_at) VALUES (?, ?, '{}', 'now')",
        (box["address_id"], box["address"]),
    )
    await services.db.run(
        "INSERT INTO address_senders (address_id, balance, enabled, created_at, updated_at) VALUES (?, 5, 1, 'n', 'n')",
        (box["address_id"],),
    )
    blobs_before = await _blob_count(tmp_path)
    response = await client.delete(f"/admin/delete_address/{box['address_id']}", headers=ADMIN)
    assert response.json() == {"success": True}
    for table in ("sendbox", "address_senders", "user_addresses"):
        row = await services.db.first(f"SELECT COUNT(*) AS n FROM {table}")
        assert row["n"] == 0, table
    assert await mails.total(services.db) == 1
    assert await _blob_count(tmp_path) == blobs_before - 2
    assert (await client.get("/api/mails", headers=bearer(box["jwt"]))).status_code == 401
    assert (await client.get("/api/mails", headers=bearer(keep["jwt"]))).json()["count"] == 1
    again = await client.delete(f"/admin/delete_address/{box['address_id']}", headers=ADMIN)
    assert again.status_code == 404


async def test_admin_clear_inbox_and_sent_items(client, services, tmp_path):
    box = await new_address(client, "clearme")
    await push(client, message("a"), box["address"])
    await services.db.run(
        "INSERT INTO sendbox (address_id, address, raw, created_at) VALUES (?, ?, '{}', 'now')",
        (box["address_id"], box["address"]),
    )
    assert (await client.delete(f"/admin/clear_inbox/{box['address_id']}", headers=ADMIN)).json() == {
        "success": True
    }
    assert (await client.get("/api/mails", headers=bearer(box["jwt"]))).json() == {"results": [], "count": 0}
    assert await _blob_count(tmp_path) == 0
    assert (
        await client.delete(f"/admin/clear_sent_items/{box['address_id']}", headers=ADMIN)
    ).status_code == 200
    settings = (await client.get("/api/settings", headers=bearer(box["jwt"]))).json()
    assert settings["send_count"] == 0
    assert (await client.delete("/admin/clear_inbox/999", headers=ADMIN)).status_code == 404
    assert (await client.delete("/admin/clear_sent_items/abc", headers=ADMIN)).status_code == 400


async def test_admin_mail_list_filters_and_deletes(client):
    alice = await new_address(client, "amy")
    first = await push(client, message("for amy"), alice["address"])
    stray = await push(client, message("for nobody"), "ghost@example.com")
    everything = (await client.get("/admin/mails", headers=ADMIN)).json()
    assert everything["count"] == 2 and [m["id"] for m in everything["results"]] == [stray, first]
    amys = (await client.get("/admin/mails", params={"address": "AMY@example.com"}, headers=ADMIN)).json()
    assert amys["count"] == 1 and amys["results"][0]["raw"] == message("for amy").decode()
    ghosts = (await client.get("/admin/mails", params={"address": "ghost@example.com"}, headers=ADMIN)).json()
    assert ghosts["count"] == 1 and ghosts["results"][0]["id"] == stray
    assert (await client.delete(f"/admin/mails/{stray}", headers=ADMIN)).json() == {"success": True}
    assert (await client.delete(f"/admin/mails/{stray}", headers=ADMIN)).status_code == 404
    assert (await client.get("/admin/mails", headers=ADMIN)).json()["count"] == 1
    bad = await client.get("/admin/mails", params={"limit": 500}, headers=ADMIN)
    assert bad.status_code == 400


async def test_statistics_come_from_maintained_counters(client, services):
    box = await new_address(client, "stats")
    await new_address(client, "stats2")
    await push(client, message("x"), box["address"])
    await client.post(
        "/admin/users", json={"email": "u@example.net", "password": "long enough"}, headers=ADMIN
    )
    stats = (await client.get("/admin/statistics", headers=ADMIN)).json()
    assert stats == {"mailCount": 1, "addressCount": 2, "userCount": 1, "sendMailCount": 0}
    await client.delete(f"/admin/delete_address/{box['address_id']}", headers=ADMIN)
    stats = (await client.get("/admin/statistics", headers=ADMIN)).json()
    assert (stats["mailCount"], stats["addressCount"]) == (0, 1)


async def test_admin_users_create_list_delete(client):
    created = await client.post(
        "/admin/users", json={"email": "Ann@Example.net", "password": "12345678"}, headers=ADMIN
    )
    assert created.status_code == 200
    user_id = created.json()["id"]
    dup = await client.post(
        "/admin/users", json={"email": "ann@example.net", "password": "12345678"}, headers=ADMIN
    )
    assert dup.status_code == 400 and dup.json()["error"]["code"] == "user_exists"
    listing = (await client.get("/admin/users", params={"query": "ann"}, headers=ADMIN)).json()
    assert listing["count"] == 1
    assert listing["results"][0]["user_email"] == "ann@example.net"
    assert listing["results"][0]["address_count"] == 0
    assert (await client.delete(f"/admin/users/{user_id}", headers=ADMIN)).json() == {"success": True}
    assert (await client.delete(f"/admin/users/{user_id}", headers=ADMIN)).status_code == 404


async def test_admin_keyword_search(client):
    a, b = await new_address(client, "kwa"), await new_address(client, "kwb")
    hit_a = await push(client, message("quarterly report"), a["address"])
    hit_b = await push(client, message("report card"), b["address"])
    await push(client, message("other things"), b["address"])
    found = (await client.get("/admin/mails", params={"keyword": "report"}, headers=ADMIN)).json()
    assert found["count"] == 2 and [m["id"] for m in found["results"]] == [hit_b, hit_a]
    narrowed = (
        await client.get("/admin/mails", params={"keyword": "report", "address": b["address"]}, headers=ADMIN)
    ).json()
    assert narrowed["count"] == 1 and narrowed["results"][0]["id"] == hit_b
    bad = await client.get("/admin/mails", params={"keyword": "(*)"}, headers=ADMIN)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_query"
