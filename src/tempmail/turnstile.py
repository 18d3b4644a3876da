"""Cloudflare Turnstile: checking the `cf_token` a browser got from the widget."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tempmail.errors import ApiError, bad_request
from tempmail.services import Services

VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"


async def check(services: Services, token: str | None, client_ip: str) -> None:
    """Nothing when Turnstile is off or the token is valid; 400 for a bad token, 502 if unreachable."""
    secret = services.settings.cf_turnstile_secret_key
    if not secret:
        return
    if not token:
        raise bad_request("'cf_token' (the Turnstile response) is required", "captcha_required")
    if services.http is None:
        raise ApiError(500, "misconfigured", "Turnstile is enabled but no HTTP client is available")
    form = urlencode({"secret": secret, "response": token, "remoteip": client_ip}).encode()
    try:
        answer = await services.http.request(
            "POST", VERIFY_URL, headers={"content-type": "application/x-www-form-urlencoded"}, body=form
        )
        verdict = json.loads(answer.body) if answer.status == 200 else None
    except (OSError, ValueError) as exc:
        raise ApiError(502, "captcha_unavailable", "could not reach Turnstile to check cf_token") from exc
    if not isinstance(verdict, dict):
        raise ApiError(502, "captcha_unavailable", "Turnstile gave no usable answer")
    if verdict.get("success") is not True:
        raise bad_request("the Turnstile check failed", "captcha_failed")
