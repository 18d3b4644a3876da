"""The Workers side of the ports: D1, R2, fetch, Email Routing and send_email, through the Python SDK.

The SDK wraps `env.DB` and `env.BLOBS` so that calls take Python values and results come
back as Python dicts/lists (`JsDict`, `None` for null). What is left for this module is
small: shape results into the port's types, and read JS byte buffers and streams. Besides
`src/entry.py` this is the only module that deals with JS objects; it needs no `js` import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tempmail.inbound import deliver
from tempmail.policy import Rejected, admit
from tempmail.ports import DeliveryError, HttpResponse, Row, RunResult, Statement
from tempmail.services import Services
from tempmail.settings import SETTINGS, Settings


def to_bytes(value: Any) -> bytes:
    """Bytes from a JS ArrayBuffer/Uint8Array proxy or a Python buffer."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if hasattr(value, "to_bytes"):
        return value.to_bytes()
    raise TypeError(f"not a byte buffer: {type(value).__name__}")


def to_python(value: Any) -> Any:
    """A Worker var as a Python value (TOML arrays arrive as JS arrays)."""
    return value.to_py() if hasattr(value, "to_py") else value


def _run_result(result: Any) -> RunResult:
    meta = result["meta"] or {}
    return RunResult(changes=int(meta.get("changes") or 0), last_row_id=meta.get("last_row_id"))


class D1Database:
    """The database port over a D1 binding."""

    def __init__(self, binding: Any) -> None:
        self._d1 = binding

    def _prepare(self, sql: str, params: Sequence[Any]) -> Any:
        statement = self._d1.prepare(sql)
        return statement.bind(*params) if params else statement

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        result = await self._prepare(sql, params).all()
        return [dict(row) for row in result["results"] or []]

    async def first(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = await self._prepare(sql, params).first()
        return None if row is None else dict(row)

    async def run(self, sql: str, params: Sequence[Any] = ()) -> RunResult:
        return _run_result(await self._prepare(sql, params).run())

    async def batch(self, statements: Sequence[Statement]) -> list[RunResult]:
        # D1 runs a batch as one transaction: a failing statement rolls back the whole batch.
        results = await self._d1.batch([self._prepare(s.sql, s.params) for s in statements])
        return [_run_result(result) for result in results]


class R2BlobStore:
    """The blob port over an R2 bucket binding."""

    def __init__(self, binding: Any) -> None:
        self._r2 = binding

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._r2.put(key, data, {"httpMetadata": {"contentType": content_type}})

    async def get(self, key: str) -> bytes | None:
        found = await self._r2.get(key)
        if found is None:
            return None
        return to_bytes(await found.arrayBuffer())

    async def get_range(self, key: str, offset: int, length: int) -> bytes | None:
        found = await self._r2.get(key, {"range": {"offset": offset, "length": length}})
        if found is None:
            return None
        return to_bytes(await found.arrayBuffer())

    async def size(self, key: str) -> int | None:
        found = await self._r2.head(key)
        return None if found is None else int(found.size)

    async def delete(self, keys: Sequence[str]) -> None:
        # R2 deletes up to 1000 keys per call.
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            await self._r2.delete(keys[start : start + 1000])


class WorkersHttp:
    """The outbound HTTP port over the Worker's fetch()."""

    async def request(
        self, method: str, url: str, *, headers: dict[str, str], body: bytes | None = None
    ) -> HttpResponse:
        from workers import fetch  # imported here: the module exists only in the Workers runtime

        try:
            response = await fetch(url, method=method, headers=headers, body=body)
        except Exception as exc:  # a JS network error arrives as a JsException
            raise OSError(f"fetch {url} failed: {exc}") from exc
        return HttpResponse(status=int(response.status), body=await response.bytes())


class SendEmailBinding:
    """The email port over a `send_email` binding (`[[send_email]] name = "SEND_MAIL"`).

    The core builds the MIME message; here it is wrapped in `cloudflare:email`'s
    EmailMessage, as `new EmailMessage(from, to, raw)` does in JavaScript.
    """

    def __init__(self, binding: Any) -> None:
        self._binding = binding

    async def send(self, mail_from: str, rcpt_to: str, raw: bytes) -> None:
        from workers import import_from_javascript  # the module exists only in the Workers runtime

        email = import_from_javascript("cloudflare:email")
        # The message is 7-bit (the composer encodes headers and body), so it is ASCII text.
        message = email.EmailMessage.new(mail_from, rcpt_to, raw.decode("ascii"))
        try:
            await self._binding.send(message)
        except Exception as exc:  # a JS Error: Cloudflare refused (unverified or disallowed address...)
            raise DeliveryError(f"send_email refused the message: {exc}", permanent=True) from exc


def settings_from_env(env: Any) -> Settings:
    """Settings from Worker vars and secrets."""
    values = {s.env: to_python(getattr(env, s.env, None)) for s in SETTINGS}
    return Settings.from_env({k: v for k, v in values.items() if v is not None})


def services_from_env(env: Any) -> Services:
    """The core's services over this Worker's bindings (`DB`, `BLOBS`, optional `SEND_MAIL`) and vars."""
    binding = getattr(env, "SEND_MAIL", None)
    return Services(
        settings=settings_from_env(env),
        db=D1Database(env.DB),
        blobs=R2BlobStore(env.BLOBS),
        http=WorkersHttp(),
        email_binding=None if binding is None else SendEmailBinding(binding),
    )


async def read_stream(stream: Any) -> bytes:
    """All bytes of a JS ReadableStream of Uint8Array chunks (joined once, no growing buffer)."""
    reader = stream.getReader()
    chunks: list[bytes] = []
    while True:
        chunk = await reader.read()
        if chunk.done:
            break
        chunks.append(to_bytes(chunk.value))
    return b"".join(chunks)


class EmailRoutingOutbound:
    """Post-store actions through the incoming message: `forward()` and `reply()`.

    `make_message(from, to, raw)` builds a `cloudflare:email` EmailMessage; `src/entry.py`
    supplies it, because only the entry module reaches JS modules.
    """

    def __init__(self, message: Any, make_message: Any = None) -> None:
        self._message = message
        self._make_message = make_message

    async def forward(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        # Email Routing forwards the message it received; `raw` is what the local relay needs.
        await self._message.forward(rcpt_to)

    async def reply(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        if self._make_message is None:
            raise RuntimeError("replies need an EmailMessage constructor from the Worker entry")
        await self._message.reply(await self._make_message(mail_from, rcpt_to, raw))


async def handle_email(services: Services, message: Any, make_message: Any = None) -> None:
    """Email Routing's email(): store the message, or setReject for a policy refusal.

    Policy is checked from the envelope before the stream is read, so a refused message is
    never read. Storage errors are not caught: the handler fails, Email Routing answers the
    sending server with a temporary error, and the sender retries. Nothing is logged-and-dropped.
    """
    mail_from = str(getattr(message, "from"))  # `from` is a Python keyword; getattr reads the JS field
    rcpt_to = str(message.to)
    try:
        admission = await admit(services, mail_from, rcpt_to, int(message.rawSize or 0))
        raw = await read_stream(message.raw)
        await deliver(
            services, raw, mail_from, rcpt_to, EmailRoutingOutbound(message, make_message), admission
        )
    except Rejected as exc:
        message.setReject(exc.reason)
