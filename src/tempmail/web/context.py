"""How a handler reaches the services of its request, whatever the platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from tempmail.services import Services

# From the ASGI scope to the services: fixed locally, built from `scope["env"]` on Workers.
Resolver = Callable[[dict[str, Any]], Services]


def services(request: Request) -> Services:
    """The services for this request."""
    return request.app.state.resolve(request.scope)
