"""Who is calling: address tokens, user tokens and admin passwords, each checked against live rows."""

from __future__ import annotations

from starlette.requests import Request

from tempmail.errors import unauthorized
from tempmail.ports import Row
from tempmail.security import InvalidToken, matches_any, read_address_token, read_user_token
from tempmail.services import Services
from tempmail.store import addresses, users
from tempmail.web import throttle


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def address_from_token(services: Services, token: str | None) -> Row:
    """The live address a token names; 401 when the token is bad or its address is gone."""
    if not token:
        raise unauthorized("an address token is required: Authorization: Bearer <jwt>")
    try:
        claims = read_address_token(services.settings.jwt_secret, token)
    except InvalidToken as exc:
        raise unauthorized("invalid address token") from exc
    row = await addresses.get_by_id(services.db, claims.address_id)
    # Ids are never reused, so a deleted address's tokens stay dead even if its name returns.
    if row is None or row["name"] != claims.address:
        raise unauthorized("the token's address no longer exists")
    return row


async def require_address(request: Request, services: Services) -> Row:
    """The caller's address from its Bearer token."""
    return await address_from_token(services, bearer_token(request))


async def optional_user(request: Request, services: Services) -> Row | None:
    """The user of an `x-user-token` header; None without one, 401 when it is bad."""
    token = request.headers.get("x-user-token", "").strip()
    if not token:
        return None
    try:
        claims = read_user_token(services.settings.jwt_secret, token)
    except InvalidToken as exc:
        raise unauthorized("invalid user token") from exc
    row = await users.get_by_id(services.db, claims.user_id)
    if row is None or row["email"] != claims.email:
        raise unauthorized("the token's user no longer exists")
    return row


async def require_user(request: Request, services: Services) -> Row:
    """The caller's user account from `x-user-token`."""
    user = await optional_user(request, services)
    if user is None:
        raise unauthorized("a user token is required: x-user-token")
    return user


async def require_admin(request: Request, services: Services) -> None:
    """401 unless `x-admin-auth` is one of ADMIN_PASSWORDS; 429 after repeated wrong ones."""
    await throttle.refuse_if_failing(services, request, "admin")
    presented = request.headers.get("x-admin-auth")
    if not matches_any(presented, services.settings.admin_passwords):
        if presented:
            await throttle.record_failure(services, request, "admin")
        raise unauthorized("admin credentials required: x-admin-auth")
