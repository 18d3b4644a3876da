"""How a handler reaches the services of its request, whatever the platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from tempmail.services import Services

# From the ASGI scope to the services: fixed locally, built from `scope["env"]` on Workers.
Resolver = Callable[[dict[str, Any]], Services]


_KEY = "tempmail.services"


def scope_services(scope: dict[str, Any]) -> Services:
    """The services for a request's scope, resolved once and kept in the scope.

    On Workers resolving parses every setting from `env`; the site gate and the handler
    share the scope, so they share one resolution.
    """
    found = scope.get(_KEY)
    if found is None:
        found = scope[_KEY] = scope["app"].state.resolve(scope)
    return found


def services(request: Request) -> Services:
    """The services for this request."""
    return scope_services(request.scope)
