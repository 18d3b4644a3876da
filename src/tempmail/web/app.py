"""The Starlette application: routes, the error-to-JSON mapping, and how handlers reach storage.

The app does not know which platform it runs on. Whoever builds it passes `resolve`, a
function from the ASGI scope to :class:`Services`: the local host returns its fixed
services, the Worker builds them from the `env` the SDK puts into the scope.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tempmail.errors import ApiError, error_body
from tempmail.settings import ConfigError
from tempmail.web import (
    addresses,
    admin,
    admin_sending,
    donemail,
    downloads,
    inbound_rules,
    mails,
    mailtd,
    open_api,
    sending,
    share,
    system,
    users,
)
from tempmail.web.context import Resolver
from tempmail.web.site_gate import SiteGate

log = logging.getLogger(__name__)


def _json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


async def _on_api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _json_error(exc.status, exc.code, exc.message, exc.headers)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def _on_http_exception(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return _json_error(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _on_config_error(_request: Request, exc: Exception) -> Response:
    log.error("configuration error: %s", exc)
    return _json_error(500, "misconfigured", f"server configuration error: {exc}")


async def _on_unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return _json_error(500, "internal_error", "internal server error")


def create_app(
    resolve: Resolver, *, local_routes: bool = False, client_ip_header: str | None = None
) -> Starlette:
    """Build the app.

    `local_routes` adds wrangler-dev style helpers that only the local host serves.
    `client_ip_header` names the header the platform sets to the client's IP (Cloudflare's
    `cf-connecting-ip`); without it the socket peer is the client.
    """
    routes: list[Route] = [
        *system.ROUTES,
        *open_api.ROUTES,
        *addresses.ROUTES,
        *mails.ROUTES,
        *donemail.ROUTES,
        *share.ROUTES,
        *mailtd.ROUTES,
        *users.ROUTES,
        *admin.ROUTES,
        *downloads.ROUTES,
        *inbound_rules.ROUTES,
        *sending.ROUTES,
        *admin_sending.ROUTES,
    ]
    if local_routes:
        routes += system.LOCAL_ROUTES
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SiteGate)],
        exception_handlers={
            ApiError: _on_api_error,
            HTTPException: _on_http_exception,
            ConfigError: _on_config_error,
            Exception: _on_unexpected,
        },
    )
    app.state.resolve = resolve
    app.state.client_ip_header = client_ip_header
    return app
