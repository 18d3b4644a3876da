"""Public configuration for clients and front ends; never gated, never secret."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail import __version__
from tempmail.web.context import services


async def open_settings(request: Request) -> JSONResponse:
    """`GET /open_api/settings`: domains, address rules, which features are on, version."""
    s = services(request).settings
    return JSONResponse(
        {
            "prefix": s.prefix,
            "minAddressLen": s.min_address_len,
            "maxAddressLen": s.max_address_len,
            "domains": list(s.domains),
            "defaultDomains": list(s.default_domains),
            "needAuth": bool(s.passwords),
            "enableUserCreateEmail": s.enable_user_create_email,
            "disableAnonymousUserCreateEmail": s.disable_anonymous_user_create_email,
            "enableUserDeleteEmail": s.enable_user_delete_email,
            "enableAddressPassword": s.enable_address_password,
            "enableUserRegister": s.enable_user_register,
            "cfTurnstileSiteKey": s.cf_turnstile_site_key,
            "maxMessageSize": s.max_message_size,
            "version": __version__,
        }
    )


ROUTES = [Route("/open_api/settings", open_settings, methods=["GET"])]
