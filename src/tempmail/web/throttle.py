"""Per-client limits: how often an IP may create addresses, and how many bad credentials it may try."""

from __future__ import annotations

import time

from starlette.requests import Request

from tempmail.errors import ApiError
from tempmail.services import Services
from tempmail.store import ratelimits

FAILURE_WINDOW = 15 * 60
CREATE_WINDOW = 60 * 60


def client_ip(request: Request) -> str:
    """The caller's IP: Cloudflare's `cf-connecting-ip` on Workers, the socket peer locally.

    The header is only trusted where the platform sets it (the app is built with its name);
    locally anyone could send it.
    """
    header = request.app.state.client_ip_header
    if header and request.headers.get(header):
        return request.headers[header]
    return request.client.host if request.client else "unknown"


def _window(seconds: int) -> tuple[int, int]:
    now = int(time.time())
    start = now - now % seconds
    return start, start + seconds - now


def _too_many(retry_after: int, what: str) -> ApiError:
    return ApiError(429, "rate_limited", f"too many {what}; retry later", {"Retry-After": str(retry_after)})


async def refuse_if_failing(services: Services, request: Request, action: str) -> None:
    """429 when this IP already had AUTH_FAILURE_LIMIT failures of `action` in the window."""
    start, remaining = _window(FAILURE_WINDOW)
    count = await ratelimits.current(services.db, f"fail:{action}:{client_ip(request)}", start)
    if count >= services.settings.auth_failure_limit:
        raise _too_many(remaining, "failed attempts")


async def record_failure(services: Services, request: Request, action: str) -> None:
    """Count one failed attempt of `action` from this IP."""
    start, _ = _window(FAILURE_WINDOW)
    await ratelimits.hit(services.db, f"fail:{action}:{client_ip(request)}", start)


async def count_creation(services: Services, request: Request) -> None:
    """Count one address creation from this IP; 429 past NEW_ADDRESS_LIMIT_PER_HOUR (0: no limit)."""
    limit = services.settings.new_address_limit_per_hour
    if not limit:
        return
    start, remaining = _window(CREATE_WINDOW)
    if await ratelimits.hit(services.db, f"new_address:{client_ip(request)}", start) > limit:
        raise _too_many(remaining, "new addresses from this client")
