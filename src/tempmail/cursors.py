"""Opaque, signed keyset cursors for DoneMail-style paging.

A cursor carries DoneMail's `{receivedAt, id}` plus a fingerprint of the filter it was made
for and an HMAC, so a tampered cursor, or one taken from another filter, is a clear 400
instead of a silently wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from tempmail.errors import bad_request


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"tempmail cursor v1", hashlib.sha256).digest()


def _fingerprint(filter_text: str) -> str:
    return hashlib.sha256(filter_text.encode()).hexdigest()[:16]


def _signature(secret: str, received_at: str, mail_id: int, fingerprint: str) -> str:
    message = f"{received_at}|{mail_id}|{fingerprint}".encode()
    return base64.urlsafe_b64encode(hmac.new(_key(secret), message, hashlib.sha256).digest()[:18]).decode()


def encode(secret: str, filter_text: str, received_at: str, mail_id: int) -> str:
    """The cursor for "older than this mail" in the list described by `filter_text`."""
    fingerprint = _fingerprint(filter_text)
    payload = {
        "receivedAt": received_at,
        "id": mail_id,
        "f": fingerprint,
        "s": _signature(secret, received_at, mail_id, fingerprint),
    }
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(secret: str, filter_text: str, cursor: str) -> int:
    """The mail id a cursor points below; 400 `invalid_cursor` for anything not made here for this list."""
    if len(cursor) > 512:
        raise bad_request("cursor is malformed", "invalid_cursor")
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise bad_request("cursor is malformed", "invalid_cursor") from exc
    if not isinstance(payload, dict):
        raise bad_request("cursor is malformed", "invalid_cursor")
    received_at, mail_id, fingerprint, signature = (payload.get(k) for k in ("receivedAt", "id", "f", "s"))
    if not (isinstance(received_at, str) and type(mail_id) is int and isinstance(fingerprint, str)):
        raise bad_request("cursor is malformed", "invalid_cursor")
    expected = _signature(secret, received_at, mail_id, fingerprint)
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        raise bad_request("cursor was not issued by this service", "invalid_cursor")
    if not hmac.compare_digest(fingerprint, _fingerprint(filter_text)):
        raise bad_request("cursor belongs to a list with other filters", "invalid_cursor")
    return mail_id
