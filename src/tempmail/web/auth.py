"""Who is calling: address tokens checked against the signature and the live address row."""

from __future__ import annotations

from starlette.requests import Request

from tempmail.errors import unauthorized
from tempmail.ports import Row
from tempmail.security import InvalidToken, matches_any, read_address_token
from tempmail.services import Services
from tempmail.store import addresses


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


def require_admin(request: Request, services: Services) -> None:
    """401 unless `x-admin-auth` is one of ADMIN_PASSWORDS (compared in constant time)."""
    if not matches_any(request.headers.get("x-admin-auth"), services.settings.admin_passwords):
        raise unauthorized("admin credentials required: x-admin-auth")
