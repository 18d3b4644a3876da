"""Creating addresses and reading an address's own settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail import addressing
from tempmail.errors import ApiError
from tempmail.security import hash_password, issue_address_token, new_password
from tempmail.store import addresses
from tempmail.web.auth import require_address
from tempmail.web.context import services
from tempmail.web.inputs import json_object, optional_str

_RANDOM_ATTEMPTS = 5


async def new_address(request: Request) -> JSONResponse:
    """`POST /api/new_address` `{name?, domain?}` -> `{jwt, address, address_id, password}`."""
    svc = services(request)
    settings = svc.settings
    body = await json_object(request, allow_empty=True)
    name = optional_str(body, "name", 128)
    domain = optional_str(body, "domain", 253)
    password = new_password()
    password_hash = hash_password(password, settings.password_hash_iterations)
    # A requested name gets one try; a random one retries on the (unlikely) collision.
    for _ in range(1 if name is not None else _RANDOM_ATTEMPTS):
        wanted = name if name is not None else addressing.random_name(settings)
        address = addressing.compose(settings, wanted, domain, settings.default_domains)
        row = await addresses.create(svc.db, address, password_hash)
        if row is not None:
            break
    else:
        raise ApiError(409, "address_exists", "that address already exists")
    return JSONResponse(
        {
            "jwt": issue_address_token(settings.jwt_secret, address, row["id"]),
            "address": address,
            "address_id": row["id"],
            "password": password,
        }
    )


async def address_settings(request: Request) -> JSONResponse:
    """`GET /api/settings`: the calling address and its counters."""
    svc = services(request)
    row = await require_address(request, svc)
    return JSONResponse(
        {
            "address": row["name"],
            "address_id": row["id"],
            "mail_count": row["mail_count"],
            "created_at": row["created_at"],
        }
    )


ROUTES = [
    Route("/api/new_address", new_address, methods=["POST"]),
    Route("/api/settings", address_settings, methods=["GET"]),
]
