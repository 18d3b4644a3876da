"""Reading a send request: every bad field is a 4xx naming it, header injection included."""

import json

import pytest

from tempmail.errors import ApiError
from tempmail.sending.request import MAX_CONTENT_BYTES, is_address, parse

GOOD = {
    "from_name": "Me",
    "to_name": "You",
    "to_mail": "you@example.net",
    "subject": "Hi",
    "content": "Hello",
}


def test_a_good_body_reads_back_with_defaults():
    request = parse({"to_mail": " you@example.net ", "subject": "Hi", "content": "x", "token": "ignored"})
    assert (request.to_mail, request.is_html, request.from_name, request.to_name) == (
        "you@example.net",
        False,
        "",
        "",
    )


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"to_mail": None}, 400, "invalid_field"),
        ({"to_mail": "not an address"}, 400, "invalid_recipient"),
        ({"to_mail": "a@b"}, 400, "invalid_recipient"),
        ({"to_mail": "you@example.net>\r\nBcc: x@y.z"}, 400, "invalid_field"),
        ({"to_mail": "ü@example.net"}, 400, "invalid_recipient"),
        ({"to_mail": "x" * 65 + "@example.net"}, 400, "invalid_recipient"),
        ({"subject": ""}, 400, "invalid_field"),
        ({"subject": "   "}, 400, "invalid_field"),
        ({"subject": "Hi\r\nBcc: victim@example.net"}, 400, "invalid_field"),
        ({"subject": "Hi\nX-Injected: 1"}, 400, "invalid_field"),
        ({"subject": "line\u2028separator"}, 400, "invalid_field"),
        ({"subject": 5}, 400, "invalid_field"),
        ({"from_name": "Me\r\nBcc: victim@example.net"}, 400, "invalid_field"),
        ({"to_name": "You\rX: y"}, 400, "invalid_field"),
        ({"from_name": "x" * 300}, 400, "invalid_field"),
        ({"content": ""}, 400, "invalid_field"),
        ({"content": None}, 400, "invalid_field"),
        ({"content": "x" * (MAX_CONTENT_BYTES + 1)}, 413, "content_too_large"),
        ({"content": "é" * (MAX_CONTENT_BYTES // 2 + 1)}, 413, "content_too_large"),
        ({"content": json.loads('"\\ud800"')}, 400, "invalid_field"),
        ({"is_html": "yes"}, 400, "invalid_field"),
    ],
)
def test_bad_fields_are_refused(change, status, code):
    with pytest.raises(ApiError) as info:
        parse({**GOOD, **change})
    assert (info.value.status, info.value.code) == (status, code)


def test_content_keeps_its_line_breaks():
    assert parse({**GOOD, "content": "one\r\ntwo\n"}).content == "one\r\ntwo\n"


def test_the_record_is_the_request_without_any_token():
    record = json.loads(parse({**GOOD, "token": "secret.jwt.value", "is_html": True}).record())
    assert record == {"version": "v2", **{k: v for k, v in GOOD.items()}, "is_html": True}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a.b+tag@mail.example.org", True),
        ("a..b@example.org", False),
        ("@example.org", False),
        ("a@-example.org", False),
        ("a@example.org.", False),
        ("a b@example.org", False),
    ],
)
def test_is_address(value, ok):
    assert is_address(value) is ok
