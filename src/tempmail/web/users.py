"""User accounts (`x-user-token`): register, log in, bind addresses, read their mail."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail.errors import ApiError, bad_request, disabled
from tempmail.ports import Row
from tempmail.security import (
    hash_password,
    issue_address_token,
    issue_user_token,
)
from tempmail.services import Services
from tempmail.store import mails, users
from tempmail.web import throttle
from tempmail.web.addresses import address_view
from tempmail.web.auth import password_login, require_address, require_user
from tempmail.web.context import services
from tempmail.web.inputs import json_object, new_password_field, paging, path_id, required_int, required_str
from tempmail.web.mails import raw_items

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def not_bound() -> ApiError:
    """400, as the original answers for an address the user has not bound."""
    return ApiError(400, "not_bound", "that address is not bound to you")


def credentials(body: dict[str, Any]) -> tuple[str, str]:
    """A validated `(email, password)` pair from a JSON body."""
    email = required_str(body, "email", 254).strip().lower()
    if not _EMAIL.fullmatch(email):
        raise bad_request("'email' is not an email address", "invalid_field")
    return email, new_password_field(body)


async def create_user(svc: Services, body: dict[str, Any]) -> JSONResponse:
    """Create a user from `{email, password}`: `{success, id}`, or 400 `user_exists`."""
    email, password = credentials(body)
    row = await users.create(svc.db, email, hash_password(password, svc.settings.password_hash_iterations))
    if row is None:
        raise ApiError(400, "user_exists", "a user with that email exists")
    return JSONResponse({"success": True, "id": row["id"]})


def user_view(row: Row) -> dict[str, Any]:
    """A user as the API shows it (never its password hash)."""
    return {
        "id": row["id"],
        "user_email": row["email"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def register(request: Request) -> JSONResponse:
    """`POST /user_api/register` `{email, password}`."""
    svc = services(request)
    if not svc.settings.enable_user_register:
        raise disabled("user registration")
    return await create_user(svc, await json_object(request))


async def login(request: Request) -> JSONResponse:
    """`POST /user_api/login` `{email, password}` -> `{jwt}` (the `x-user-token`)."""
    svc = services(request)
    await throttle.refuse_if_failing(svc, request, "login")
    body = await json_object(request)
    email = required_str(body, "email", 254).strip().lower()
    password = required_str(body, "password", 1024)
    row = await password_login(request, svc, await users.get_by_email(svc.db, email), password)
    return JSONResponse({"jwt": issue_user_token(svc.settings.jwt_secret, row["id"], row["email"])})


async def user_settings(request: Request) -> JSONResponse:
    """`GET /user_api/settings`: the user and its totals."""
    svc = services(request)
    user = await require_user(request, svc)
    totals = await users.bound_totals(svc.db, user["id"])
    return JSONResponse(
        {
            "user_id": user["id"],
            "user_email": user["email"],
            "address_count": totals["addresses"],
            "mail_count": totals["mails"],
        }
    )


async def bind_address(request: Request) -> JSONResponse:
    """`POST /user_api/bind_address`: user token plus the address's own Bearer token."""
    svc = services(request)
    user = await require_user(request, svc)
    address = await require_address(request, svc)
    owner = await users.owner_of(svc.db, address["id"])
    if owner is not None and owner != user["id"]:
        raise ApiError(400, "address_bound", "that address is bound to another user")
    await users.bind(svc.db, user["id"], address["id"])
    return JSONResponse({"success": True})


async def list_bound(request: Request) -> JSONResponse:
    """`GET /user_api/bind_address?limit&offset`: the user's addresses."""
    svc = services(request)
    user = await require_user(request, svc)
    limit, offset = paging(request)
    rows = await users.bound_addresses(svc.db, user["id"], limit, offset)
    totals = await users.bound_totals(svc.db, user["id"])
    return JSONResponse({"results": [address_view(r) for r in rows], "count": totals["addresses"]})


async def unbind_address(request: Request) -> JSONResponse:
    """`POST /user_api/unbind_address` `{address_id}`."""
    svc = services(request)
    user = await require_user(request, svc)
    address_id = required_int(await json_object(request), "address_id")
    if not await users.unbind(svc.db, user["id"], address_id):
        raise not_bound()
    return JSONResponse({"success": True})


async def bound_address_jwt(request: Request) -> JSONResponse:
    """`GET /user_api/bind_address_jwt/:address_id` -> `{jwt}` for one of the user's addresses."""
    svc = services(request)
    user = await require_user(request, svc)
    address = await users.bound_address(svc.db, user["id"], path_id(request, "address_id"))
    if address is None:
        raise not_bound()
    return JSONResponse({"jwt": issue_address_token(svc.settings.jwt_secret, address["name"], address["id"])})


async def user_mails(request: Request) -> JSONResponse:
    """`GET /user_api/mails?limit&offset&address`: mail of the user's addresses, or of one of them."""
    svc = services(request)
    user = await require_user(request, svc)
    limit, offset = paging(request)
    name = request.query_params.get("address", "").strip().lower()
    if name:
        bound = await users.bound_address_named(svc.db, user["id"], name)
        if bound is None:
            raise not_bound()
        rows = await mails.list_for_user(svc.db, user["id"], limit, offset, bound["id"])
        count = bound["mail_count"]
    else:
        rows = await mails.list_for_user(svc.db, user["id"], limit, offset)
        count = (await users.bound_totals(svc.db, user["id"]))["mails"]
    return JSONResponse({"results": await raw_items(svc, rows), "count": count})


ROUTES = [
    Route("/user_api/register", register, methods=["POST"]),
    Route("/user_api/login", login, methods=["POST"]),
    Route("/user_api/settings", user_settings, methods=["GET"]),
    Route("/user_api/bind_address", list_bound, methods=["GET"]),
    Route("/user_api/bind_address", bind_address, methods=["POST"]),
    Route("/user_api/unbind_address", unbind_address, methods=["POST"]),
    Route("/user_api/bind_address_jwt/{address_id}", bound_address_jwt, methods=["GET"]),
    Route("/user_api/mails", user_mails, methods=["GET"]),
]
