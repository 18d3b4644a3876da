"""Address JWTs, password hashing and constant-time secret comparison."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import jwt

_ALGORITHM = "HS256"
_HASH_SCHEME = "pbkdf2_sha256"


@dataclass(frozen=True)
class AddressClaims:
    """What an address JWT says: which address, by id and name, and when it was issued."""

    address: str
    address_id: int
    issued_at: int


@dataclass(frozen=True)
class UserClaims:
    """What a user JWT says: which user, by id and email."""

    user_id: int
    email: str
    issued_at: int


USER_TOKEN_SECONDS = 30 * 24 * 3600


class InvalidToken(Exception):
    """The token is malformed, wrongly signed, uses another algorithm or lacks a claim."""


def issue_address_token(secret: str, address: str, address_id: int) -> str:
    """Sign a token for one address. Its id makes it die with the address (ids are never reused)."""
    payload = {"address": address, "address_id": address_id, "iat": int(time.time())}
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


def read_address_token(secret: str, token: str) -> AddressClaims:
    """Verify signature and shape; the caller still checks the address exists."""
    if not secret:
        raise InvalidToken("server has no JWT_SECRET")
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],  # a fixed list: "none" and key-confusion tricks are refused
            options={"require": ["address", "address_id", "iat"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    address, address_id, issued = payload["address"], payload["address_id"], payload["iat"]
    if not isinstance(address, str) or type(address_id) is not int or type(issued) is not int:
        raise InvalidToken("malformed claims")
    return AddressClaims(address=address, address_id=address_id, issued_at=issued)


def issue_user_token(secret: str, user_id: int, email: str) -> str:
    """Sign a user token, valid for 30 days and only while the user exists."""
    now = int(time.time())
    payload = {"user_id": user_id, "user_email": email, "iat": now, "exp": now + USER_TOKEN_SECONDS}
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


def read_user_token(secret: str, token: str) -> UserClaims:
    """Verify a user token's signature, expiry and shape (an address token is not one)."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            options={"require": ["user_id", "user_email", "iat", "exp"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    user_id, email, issued = payload["user_id"], payload["user_email"], payload["iat"]
    if type(user_id) is not int or not isinstance(email, str) or type(issued) is not int:
        raise InvalidToken("malformed claims")
    return UserClaims(user_id=user_id, email=email, issued_at=issued)


def hash_password(password: str, iterations: int) -> str:
    """Salted PBKDF2-SHA256, encoded as ``pbkdf2_sha256$iterations$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return "$".join((_HASH_SCHEME, str(iterations), _b64(salt), _b64(digest)))


# Verified against when an account does not exist, so a miss costs as much time as a wrong password.
_DUMMY_HASH = "pbkdf2_sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def verify_password(password: str, encoded: str | None) -> bool:
    """True when `password` matches the stored hash; False for any malformed hash."""
    try:
        scheme, iterations, salt, digest = (encoded or "").split("$")
        if scheme != _HASH_SCHEME:
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = hashlib.pbkdf2_hmac(
            "sha256", password.encode(), base64.urlsafe_b64decode(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


def verify_password_or_dummy(password: str, encoded: str | None, iterations: int) -> bool:
    """verify_password, spending the same PBKDF2 work when there is no stored hash at all."""
    if encoded is None:
        dummy = _DUMMY_HASH.replace("$100000$", f"${iterations}$", 1)
        verify_password(password, dummy)
        return False
    return verify_password(password, encoded)


def matches_any(candidate: str | None, allowed: tuple[str, ...]) -> bool:
    """Constant-time check of a presented secret against every configured one."""
    if not candidate:
        return False
    found = False
    for secret in allowed:
        # No early exit: the time taken does not depend on which secret matched.
        found |= hmac.compare_digest(candidate.encode(), secret.encode())
    return found


def new_password() -> str:
    """A random password for a new address."""
    return secrets.token_urlsafe(12)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")
