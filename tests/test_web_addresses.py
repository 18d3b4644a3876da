import pytest

from tempmail.security import read_address_token, verify_password
from tests.conftest import TEST_ENV, bearer, new_address


async def test_new_address_with_a_name(client, services):
    created = await new_address(client, "Alice.Smith")
    assert created["address"] == "alice.smith@example.com"
    claims = read_address_token(TEST_ENV["JWT_SECRET"], created["jwt"])
    assert (claims.address, claims.address_id) == (created["address"], created["address_id"])
    row = await services.db.first(
        "SELECT password_hash FROM addresses WHERE id = ?", (created["address_id"],)
    )
    assert verify_password(created["password"], row["password_hash"])
    assert created["password"] not in row["password_hash"]


async def test_new_address_without_a_name_is_random(client):
    first = await new_address(client)
    second = await new_address(client)
    assert first["address"] != second["address"]
    local, _, domain = first["address"].partition("@")
    assert len(local) == 10 and local.isalnum() and domain == "example.com"


async def test_empty_body_means_random_name(client):
    response = await client.post("/api/new_address")
    assert response.status_code == 200
    assert response.json()["address"].endswith("@example.com")


async def test_domain_choice_and_prefix(client, services):
    response = await client.post("/api/new_address", json={"name": "bob", "domain": "EXAMPLE.org"})
    assert response.json()["address"] == "bob@example.org"


async def test_prefix_is_applied(services):
    from dataclasses import replace

    import httpx

    from tempmail.web.app import create_app

    prefixed = replace(services, settings=replace(services.settings, prefix="tmp"))
    transport = httpx.ASGITransport(app=create_app(lambda _s: prefixed))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post("/api/new_address", json={"name": "bob"})
    assert response.json()["address"] == "tmpbob@example.com"


async def test_taken_name_is_400_and_changes_nothing(client, services):
    await new_address(client, "carol")
    response = await client.post("/api/new_address", json={"name": "carol"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "address_exists"
    row = await services.db.first("SELECT COUNT(*) AS n FROM addresses")
    assert row["n"] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "has space"}, "invalid_name"),
        ({"name": "-leading"}, "invalid_name"),
        ({"name": "trailing."}, "invalid_name"),
        ({"name": "ünï"}, "invalid_name"),
        ({"name": "a" * 31}, "invalid_name"),
        ({"name": ""}, "invalid_name"),
        ({"name": "x" * 129}, "invalid_field"),
        ({"name": 12}, "invalid_field"),
        ({"name": ["a"]}, "invalid_field"),
        ({"name": "ok", "domain": "evil.com"}, "invalid_domain"),
        ({"name": "ok", "domain": 5}, "invalid_field"),
    ],
)
async def test_invalid_names_and_domains_are_400_and_create_nothing(client, services, body, code):
    response = await client.post("/api/new_address", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    row = await services.db.first("SELECT COUNT(*) AS n FROM addresses")
    assert row["n"] == 0


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b'"name"', b"\xff\xfe"])
async def test_malformed_json_is_400(client, payload):
    response = await client.post("/api/new_address", content=payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


async def test_settings_of_the_token_address(client):
    created = await new_address(client, "dave")
    response = await client.get("/api/settings", headers=bearer(created["jwt"]))
    assert response.status_code == 200
    body = response.json()
    assert (body["address"], body["address_id"], body["mail_count"]) == (
        "dave@example.com",
        created["address_id"],
        0,
    )
