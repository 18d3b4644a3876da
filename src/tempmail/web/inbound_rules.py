"""Inbound rules over HTTP: an address's auto-reply, and the admin's sender blocklist."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail.errors import ApiError, bad_request
from tempmail.store import policy as policy_store
from tempmail.web.auth import require_address, require_admin
from tempmail.web.context import services
from tempmail.web.inputs import json_object

AUTO_REPLY_TEXT_MAX = 255  # cloudflare_temp_email's limit for subject and message
BLOCKLIST_MAX = 1000
PATTERN_MAX = 256


def _auto_reply_enabled(request: Request) -> None:
    if not services(request).settings.enable_auto_reply:
        raise ApiError(
            403, "auto_reply_disabled", "auto-reply is not enabled on this server (ENABLE_AUTO_REPLY)"
        )


async def get_auto_reply(request: Request) -> JSONResponse:
    """`GET /api/auto_reply`: the caller's auto-reply, `{}` when never set."""
    _auto_reply_enabled(request)
    svc = services(request)
    address = await require_address(request, svc)
    rule = await policy_store.auto_reply(svc.db, address["id"])
    if rule is None:
        return JSONResponse({})
    return JSONResponse(
        {
            "subject": rule["subject"],
            "message": rule["message"],
            "enabled": bool(rule["enabled"]),
            "source_prefix": rule["source_prefix"],
            "name": rule["name"],
        }
    )


def _text(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request(f"'auto_reply.{key}' must be a string", "invalid_field")
    if len(value) > limit:
        raise bad_request(f"'auto_reply.{key}' is longer than {limit} characters", "invalid_field")
    return value


async def save_auto_reply(request: Request) -> JSONResponse:
    """`POST /api/auto_reply` `{auto_reply: {name, subject, message, source_prefix, enabled}}`."""
    _auto_reply_enabled(request)
    svc = services(request)
    address = await require_address(request, svc)
    body = await json_object(request)
    rule = body.get("auto_reply")
    if not isinstance(rule, dict):
        raise bad_request("'auto_reply' must be an object", "invalid_field")
    enabled = rule.get("enabled", False)
    if not isinstance(enabled, bool):
        raise bad_request("'auto_reply.enabled' must be true or false", "invalid_field")
    subject = _text(rule, "subject", AUTO_REPLY_TEXT_MAX)
    message = _text(rule, "message", AUTO_REPLY_TEXT_MAX)
    if enabled and (not subject or not message):
        raise bad_request("an enabled auto-reply needs a subject and a message", "invalid_field")
    await policy_store.save_auto_reply(
        svc.db,
        address["id"],
        name=_text(rule, "name", AUTO_REPLY_TEXT_MAX),
        source_prefix=_text(rule, "source_prefix", AUTO_REPLY_TEXT_MAX),
        subject=subject,
        message=message,
        enabled=enabled,
    )
    return JSONResponse({"success": True})


async def get_blocklist(request: Request) -> JSONResponse:
    """`GET /admin/sender_blocklist`: `{blocklist: [...], env: [...]}` (the latter from BLACK_LIST)."""
    svc = services(request)
    await require_admin(request, svc)
    return JSONResponse(
        {"blocklist": await policy_store.blocklist(svc.db), "env": list(svc.settings.black_list)}
    )


async def save_blocklist(request: Request) -> JSONResponse:
    """`POST /admin/sender_blocklist` `{blocklist: [...]}`: replace the admin blocklist."""
    svc = services(request)
    await require_admin(request, svc)
    body = await json_object(request)
    patterns = body.get("blocklist")
    if not isinstance(patterns, list) or len(patterns) > BLOCKLIST_MAX:
        raise bad_request(f"'blocklist' must be a list of at most {BLOCKLIST_MAX} strings", "invalid_field")
    cleaned: list[str] = []
    for item in patterns:
        if not isinstance(item, str) or not item.strip() or len(item) > PATTERN_MAX:
            raise bad_request(
                f"every blocklist entry must be a non-empty string of at most {PATTERN_MAX} characters",
                "invalid_field",
            )
        pattern = item.strip().lower()
        if pattern not in cleaned:
            cleaned.append(pattern)
    await policy_store.replace_blocklist(svc.db, cleaned)
    return JSONResponse({"success": True, "blocklist": sorted(cleaned)})


ROUTES = [
    Route("/api/auto_reply", get_auto_reply, methods=["GET"]),
    Route("/api/auto_reply", save_auto_reply, methods=["POST"]),
    Route("/admin/sender_blocklist", get_blocklist, methods=["GET"]),
    Route("/admin/sender_blocklist", save_blocklist, methods=["POST"]),
]
