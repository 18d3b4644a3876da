import jwt
import pytest

from tests.conftest import ADMIN, TEST_ENV, bearer, message, new_address, push


async def register_and_login(client, email="user@example.net", password="correct horse") -> str:
    assert (
        await client.post("/user_api/register", json={"email": email, "password": password})
    ).status_code == 200
    response = await client.post("/user_api/login", json={"email": email, "password": password})
    assert response.status_code == 200
    return response.json()["jwt"]


def user(token: str) -> dict:
    return {"x-user-token": token}


async def test_register_login_settings(client):
    token = await register_and_login(client)
    settings = (await client.get("/user_api/settings", headers=user(token))).json()
    assert settings["user_email"] == "user@example.net"
    assert (settings["address_count"], settings["mail_count"]) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": "12345678"},
        {"email": "a@b.co", "password": "short"},
        {"email": "a@b.co"},
        {"email": 5, "password": "12345678"},
        {"password": "12345678"},
    ],
)
async def test_register_rejects_bad_input(client, body):
    response = await client.post("/user_api/register", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_field"


async def test_register_duplicate_and_disabled(client, make_client):
    await register_and_login(client)
    dup = await client.post(
        "/user_api/register", json={"email": "USER@example.net", "password": "another one"}
    )
    assert dup.status_code == 400
    closed = make_client(enable_user_register=False)
    response = await closed.post(
        "/user_api/register", json={"email": "x@example.net", "password": "12345678"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "disabled"


async def test_login_failures_look_alike_and_are_throttled(make_client):
    http = make_client(auth_failure_limit=2)
    await register_and_login(http)
    wrong = await http.post("/user_api/login", json={"email": "user@example.net", "password": "wrong pass"})
    unknown = await http.post(
        "/user_api/login", json={"email": "nobody@example.net", "password": "wrong pass"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    locked = await http.post(
        "/user_api/login", json={"email": "user@example.net", "password": "correct horse"}
    )
    assert locked.status_code == 429 and "retry-after" in locked.headers


async def test_bad_or_foreign_tokens_are_refused(client):
    token = await register_and_login(client)
    box = await new_address(client, "mine")
    header, _, signature = token.rpartition(".")[0], None, token.rpartition(".")[2]
    cases = {
        "garbage": "garbage",
        "address token as user token": box["jwt"],
        "wrong secret": jwt.encode(
            {"user_id": 1, "user_email": "user@example.net", "iat": 1, "exp": 4102444800},
            "x" * 40,
            algorithm="HS256",
        ),
        "expired": jwt.encode(
            {"user_id": 1, "user_email": "user@example.net", "iat": 1, "exp": 2},
            TEST_ENV["JWT_SECRET"],
            algorithm="HS256",
        ),
        "truncated": f"{header}.{signature[:-4]}",
    }
    for label, bad in cases.items():
        assert (await client.get("/user_api/settings", headers=user(bad))).status_code == 401, label
    # and a user token is not an address token
    assert (await client.get("/api/mails", headers=bearer(token))).status_code == 401


async def test_deleted_user_token_is_refused(client):
    token = await register_and_login(client)
    users = (await client.get("/admin/users", headers=ADMIN)).json()["results"]
    await client.delete(f"/admin/users/{users[0]['id']}", headers=ADMIN)
    assert (await client.get("/user_api/settings", headers=user(token))).status_code == 401


async def test_bind_list_jwt_unbind(client):
    token = await register_and_login(client)
    box = await new_address(client, "bound")
    await push(client, message("hello"), box["address"])
    bound = await client.post("/user_api/bind_address", headers={**user(token), **bearer(box["jwt"])})
    assert bound.json() == {"success": True}
    again = await client.post("/user_api/bind_address", headers={**user(token), **bearer(box["jwt"])})
    assert again.status_code == 200  # idempotent
    listing = (await client.get("/user_api/bind_address", headers=user(token))).json()
    assert listing["count"] == 1 and listing["results"][0]["name"] == "bound@example.com"
    jwt_answer = (
        await client.get(f"/user_api/bind_address_jwt/{box['address_id']}", headers=user(token))
    ).json()
    assert (await client.get("/api/mails", headers=bearer(jwt_answer["jwt"]))).json()["count"] == 1
    unbound = await client.post(
        "/user_api/unbind_address", json={"address_id": box["address_id"]}, headers=user(token)
    )
    assert unbound.json() == {"success": True}
    missing = await client.post(
        "/user_api/unbind_address", json={"address_id": box["address_id"]}, headers=user(token)
    )
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "not_bound"
    assert (
        await client.get(f"/user_api/bind_address_jwt/{box['address_id']}", headers=user(token))
    ).status_code == 400
    bad = await client.post("/user_api/unbind_address", json={"address_id": "1"}, headers=user(token))
    assert bad.status_code == 400


async def test_an_address_binds_to_one_user_only(client):
    first = await register_and_login(client, "one@example.net")
    second = await register_and_login(client, "two@example.net")
    box = await new_address(client, "contested")
    await client.post("/user_api/bind_address", headers={**user(first), **bearer(box["jwt"])})
    taken = await client.post("/user_api/bind_address", headers={**user(second), **bearer(box["jwt"])})
    assert taken.status_code == 400 and taken.json()["error"]["code"] == "address_bound"
    # binding needs the address's own token: a user cannot claim an address by id
    no_token = await client.post("/user_api/bind_address", headers=user(second))
    assert no_token.status_code == 401


async def test_user_mails_only_from_bound_addresses(client):
    token = await register_and_login(client)
    one, two, other = [await new_address(client, n) for n in ("one", "two", "other")]
    for box in (one, two):
        await client.post("/user_api/bind_address", headers={**user(token), **bearer(box["jwt"])})
    ids = [
        await push(client, message(s), box["address"]) for s, box in (("1", one), ("2", two), ("x", other))
    ]
    everything = (await client.get("/user_api/mails", headers=user(token))).json()
    assert everything["count"] == 2 and [m["id"] for m in everything["results"]] == [ids[1], ids[0]]
    narrowed = (
        await client.get("/user_api/mails", params={"address": "ONE@example.com"}, headers=user(token))
    ).json()
    assert narrowed["count"] == 1 and narrowed["results"][0]["id"] == ids[0]
    foreign = await client.get(
        "/user_api/mails", params={"address": "other@example.com"}, headers=user(token)
    )
    assert foreign.status_code == 400
    assert (await client.get("/user_api/mails", params={"limit": 0}, headers=user(token))).status_code == 400
