"""Sending over HTTP through a real local SMTP relay: permission, balance, caps, sent items, failures."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
import pytest

from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.settings import SmtpRelay
from tempmail.web.app import create_app
from tests.conftest import ADMIN, bearer, new_address
from tests.localhost import free_port
from tests.relay import running_relay

BODY = {
    "from_name": "Sender Name",
    "to_name": "Friend",
    "to_mail": "friend@example.net",
    "subject": "Hello there",
    "is_html": False,
    "content": "Hello from a temporary address.",
}


@pytest.fixture
def relay():
    with running_relay() as started:
        yield started


@pytest.fixture
async def send_client(services, relay):
    """Clients over one database whose outbound mail goes to the test relay."""
    opened: list[httpx.AsyncClient] = []

    def make(**overrides) -> httpx.AsyncClient:
        settings = replace(
            services.settings,
            smtp_config={"*": SmtpRelay("127.0.0.1", relay.port, starttls=False)},
            **overrides,
        )
        changed = replace(services, settings=settings, smtp=SmtplibSender())
        app = create_app(lambda _scope: changed)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://testserver"
        )
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()


async def grant(client: httpx.AsyncClient, address_id: int, balance: int, enabled: bool = True) -> None:
    answer = await client.post(
        "/admin/address_sender",
        headers=ADMIN,
        json={"address_id": address_id, "balance": balance, "enabled": enabled},
    )
    assert answer.status_code == 200, answer.text


async def balance_of(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/api/settings", headers=bearer(token))).json()["send_balance"]


async def sent_items(client: httpx.AsyncClient, token: str) -> dict:
    answer = await client.get("/api/sendbox", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_send_mail_delivers_charges_one_and_records_the_sent_item(send_client, relay):
    client = send_client()
    box = await new_address(client, "sender")
    await grant(client, box["address_id"], 2)
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    (received,) = relay.received
    assert (received.mail_from, received.rcpt_tos) == ("sender@example.com", ["friend@example.net"])
    message = received.message()
    assert str(message["From"]) == "Sender Name <sender@example.com>"
    assert str(message["To"]) == "Friend <friend@example.net>"
    assert message["Subject"] == "Hello there" and message["Date"] and message["Message-ID"]
    assert message.get_content().strip() == BODY["content"]
    assert await balance_of(client, box["jwt"]) == 1
    items = await sent_items(client, box["jwt"])
    assert items["count"] == 1
    item = items["results"][0]
    assert item["address"] == "sender@example.com" and item["message_id"] == message["Message-ID"]
    assert json.loads(item["raw"]) == {"version": "v2", **BODY}


async def test_external_route_takes_the_token_in_the_body_and_never_stores_it(send_client, relay):
    client = send_client()
    box = await new_address(client, "external")
    await grant(client, box["address_id"], 5)
    answer = await client.post("/external/api/send_mail", json={**BODY, "token": box["jwt"], "is_html": True})
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    assert relay.received[0].message().get_content_type() == "text/html"
    items = await sent_items(client, box["jwt"])
    assert box["jwt"] not in json.dumps(items) and "token" not in json.loads(items["results"][0]["raw"])


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("", 401), ("not-a-jwt", 401), (5, 401)],
)
async def test_external_route_refuses_missing_or_forged_tokens(send_client, relay, token, status):
    client = send_client()
    answer = await client.post("/external/api/send_mail", json={**BODY, "token": token})
    assert answer.status_code == status and answer.json()["ok"] is False
    assert relay.received == []


async def test_forged_and_foreign_signed_tokens_are_refused(send_client, relay):
    import jwt as pyjwt

    client = send_client()
    box = await new_address(client, "victim")
    await grant(client, box["address_id"], 5)
    forged = pyjwt.encode(
        {"address": box["address"], "address_id": box["address_id"], "iat": 1}, "x" * 40, algorithm="HS256"
    )
    for headers, body in (
        (bearer(forged), BODY),
        ({}, BODY),
        ({}, {**BODY, "token": forged}),
    ):
        path = "/external/api/send_mail" if "token" in body else "/api/send_mail"
        assert (await client.post(path, headers=headers, json=body)).status_code == 401
    assert relay.received == [] and await balance_of(client, box["jwt"]) == 5


async def test_no_permission_and_zero_balance_are_403_and_nothing_is_sent(send_client, relay):
    client = send_client()
    box = await new_address(client, "pauper")
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "send_not_allowed")
    await grant(client, box["address_id"], 3, enabled=False)
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert answer.json()["error"]["code"] == "send_not_allowed"
    await grant(client, box["address_id"], 1)
    assert (await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)).status_code == 200
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "no_balance")
    assert len(relay.received) == 1 and (await sent_items(client, box["jwt"]))["count"] == 1


async def test_default_balance_is_granted_on_first_use(send_client, relay):
    client = send_client(default_send_balance=2)
    box = await new_address(client, "newcomer")
    assert await balance_of(client, box["jwt"]) == 2  # what first use will grant
    for _ in range(2):
        assert (await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)).status_code == 200
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert answer.json()["error"]["code"] == "no_balance"  # spent, and never granted again
    assert len(relay.received) == 2


async def test_concurrent_sends_never_spend_more_than_the_balance(send_client, relay):
    client = send_client()
    box = await new_address(client, "racer")
    await grant(client, box["address_id"], 3)
    answers = await asyncio.gather(
        *(client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY) for _ in range(8))
    )
    assert sorted(a.status_code for a in answers) == [200] * 3 + [403] * 5
    assert len(relay.received) == 3 and await balance_of(client, box["jwt"]) == 0


async def test_request_access_creates_a_row_for_an_admin_to_enable(send_client):
    client = send_client()
    box = await new_address(client, "asker")
    first = await client.post("/api/request_send_mail_access", headers=bearer(box["jwt"]))
    assert (first.status_code, first.json()) == (200, {"status": "ok"})
    again = await client.post("/api/request_send_mail_access", headers=bearer(box["jwt"]))
    assert (again.status_code, again.json()["error"]["code"]) == (400, "already_requested")
    listing = (await client.get("/admin/address_sender", headers=ADMIN)).json()
    assert listing["count"] == 1
    assert {k: listing["results"][0][k] for k in ("address", "balance", "enabled")} == {
        "address": "asker@example.com",
        "balance": 0,
        "enabled": False,
    }
    generous = send_client(default_send_balance=4)
    other = await new_address(generous, "asker2")
    assert (
        await generous.post("/api/request_send_mail_access", headers=bearer(other["jwt"]))
    ).status_code == 200
    assert await balance_of(generous, other["jwt"]) == 4


async def test_blocked_recipient_and_foreign_sender_domain_are_refused_uncharged(send_client, relay):
    client = send_client(send_block_list=("spam.example",))
    box = await new_address(client, "careful")
    await grant(client, box["address_id"], 5)
    answer = await client.post(
        "/api/send_mail", headers=bearer(box["jwt"]), json={**BODY, "to_mail": "X@Spam.Example"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "recipient_blocked")
    narrowed = send_client(domains=("example.org",), default_domains=("example.org",))
    answer = await narrowed.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "invalid_sender_domain")
    assert relay.received == [] and await balance_of(client, box["jwt"]) == 5


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"to_mail": "nobody"}, 400),
        ({"subject": ""}, 400),
        ({"content": ""}, 400),
        ({"subject": "hi\r\nBcc: victim@example.net"}, 400),
        ({"from_name": "x\nBcc: victim@example.net"}, 400),
        ({"to_mail": "a@b.example\r\nRCPT TO:<victim@example.net>"}, 400),
        ({"content": "x" * 600_000}, 413),
    ],
)
async def test_bad_input_is_refused_without_charge_or_sent_item(send_client, relay, change, status):
    client = send_client()
    box = await new_address(client, "typo")
    await grant(client, box["address_id"], 1)
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json={**BODY, **change})
    assert answer.status_code == status and answer.json()["ok"] is False
    assert relay.received == [] and await balance_of(client, box["jwt"]) == 1
    assert (await sent_items(client, box["jwt"]))["count"] == 0


async def test_provider_down_is_503_and_refunds(services):
    dead = SmtpRelay("127.0.0.1", free_port(), starttls=False)  # nothing listens there
    changed = replace(
        services, settings=replace(services.settings, smtp_config={"*": dead}), smtp=SmtplibSender()
    )
    app = create_app(lambda _scope: changed)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        box = await new_address(client, "unlucky")
        await grant(client, box["address_id"], 1)
        answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
        assert (answer.status_code, answer.json()["error"]["code"]) == (503, "provider_unavailable")
        assert await balance_of(client, box["jwt"]) == 1
        assert (await sent_items(client, box["jwt"]))["count"] == 0


async def test_provider_refusal_is_502_and_refunds(send_client, relay):
    relay.handler.refuse["friend@example.net"] = "550 5.1.1 no such user here"
    client = send_client()
    box = await new_address(client, "bounced")
    await grant(client, box["address_id"], 1)
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()["error"]["code"]) == (502, "provider_rejected")
    assert "no such user" in answer.json()["error"]["message"]
    assert await balance_of(client, box["jwt"]) == 1 and (await sent_items(client, box["jwt"]))["count"] == 0


async def test_no_provider_configured_is_503(services):
    app = create_app(lambda _scope: services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        box = await new_address(client, "nowhere")
        await grant(client, box["address_id"], 1)
        answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
        assert (answer.status_code, answer.json()["error"]["code"]) == (503, "send_unavailable")
        assert await balance_of(client, box["jwt"]) == 1


async def test_daily_cap_applies_to_everyone_and_failed_sends_do_not_count(send_client, relay):
    client = send_client(send_mail_daily_limit=2, no_limit_send_address_list=("boss@example.com",))
    boss = await new_address(client, "boss")
    box = await new_address(client, "worker")
    await grant(client, box["address_id"], 10)
    relay.handler.refuse["bounce@example.net"] = "550 no"
    bounced = await client.post(
        "/api/send_mail", headers=bearer(box["jwt"]), json={**BODY, "to_mail": "bounce@example.net"}
    )
    assert bounced.status_code == 502
    assert (await client.post("/api/send_mail", headers=bearer(boss["jwt"]), json=BODY)).status_code == 200
    assert (await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)).status_code == 200
    answer = await client.post("/api/send_mail", headers=bearer(box["jwt"]), json=BODY)
    assert (answer.status_code, answer.json()["error"]["code"]) == (429, "send_limit_reached")
    assert len(relay.received) == 2 and await balance_of(client, box["jwt"]) == 9


async def test_no_limit_addresses_send_without_a_sender_row(send_client, relay):
    client = send_client(no_limit_send_address_list=("vip@example.com",))
    vip = await new_address(client, "vip")
    for _ in range(3):
        assert (await client.post("/api/send_mail", headers=bearer(vip["jwt"]), json=BODY)).status_code == 200
    assert len(relay.received) == 3 and (await sent_items(client, vip["jwt"]))["count"] == 3


async def test_sendbox_pages_and_deletes_only_own_items(send_client, relay):
    client = send_client(no_limit_send_address_list=("mine@example.com", "theirs@example.com"))
    mine, theirs = await new_address(client, "mine"), await new_address(client, "theirs")
    for i in range(3):
        await client.post("/api/send_mail", headers=bearer(mine["jwt"]), json={**BODY, "subject": f"n{i}"})
    await client.post("/api/send_mail", headers=bearer(theirs["jwt"]), json=BODY)
    page = (await client.get("/api/sendbox?limit=2&offset=0", headers=bearer(mine["jwt"]))).json()
    assert page["count"] == 3 and [json.loads(r["raw"])["subject"] for r in page["results"]] == ["n2", "n1"]
    their_id = (await sent_items(client, theirs["jwt"]))["results"][0]["id"]
    assert (await client.delete(f"/api/sendbox/{their_id}", headers=bearer(mine["jwt"]))).status_code == 404
    own_id = page["results"][0]["id"]
    answer = await client.delete(f"/api/sendbox/{own_id}", headers=bearer(mine["jwt"]))
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    assert (await sent_items(client, mine["jwt"]))["count"] == 2
    assert (await client.get("/api/sendbox?limit=0", headers=bearer(mine["jwt"]))).status_code == 400
    assert (await client.delete("/api/sendbox/abc", headers=bearer(mine["jwt"]))).status_code == 400
    locked = send_client(enable_user_delete_email=False)
    assert (await locked.delete(f"/api/sendbox/{own_id}", headers=bearer(mine["jwt"]))).status_code == 403
    statistics = (await client.get("/admin/statistics", headers=ADMIN)).json()
    assert statistics["sendMailCount"] == 3
