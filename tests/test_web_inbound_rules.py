"""Auto-reply settings per address and the admin sender blocklist, over HTTP."""

from dataclasses import replace

import httpx
import pytest

from tempmail import inbound
from tempmail.policy import Rejected
from tempmail.web.app import create_app
from tests.conftest import bearer, new_address

ADMIN = {"x-admin-auth": "admin-pass"}


@pytest.fixture
async def client_with_auto_reply(services):
    enabled = replace(services, settings=replace(services.settings, enable_auto_reply=True))
    transport = httpx.ASGITransport(app=create_app(lambda _scope: enabled), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_auto_reply_is_403_unless_enabled(client):
    box = await new_address(client, "noreply")
    for method in ("GET", "POST"):
        response = await client.request(method, "/api/auto_reply", headers=bearer(box["jwt"]), json={})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "auto_reply_disabled"


async def test_auto_reply_round_trip(client_with_auto_reply):
    http = client_with_auto_reply
    box = await new_address(http, "away")
    assert (await http.get("/api/auto_reply", headers=bearer(box["jwt"]))).json() == {}
    rule = {
        "name": "Away",
        "subject": "Out",
        "message": "Back Monday",
        "source_prefix": "boss@",
        "enabled": True,
    }
    saved = await http.post("/api/auto_reply", headers=bearer(box["jwt"]), json={"auto_reply": rule})
    assert saved.json() == {"success": True}
    assert (await http.get("/api/auto_reply", headers=bearer(box["jwt"]))).json() == rule
    other = await new_address(http, "other")
    assert (await http.get("/api/auto_reply", headers=bearer(other["jwt"]))).json() == {}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"auto_reply": "x"},
        {"auto_reply": {"enabled": True, "subject": "s"}},
        {"auto_reply": {"enabled": "yes"}},
        {"auto_reply": {"subject": "x" * 256}},
        {"auto_reply": {"message": 5}},
    ],
)
async def test_bad_auto_reply_bodies_are_400(client_with_auto_reply, body):
    box = await new_address(client_with_auto_reply, "bad")
    response = await client_with_auto_reply.post("/api/auto_reply", headers=bearer(box["jwt"]), json=body)
    assert response.status_code == 400


async def test_admin_blocklist_round_trip_and_effect(client, services):
    assert (await client.get("/admin/sender_blocklist")).status_code == 401
    saved = await client.post(
        "/admin/sender_blocklist", headers=ADMIN, json={"blocklist": ["Spam.Example", "bad@", "spam.example"]}
    )
    assert saved.json() == {"success": True, "blocklist": ["bad@", "spam.example"]}
    listed = await client.get("/admin/sender_blocklist", headers=ADMIN)
    assert listed.json() == {"blocklist": ["bad@", "spam.example"], "env": []}
    with pytest.raises(Rejected, match="blocked"):
        await inbound.deliver(services, b"Subject: x\r\n\r\nx", "Someone@SPAM.example", "box@example.com")
    await inbound.deliver(services, b"Subject: x\r\n\r\nx", "good@example.net", "box@example.com")
    await client.post("/admin/sender_blocklist", headers=ADMIN, json={"blocklist": []})
    await inbound.deliver(services, b"Subject: x\r\n\r\nx", "Someone@SPAM.example", "box@example.com")


@pytest.mark.parametrize("body", [{}, {"blocklist": "x"}, {"blocklist": [""]}, {"blocklist": [1]}])
async def test_bad_blocklist_bodies_are_400(client, body):
    response = await client.post("/admin/sender_blocklist", headers=ADMIN, json=body)
    assert response.status_code == 400
