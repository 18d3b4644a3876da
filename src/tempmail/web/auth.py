"""Who is calling: address tokens, user tokens and admin passwords, each checked against live rows."""

from __future__ import annotations

from starlette.requests import Request

from tempmail.errors import not_found, unauthorized
from tempmail.ports import Row
from tempmail.security import (
    InvalidToken,
    matches_any,
    read_address_token,
    read_user_token,
    verify_password_or_dummy,
)
from tempmail.services import Services
from tempmail.store import addresses, mails, users
from tempmail.web import throttle
from tempmail.web.inputs import path_id


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


async def require_own_mail(request: Request, services: Services) -> Row:
    """The `{mail_id}` of the path, only when it is the calling address's (404 otherwise, as if absent)."""
    address = await require_address(request, services)
    row = await mails.get_for_address(services.db, address["id"], path_id(request, "mail_id"))
    if row is None:
        raise not_found("no such mail in this mailbox")
    return row


async def password_login(request: Request, services: Services, row: Row | None, password: str) -> Row:
    """The account `row` when `password` is its password; else a counted failure and 401.

    The answer and the PBKDF2 work are the same whether or not the account exists, so a
    login attempt does not tell which addresses or users there are.
    """
    stored = row["password_hash"] if row else None
    iterations = services.settings.password_hash_iterations
    if not verify_password_or_dummy(password, stored, iterations) or row is None:
        await throttle.record_failure(services, request, "login")
        raise unauthorized("wrong account or password")
    return row


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
