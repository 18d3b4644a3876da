import base64
import json

import pytest

from tempmail import cursors
from tempmail.errors import ApiError

SECRET = "s" * 40


def _payload(cursor: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def _encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_round_trip_carries_donemails_fields():
    cursor = cursors.encode(SECRET, "filter-a", "2026-11-22T10:00:00Z", 42)
    assert _payload(cursor)["receivedAt"] == "2026-11-22T10:00:00Z" and _payload(cursor)["id"] == 42
    assert cursors.decode(SECRET, "filter-a", cursor) == 42


def _bad(filter_text: str, cursor: str) -> str:
    with pytest.raises(ApiError) as info:
        cursors.decode(SECRET, filter_text, cursor)
    assert (info.value.status, info.value.code) == (400, "invalid_cursor")
    return info.value.message


def test_tampered_other_filter_other_secret_and_garbage_are_refused():
    cursor = cursors.encode(SECRET, "filter-a", "2026-11-22T10:00:00Z", 42)
    tampered = {**_payload(cursor), "id": 41}
    assert "not issued" in _bad("filter-a", _encode(tampered))
    assert "other filters" in _bad("filter-b", cursor)
    other = cursors.encode("t" * 40, "filter-a", "2026-11-22T10:00:00Z", 42)
    assert "not issued" in _bad("filter-a", other)
    for garbage in ["%%%", "bm90IGpzb24", _encode([1, 2]), _encode({"id": "42"}), "A" * 600]:
        _bad("filter-a", garbage)
