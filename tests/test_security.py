import base64
import json
import time

import jwt
import pytest

from tempmail.security import (
    InvalidToken,
    hash_password,
    issue_address_token,
    matches_any,
    read_address_token,
    verify_password,
)

SECRET = "a-secret-of-sufficient-length-1234567"


def test_token_round_trip_carries_address_id_and_issue_time():
    before = int(time.time())
    claims = read_address_token(SECRET, issue_address_token(SECRET, "box@example.com", 7))
    assert (claims.address, claims.address_id) == ("box@example.com", 7)
    assert before <= claims.issued_at <= int(time.time())


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_alg_none_is_refused():
    claims = {"address": "box@example.com", "address_id": 1, "iat": int(time.time())}
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(InvalidToken):
        read_address_token(SECRET, token)


def test_wrong_secret_and_tampering_are_refused():
    token = issue_address_token(SECRET, "box@example.com", 1)
    with pytest.raises(InvalidToken):
        read_address_token("another-secret-of-sufficient-length-1234", token)
    header, _payload, signature = token.split(".")
    forged = _b64({"address": "other@example.com", "address_id": 2, "iat": int(time.time())})
    with pytest.raises(InvalidToken):
        read_address_token(SECRET, f"{header}.{forged}.{signature}")


@pytest.mark.parametrize(
    "payload",
    [
        {"address": "a@example.com", "address_id": 1},  # no iat
        {"address_id": 1, "iat": 1},  # no address
        {"address": "a@example.com", "address_id": "1", "iat": 1},  # id of the wrong type
        {"address": ["a@example.com"], "address_id": 1, "iat": 1},
    ],
)
def test_missing_or_mistyped_claims_are_refused(payload):
    with pytest.raises(InvalidToken):
        read_address_token(SECRET, jwt.encode(payload, SECRET, algorithm="HS256"))


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "....."])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidToken):
        read_address_token(SECRET, token)


def test_password_hash_is_salted_slow_and_verifiable():
    first, second = hash_password("pw", 1000), hash_password("pw", 1000)
    assert first != second  # salted
    assert first.startswith("pbkdf2_sha256$1000$")
    assert verify_password("pw", first)
    assert not verify_password("other", first)
    assert "pw" not in first.split("$", 2)[2]


@pytest.mark.parametrize("stored", [None, "", "md5$x", "pbkdf2_sha256$x$y", "pbkdf2_sha256$10$!!$!!"])
def test_malformed_stored_hash_never_verifies(stored):
    assert not verify_password("pw", stored)


def test_matches_any_requires_an_exact_configured_secret():
    assert matches_any("two", ("one", "two"))
    assert not matches_any("tw", ("one", "two"))
    assert not matches_any("", ("",))
    assert not matches_any(None, ("one",))
