"""The one error shape, pinned, and how the app maps each kind of failure onto it."""

from dataclasses import replace

import httpx
import pytest

from tempmail.errors import ApiError, error_body
from tempmail.settings import ConfigError
from tempmail.web.app import create_app


def test_error_body_shape_is_pinned():
    assert error_body("not_found", "no such mail") == {
        "ok": False,
        "error": {"code": "not_found", "message": "no such mail"},
    }


async def test_unknown_route_is_json_404(client):
    response = await client.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_wrong_method_is_json_405(client):
    response = await client.delete("/api/new_address")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_health_check_answers_ok(client):
    response = await client.get("/health_check")
    assert (response.status_code, response.text) == (200, "OK")


def _client_for(resolve):
    app = create_app(resolve)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_configuration_error_is_a_clear_500():
    def resolve(_scope):
        raise ConfigError("JWT_SECRET: required, at least 32 characters")

    async with _client_for(resolve) as http:
        response = await http.post("/api/new_address", json={})
    assert response.status_code == 500
    assert response.json() == error_body(
        "misconfigured", "server configuration error: JWT_SECRET: required, at least 32 characters"
    )


async def test_unexpected_error_is_a_json_500_without_details(services):
    class BrokenDb:
        async def first(self, *_args):
            raise RuntimeError("disk on fire")

    broken = replace(services, db=BrokenDb())
    async with _client_for(lambda _scope: broken) as http:
        response = await http.post("/api/new_address", json={"name": "abc"})
    assert response.status_code == 500
    assert response.json() == error_body("internal_error", "internal server error")
    assert "disk on fire" not in response.text


@pytest.mark.parametrize("status", [400, 401, 409, 429])
async def test_api_error_keeps_status_code_and_headers(services, status):
    class Raising:
        async def first(self, *_args):
            raise ApiError(status, "some_code", "some message", {"Retry-After": "7"})

    raising = replace(services, db=Raising())
    async with _client_for(lambda _scope: raising) as http:
        response = await http.post("/api/new_address", json={"name": "abc"})
    assert response.status_code == status
    assert response.json() == error_body("some_code", "some message")
    assert response.headers["retry-after"] == "7"
