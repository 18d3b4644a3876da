import base64
import json
import time

import jwt
import pytest

from tests.conftest import FIXTURES, TEST_ENV, bearer, message, new_address, push


async def test_list_is_newest_first_with_raw_and_count(client):
    box = await new_address(client, "reader")
    ids = [await push(client, message(f"m{i}"), box["address"]) for i in range(3)]
    response = await client.get("/api/mails", params={"limit": 2, "offset": 0}, headers=bearer(box["jwt"]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [ids[2], ids[1]]
    first = body["results"][0]
    assert set(first) == {"id", "message_id", "source", "address", "raw", "metadata", "created_at"}
    assert first["raw"] == message("m2").decode()
    assert (first["source"], first["address"]) == ("sender@example.org", "reader@example.com")
    page2 = await client.get("/api/mails", params={"limit": 2, "offset": 2}, headers=bearer(box["jwt"]))
    assert [item["id"] for item in page2.json()["results"]] == [ids[0]]


async def test_defaults_when_paging_is_omitted(client):
    box = await new_address(client, "defaults")
    await push(client, message("only"), box["address"])
    response = await client.get("/api/mails", headers=bearer(box["jwt"]))
    assert response.json()["count"] == 1


async def test_get_one_mail_and_parsed_views(client):
    box = await new_address(client, "parsed")
    raw = (FIXTURES / "own/attachments_inline_image.eml").read_bytes()
    mail_id = await push(client, raw, box["address"])
    one = await client.get(f"/api/mail/{mail_id}", headers=bearer(box["jwt"]))
    assert one.json()["raw"] == raw.decode()
    parsed = await client.get(f"/api/parsed_mail/{mail_id}", headers=bearer(box["jwt"]))
    item = parsed.json()
    assert item["subject"] == "Attachments of several sizes ✓"
    assert item["sender"] == "Ünïcode Sender <sender@example.org>"
    assert "raw" not in item
    assert item["attachments"][3] == {
        "filename": "large.bin",
        "mimeType": "application/octet-stream",
        "disposition": "attachment",
        "size": 300_000,
        "contentId": None,
    }
    listing = await client.get("/api/parsed_mails", headers=bearer(box["jwt"]))
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["html"].startswith("<p>logo:")


async def test_someone_elses_mail_is_404(client):
    alice = await new_address(client, "alice")
    mallory = await new_address(client, "mallory")
    mail_id = await push(client, message("private"), alice["address"])
    for path in (f"/api/mail/{mail_id}", f"/api/parsed_mail/{mail_id}"):
        response = await client.get(path, headers=bearer(mallory["jwt"]))
        assert response.status_code == 404
        assert "private" not in response.text
    listing = await client.get("/api/mails", headers=bearer(mallory["jwt"]))
    assert listing.json() == {"results": [], "count": 0}


@pytest.mark.parametrize("mail_id", ["abc", "0", "-1", "1.5", "99999999999999999999"])
async def test_non_numeric_or_bad_ids_are_400(client, mail_id):
    box = await new_address(client, "ids")
    response = await client.get(f"/api/mail/{mail_id}", headers=bearer(box["jwt"]))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_id"


async def test_unknown_id_is_404(client):
    box = await new_address(client, "unknown")
    response = await client.get("/api/mail/424242", headers=bearer(box["jwt"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": -5},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": "x"},
        {"limit": "1e3"},
    ],
)
async def test_out_of_range_paging_is_400(client, params):
    box = await new_address(client, "paging")
    for path in ("/api/mails", "/api/parsed_mails"):
        response = await client.get(path, params=params, headers=bearer(box["jwt"]))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_query"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_bad_tokens_are_401(client):
    box = await new_address(client, "tokens")
    header, _payload, signature = box["jwt"].split(".")
    other = {"address": "victim@example.com", "address_id": box["address_id"], "iat": int(time.time())}
    claims = {"address": box["address"], "address_id": box["address_id"], "iat": int(time.time())}
    candidates = {
        "missing": {},
        "not bearer": {"Authorization": f"Token {box['jwt']}"},
        "empty bearer": {"Authorization": "Bearer "},
        "malformed": bearer("not.a.jwt"),
        "tampered": bearer(f"{header}.{_b64(other)}.{signature}"),
        "wrong secret": bearer(
            jwt.encode(claims, "some-other-secret-that-is-long-enough-1234", algorithm="HS256")
        ),
        "alg none": bearer(f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."),
    }
    for label, headers in candidates.items():
        response = await client.get("/api/mails", headers=headers)
        assert response.status_code == 401, label
        assert response.json()["error"]["code"] == "unauthorized", label


async def test_token_dies_with_its_address_even_if_the_name_returns(client, services):
    old = await new_address(client, "phoenix")
    await push(client, message("for the first owner"), old["address"])
    await services.db.run("DELETE FROM addresses WHERE id = ?", (old["address_id"],))
    assert (await client.get("/api/mails", headers=bearer(old["jwt"]))).status_code == 401
    reborn = await new_address(client, "phoenix")
    assert reborn["address_id"] != old["address_id"]
    assert (await client.get("/api/mails", headers=bearer(old["jwt"]))).status_code == 401
    fresh = await client.get("/api/mails", headers=bearer(reborn["jwt"]))
    assert fresh.json() == {"results": [], "count": 0}  # the old owner's mail is not inherited


async def test_token_signed_for_another_id_of_the_same_name_is_401(client):
    box = await new_address(client, "idcheck")
    forged = jwt.encode(
        {"address": box["address"], "address_id": box["address_id"] + 1000, "iat": int(time.time())},
        TEST_ENV["JWT_SECRET"],
        algorithm="HS256",
    )
    assert (await client.get("/api/mails", headers=bearer(forged))).status_code == 401


async def test_push_route_validates_input(client):
    missing = await client.post("/cdn-cgi/handler/email", params={"from": "a@b.c"}, content=b"x")
    assert missing.status_code == 400
    foreign = await client.post(
        "/cdn-cgi/handler/email", params={"from": "a@b.c", "to": "x@elsewhere.net"}, content=b"x"
    )
    assert foreign.status_code == 422
    assert "not served" in foreign.json()["error"]["message"]
