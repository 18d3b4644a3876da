"""The one JSON error shape of the project, and the exception that carries it.

Every error the service itself answers looks like
``{"ok": false, "error": {"code": "<machine code>", "message": "<human text>"}}``
with the HTTP status carried by :class:`ApiError`. DoneMail's clients read exactly this
shape; cloudflare_temp_email's clients only look at the status.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error with an HTTP status that the web layer turns into the JSON error body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body for an error: the single place its shape is defined."""
    return {"ok": False, "error": {"code": code, "message": message}}


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    """400 for input that is malformed or out of range."""
    return ApiError(400, code, message)


def unauthorized(message: str = "missing or invalid credentials") -> ApiError:
    """401 for a missing, malformed, forged or revoked credential."""
    return ApiError(401, "unauthorized", message)


def not_found(message: str = "not found") -> ApiError:
    """404 for anything that does not exist or is not the caller's to see."""
    return ApiError(404, "not_found", message)


def disabled(what: str) -> ApiError:
    """403 for a feature switched off by configuration."""
    return ApiError(403, "disabled", f"{what} is disabled on this service")
