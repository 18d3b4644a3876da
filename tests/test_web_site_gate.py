from dataclasses import replace

import httpx
import pytest

from tempmail.web.app import create_app


@pytest.fixture
async def gated(services):
    gated_services = replace(services, settings=replace(services.settings, passwords=("s1", "s2")))
    app = create_app(lambda _scope: gated_services, local_routes=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        yield http


@pytest.mark.parametrize("headers", [{}, {"x-custom-auth": "wrong"}, {"x-custom-auth": ""}])
async def test_gate_refuses_without_the_site_password(gated, headers):
    response = await gated.post("/api/new_address", json={}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("password", ["s1", "s2"])
async def test_gate_lets_any_configured_password_through(gated, password):
    response = await gated.post("/api/new_address", json={}, headers={"x-custom-auth": password})
    assert response.status_code == 200


async def test_health_check_and_open_api_are_not_gated(gated):
    assert (await gated.get("/health_check")).status_code == 200
    assert (await gated.get("/open_api/anything")).status_code == 404  # reaches routing, not the gate


async def test_no_gate_when_no_passwords(client):
    assert (await client.post("/api/new_address", json={})).status_code == 200


async def test_gate_and_handler_share_one_resolution(services):
    gated_services = replace(services, settings=replace(services.settings, passwords=("s1",)))
    calls = []

    def resolve(_scope):
        calls.append(1)
        return gated_services

    app = create_app(resolve)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.post("/api/new_address", json={}, headers={"x-custom-auth": "s1"})
    assert response.status_code == 200
    assert len(calls) == 1
