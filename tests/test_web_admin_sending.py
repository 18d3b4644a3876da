"""Admin side of sending: sender rows and balances, all sent items, and admin sends without a balance."""

from dataclasses import replace

import httpx
import pytest

from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.settings import SmtpRelay
from tempmail.web.app import create_app
from tests.conftest import ADMIN, bearer, new_address
from tests.relay import running_relay

BODY = {"to_mail": "friend@example.net", "subject": "From the admin", "content": "hello"}


@pytest.fixture
async def admin_client(services):
    with running_relay() as relay:
        settings = replace(
            services.settings, smtp_config={"*": SmtpRelay("127.0.0.1", relay.port, starttls=False)}
        )
        sending = replace(services, settings=settings, smtp=SmtplibSender())
        app = create_app(lambda _scope: sending)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, relay


async def test_address_sender_lifecycle(admin_client):
    client, _relay = admin_client
    box = await new_address(client, "granted")
    assert (await client.get("/admin/address_sender")).status_code == 401
    body = {"address_id": box["address_id"], "balance": 7, "enabled": True}
    assert (await client.post("/admin/address_sender", headers=ADMIN, json=body)).json() == {"success": True}
    listing = (await client.get("/admin/address_sender?address=Granted@example.com", headers=ADMIN)).json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert (row["id"], row["address_id"], row["address"], row["balance"], row["enabled"]) == (
        box["address_id"],
        box["address_id"],
        "granted@example.com",
        7,
        True,
    )
    # The original's front end sends enabled as 1/0.
    await client.post("/admin/address_sender", headers=ADMIN, json={**body, "balance": 2, "enabled": 0})
    assert (await client.get("/api/settings", headers=bearer(box["jwt"]))).json()["send_balance"] == 0
    deleted = await client.delete(f"/admin/address_sender/{box['address_id']}", headers=ADMIN)
    assert deleted.json() == {"success": True}
    assert (
        await client.delete(f"/admin/address_sender/{box['address_id']}", headers=ADMIN)
    ).status_code == 404
    assert (await client.get("/admin/address_sender", headers=ADMIN)).json() == {"results": [], "count": 0}


@pytest.mark.parametrize(
    "body",
    [
        {"address_id": 0, "balance": 1, "enabled": True},
        {"address_id": "1", "balance": 1, "enabled": True},
        {"address_id": 1, "balance": -1, "enabled": True},
        {"address_id": 1, "balance": 1.5, "enabled": True},
        {"address_id": 1, "balance": 1, "enabled": "yes"},
        {"address_id": 1, "balance": 1, "enabled": 2},
    ],
)
async def test_address_sender_rejects_bad_values(admin_client, body):
    client, _relay = admin_client
    await new_address(client, "target")
    answer = await client.post("/admin/address_sender", headers=ADMIN, json=body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_field"


async def test_granting_an_unknown_address_is_404(admin_client):
    client, _relay = admin_client
    answer = await client.post(
        "/admin/address_sender", headers=ADMIN, json={"address_id": 99, "balance": 1, "enabled": True}
    )
    assert answer.status_code == 404


async def test_admin_sends_as_any_address_without_a_balance(admin_client):
    client, relay = admin_client
    box = await new_address(client, "plain")
    assert (
        await client.post("/admin/send_mail", json={**BODY, "from_mail": box["address"]})
    ).status_code == 401
    answer = await client.post(
        "/admin/send_mail", headers=ADMIN, json={**BODY, "from_mail": "PLAIN@example.com"}
    )
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    assert relay.received[0].mail_from == "plain@example.com"
    unknown = await client.post(
        "/admin/send_mail", headers=ADMIN, json={**BODY, "from_mail": "ghost@example.com"}
    )
    assert unknown.status_code == 404
    assert (await client.get("/api/settings", headers=bearer(box["jwt"]))).json()["send_count"] == 1


async def test_admin_lists_filters_and_deletes_sent_items(admin_client):
    client, _relay = admin_client
    one, two = await new_address(client, "one"), await new_address(client, "two")
    for box in (one, one, two):
        await client.post("/admin/send_mail", headers=ADMIN, json={**BODY, "from_mail": box["address"]})
    everything = (await client.get("/admin/sendbox", headers=ADMIN)).json()
    assert everything["count"] == 3 and [r["address"] for r in everything["results"]] == [
        "two@example.com",
        "one@example.com",
        "one@example.com",
    ]
    only_one = (await client.get("/admin/sendbox?address=one@example.com&limit=1", headers=ADMIN)).json()
    assert only_one["count"] == 2 and len(only_one["results"]) == 1
    assert (await client.get("/admin/sendbox?address=nobody@example.com", headers=ADMIN)).json() == {
        "results": [],
        "count": 0,
    }
    item_id = everything["results"][0]["id"]
    assert (await client.delete(f"/admin/sendbox/{item_id}", headers=ADMIN)).json() == {"success": True}
    assert (await client.delete(f"/admin/sendbox/{item_id}", headers=ADMIN)).status_code == 404
    cleared = await client.delete(f"/admin/clear_sent_items/{one['address_id']}", headers=ADMIN)
    assert cleared.json() == {"success": True}
    assert (await client.get("/admin/sendbox", headers=ADMIN)).json()["count"] == 0
