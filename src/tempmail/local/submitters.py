"""Where the SMTP sending proxy hands a message: the local send path, or a Worker's HTTP API.

Both report a refusal as `Refused` carrying the SMTP reply, mapped from the API's status
and error code, so a client sees the same answer whichever way the proxy runs.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import jwt

from tempmail.errors import ApiError
from tempmail.ports import HttpClient
from tempmail.security import InvalidToken, read_address_token
from tempmail.sending import request as send_request
from tempmail.sending import service
from tempmail.services import Services
from tempmail.web.auth import address_from_token

SEND_PATH = "/external/api/send_mail"


class Refused(Exception):
    """The send was refused; `reply` is the SMTP answer (code, enhanced code, text)."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def smtp_reply(status: int, code: str, message: str) -> str:
    """The SMTP answer for an API error: 5xx when resending cannot help, 4xx when it may."""
    text = " ".join(message.split())[:300] or code
    if status == 401:
        return f"535 5.7.8 {text}"
    if status == 403:
        return f"550 5.7.1 {text}"
    if status == 413:
        return f"552 5.3.4 {text}"
    if status == 400:
        return f"553 5.1.3 {text}" if code == "invalid_recipient" else f"554 5.6.0 {text}"
    if status == 502:
        return f"554 5.0.0 {text}"
    if status == 429:
        return f"451 4.7.1 {text}"
    return f"451 4.3.0 {text}"


class Submitter(Protocol):
    """Checks a login token and sends as its address."""

    def token_address(self, token: str) -> str | None:
        """The address a token names (None for a bad token); cheap, no I/O."""
        ...

    async def check(self, token: str) -> None:
        """Refused when the token's address cannot send at all (gone, revoked)."""
        ...

    async def submit(self, token: str, body: dict[str, Any]) -> None:
        """Send one request body as the token's address, or raise Refused."""
        ...


class LocalSubmitter:
    """The local host: the same send path as `POST /external/api/send_mail`, in process."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def token_address(self, token: str) -> str | None:
        try:
            return read_address_token(self.services.settings.jwt_secret, token).address
        except InvalidToken:
            return None

    async def check(self, token: str) -> None:
        try:
            await address_from_token(self.services, token)
        except ApiError as exc:
            raise Refused(smtp_reply(exc.status, exc.code, exc.message)) from exc

    async def submit(self, token: str, body: dict[str, Any]) -> None:
        try:
            address = await address_from_token(self.services, token)
            await service.send(self.services, address, send_request.parse(body))
        except ApiError as exc:
            raise Refused(smtp_reply(exc.status, exc.code, exc.message)) from exc


class HttpSubmitter:
    """A companion process: every message becomes `POST <api_url>/external/api/send_mail`.

    It has no JWT secret, so it reads a token's address only to route the login; the
    Worker verifies the token when the message is sent.
    """

    def __init__(self, http: HttpClient, api_url: str, site_password: str = "") -> None:
        self.http = http
        self.url = api_url.rstrip("/") + SEND_PATH
        self.site_password = site_password

    def token_address(self, token: str) -> str | None:
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        address = claims.get("address")
        return address if isinstance(address, str) and "@" in address else None

    async def check(self, token: str) -> None:
        return None  # the Worker checks the token with the message

    async def submit(self, token: str, body: dict[str, Any]) -> None:
        headers = {"content-type": "application/json"}
        if self.site_password:
            headers["x-custom-auth"] = self.site_password
        payload = json.dumps({**body, "token": token}).encode()
        try:
            answer = await self.http.request("POST", self.url, headers=headers, body=payload)
        except OSError as exc:
            raise Refused(f"451 4.4.1 the send API at {self.url} is unreachable") from exc
        if answer.status == 200:
            return
        try:
            error = json.loads(answer.body)["error"]
            code, message = str(error["code"]), str(error["message"])
        except (ValueError, KeyError, TypeError):
            code, message = "http_error", f"the send API answered {answer.status}"
        raise Refused(smtp_reply(answer.status, code, message))
