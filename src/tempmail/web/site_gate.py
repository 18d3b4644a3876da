"""The site password gate: with PASSWORDS set, every route but the public ones needs `x-custom-auth`."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tempmail.errors import error_body
from tempmail.security import matches_any
from tempmail.settings import ConfigError
from tempmail.web.context import scope_services

# Public on purpose: health probes, public settings, share links (their token is the
# credential), and the local host's delivery route.
OPEN_PREFIXES = ("/open_api/", "/health_check", "/mail/", "/cdn-cgi/")


class SiteGate:
    """ASGI middleware; reads PASSWORDS per request because settings come from the request's env."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            passwords = scope_services(scope).settings.passwords
        except ConfigError:
            # The route resolves again and the app's handler answers "misconfigured" in the one shape.
            passwords = ()
        if passwords:
            presented = dict(scope["headers"]).get(b"x-custom-auth", b"").decode("latin-1")
            if not matches_any(presented, passwords):
                body = error_body("unauthorized", "this site requires its password in x-custom-auth")
                await JSONResponse(body, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)
