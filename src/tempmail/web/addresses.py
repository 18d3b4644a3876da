"""Addresses as their owners see them: create, log in, settings, delete, clear."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail import addressing, mailbox, turnstile
from tempmail.errors import ApiError, disabled, unauthorized
from tempmail.ports import Row
from tempmail.security import (
    hash_password,
    issue_address_token,
    new_password,
)
from tempmail.services import Services
from tempmail.store import addresses, senders, users
from tempmail.web import throttle
from tempmail.web.auth import optional_user, password_login, require_address
from tempmail.web.context import services
from tempmail.web.inputs import json_object, optional_str, required_str

_RANDOM_ATTEMPTS = 5


async def create_address(
    svc: Services,
    name: str | None,
    domain: str | None,
    allowed: tuple[str, ...],
    *,
    use_prefix: bool = True,
    check_length: bool = True,
    password: str | None = None,
) -> dict:
    """Create an address (a random name and password when none are given); answer with its credentials."""
    settings = svc.settings
    password = password or new_password()
    password_hash = hash_password(password, settings.password_hash_iterations)
    # A requested name gets one try; a random one retries on the (unlikely) collision.
    for _ in range(1 if name is not None else _RANDOM_ATTEMPTS):
        wanted = name if name is not None else addressing.random_name(settings)
        address = addressing.compose(
            settings, wanted, domain, allowed, use_prefix=use_prefix, check_length=check_length
        )
        row = await addresses.create(svc.db, address, password_hash)
        if row is not None:
            break
    else:
        raise ApiError(400, "address_exists", "that address already exists")
    return {
        "jwt": issue_address_token(settings.jwt_secret, address, row["id"]),
        "address": address,
        "address_id": row["id"],
        "password": password,
    }


async def new_address(request: Request) -> JSONResponse:
    """`POST /api/new_address` `{name?, domain?, cf_token?}` -> `{jwt, address, address_id, password}`."""
    svc = services(request)
    settings = svc.settings
    if not settings.enable_user_create_email:
        raise disabled("creating addresses")
    user = await optional_user(request, svc)
    if user is None and settings.disable_anonymous_user_create_email:
        raise unauthorized("log in first: only users (x-user-token) may create addresses")
    body = await json_object(request, allow_empty=True)
    name = optional_str(body, "name", 128)
    domain = optional_str(body, "domain", 253)
    cf_token = optional_str(body, "cf_token", 4096)
    await throttle.count_creation(svc, request)
    await turnstile.check(svc, cf_token, throttle.client_ip(request))
    created = await create_address(svc, name, domain, settings.default_domains)
    if user is not None:
        await users.bind(svc.db, user["id"], created["address_id"])
    return JSONResponse(created)


async def address_login(request: Request) -> JSONResponse:
    """`POST /api/address_login` `{email, password}` -> `{jwt, address}`."""
    svc = services(request)
    if not svc.settings.enable_address_password:
        raise disabled("address password login")
    await throttle.refuse_if_failing(svc, request, "login")
    body = await json_object(request)
    email = required_str(body, "email", 320).strip().lower()
    password = required_str(body, "password", 1024)
    row = await password_login(request, svc, await addresses.get_by_name(svc.db, email), password)
    token = issue_address_token(svc.settings.jwt_secret, row["name"], row["id"])
    return JSONResponse({"jwt": token, "address": row["name"]})


def address_view(row: Row) -> dict:
    """An address as lists show it (never its password hash)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "mail_count": row["mail_count"],
        "send_count": row["send_count"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _send_balance(svc: Services, address_id: int) -> int:
    """The enabled balance; before first use, what DEFAULT_SEND_BALANCE will grant."""
    if await senders.get(svc.db, address_id) is None:
        return svc.settings.default_send_balance
    return await senders.balance(svc.db, address_id)


async def address_settings(request: Request) -> JSONResponse:
    """`GET /api/settings`: the calling address, its counters and send balance."""
    svc = services(request)
    row = await require_address(request, svc)
    await addresses.touch(svc.db, row["id"])
    return JSONResponse(
        {
            "address": row["name"],
            "address_id": row["id"],
            "send_balance": await _send_balance(svc, row["id"]),
            "mail_count": row["mail_count"],
            "send_count": row["send_count"],
            "created_at": row["created_at"],
        }
    )


async def delete_own_address(request: Request) -> JSONResponse:
    """`DELETE /api/delete_address`: the address and everything it owns."""
    svc = services(request)
    row = await require_address(request, svc)
    return JSONResponse({"success": await mailbox.delete_address(svc, row["id"])})


async def clear_own_inbox(request: Request) -> JSONResponse:
    """`DELETE /api/clear_inbox`: every mail of the address."""
    svc = services(request)
    row = await require_address(request, svc)
    await mailbox.clear_inbox(svc, row["id"])
    return JSONResponse({"success": True})


async def clear_own_sent(request: Request) -> JSONResponse:
    """`DELETE /api/clear_sent_items`: every sent item of the address."""
    svc = services(request)
    row = await require_address(request, svc)
    await mailbox.clear_sent(svc, row["id"])
    return JSONResponse({"success": True})


ROUTES = [
    Route("/api/new_address", new_address, methods=["POST"]),
    Route("/api/address_login", address_login, methods=["POST"]),
    Route("/api/settings", address_settings, methods=["GET"]),
    Route("/api/delete_address", delete_own_address, methods=["DELETE"]),
    Route("/api/clear_inbox", clear_own_inbox, methods=["DELETE"]),
    Route("/api/clear_sent_items", clear_own_sent, methods=["DELETE"]),
]
