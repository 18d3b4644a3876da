"""Reading request input strictly: every malformed value becomes a 400 with a clear message."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from tempmail.errors import bad_request

MAX_JSON_BYTES = 1024 * 1024


async def json_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; 400 when it is not one (empty allowed if asked)."""
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise bad_request(f"request body is over {MAX_JSON_BYTES} bytes", "body_too_large")
    if not body.strip():
        if allow_empty:
            return {}
        raise bad_request("a JSON object body is required", "invalid_json")
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(f"malformed JSON: {exc}", "invalid_json") from exc
    if not isinstance(value, dict):
        raise bad_request("the JSON body must be an object", "invalid_json")
    return value


def optional_str(body: dict[str, Any], key: str, max_length: int = 256) -> str | None:
    """A string field that may be absent or null; 400 for any other type or an over-long value."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string", "invalid_field")
    if len(value) > max_length:
        raise bad_request(f"'{key}' is longer than {max_length} characters", "invalid_field")
    return value


def required_str(body: dict[str, Any], key: str, max_length: int = 256) -> str:
    """A non-empty string field; 400 when missing, empty, of another type or over-long."""
    value = optional_str(body, key, max_length)
    if value is None or not value.strip():
        raise bad_request(f"'{key}' is required", "invalid_field")
    return value


MIN_PASSWORD = 8


def new_password_field(body: dict[str, Any], key: str = "password") -> str:
    """A password being set (user or address account): 8 to 1024 characters; 400 otherwise."""
    password = required_str(body, key, 1024)
    if len(password) < MIN_PASSWORD:
        raise bad_request(f"'{key}' must have at least {MIN_PASSWORD} characters", "invalid_field")
    return password


def required_int(body: dict[str, Any], key: str) -> int:
    """A positive integer field (JSON number, not a bool or a string); 400 otherwise."""
    value = body.get(key)
    if type(value) is not int or value < 1:
        raise bad_request(f"'{key}' must be a positive integer", "invalid_field")
    return value


def query_int(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    """An integer query parameter within [low, high]; 400 when non-numeric or out of range."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(f"'{name}' must be an integer", "invalid_query") from exc
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise bad_request(f"'{name}' must be {bound}", "invalid_query")
    return value


def paging(request: Request) -> tuple[int, int]:
    """`limit` (1..100, default 20) and `offset` (>= 0, default 0) as cloudflare_temp_email takes them."""
    return (
        query_int(request, "limit", 20, 1, 100),
        query_int(request, "offset", 0, 0, None),
    )


def path_id(request: Request, name: str) -> int:
    """A positive integer id from the path; 400 when it is not one."""
    raw = request.path_params[name]
    if not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
        raise bad_request(f"'{name}' must be a positive integer", "invalid_id")
    return int(raw)
