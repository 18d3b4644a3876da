"""Faithful fakes of what the Workers Python SDK hands a Worker, for CPython tests.

They mimic the SDK-wrapped bindings (`workers-runtime-sdk`'s `_BindingWrapper`): Python
arguments in, Python results out, `JsDict` (a dict with attribute access) for JS objects,
`None` for null, and byte buffers as proxies with `to_bytes()`. D1 is SQLite underneath, as
the real one is, with D1's documented limits enforced: 100 bound parameters, 100 KB of SQL
and about 2 MB per value, and a batch that is one transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

D1_MAX_PARAMS = 100
D1_MAX_SQL_BYTES = 100_000
D1_MAX_VALUE_BYTES = 2_000_000


class JsDict(dict):
    """What the SDK makes of a plain JS object: a dict that also answers attribute access."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class JsBuffer:
    """A proxy of an ArrayBuffer / Uint8Array: bytes come out through to_bytes()."""

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)

    def to_bytes(self) -> bytes:
        return self._data


class JsArray(list):
    """A JS array var (a TOML array in wrangler.toml) before conversion."""

    def to_py(self) -> list:
        return list(self)


class D1Error(Exception):
    """D1 rejects the statement (its errors surface in Python as exceptions)."""


class FakeD1Statement:
    def __init__(self, db: FakeD1, sql: str, params: tuple = ()) -> None:
        if len(sql.encode()) > D1_MAX_SQL_BYTES:
            raise D1Error("D1_ERROR: statement too long")
        self._db, self.sql, self.params = db, sql, params

    def bind(self, *params: Any) -> FakeD1Statement:
        if len(params) > D1_MAX_PARAMS:
            raise D1Error("D1_ERROR: too many SQL variables")
        for value in params:
            supported = value is None or isinstance(value, (int, float, str, bytes))
            if not supported or isinstance(value, bool):
                raise D1Error(f"D1_TYPE_ERROR: Type '{type(value).__name__}' not supported for value")
            size = (
                len(value.encode())
                if isinstance(value, str)
                else len(value or b"")
                if isinstance(value, bytes)
                else 0
            )
            if size > D1_MAX_VALUE_BYTES:
                raise D1Error("D1_ERROR: string or blob too big: SQLITE_TOOBIG")
        return FakeD1Statement(self._db, self.sql, params)

    def _execute(self) -> JsDict:
        try:
            cursor = self._db.conn.execute(self.sql, self.params)
        except sqlite3.Error as exc:
            raise D1Error(f"D1_ERROR: {exc}") from exc
        columns = [c[0] for c in cursor.description or ()]
        rows = [JsDict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        meta = JsDict(
            changes=cursor.rowcount if cursor.rowcount > 0 else 0,
            last_row_id=cursor.lastrowid,
            rows_read=len(rows),
        )
        return JsDict(results=rows, success=True, meta=meta)

    async def all(self) -> JsDict:
        return self._execute()

    async def run(self) -> JsDict:
        return self._execute()

    async def first(self) -> JsDict | None:
        rows = self._execute()["results"]
        return rows[0] if rows else None


class FakeD1:
    """A D1Database binding as the SDK presents it."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")  # D1 enforces foreign keys
        self.fail_batches = False

    def exec_script(self, script: str) -> None:
        """What `wrangler d1 execute --file schema.sql` does."""
        self.conn.executescript(script)

    def prepare(self, sql: str) -> FakeD1Statement:
        return FakeD1Statement(self, sql)

    async def batch(self, statements: list[FakeD1Statement]) -> list[JsDict]:
        self.conn.execute("BEGIN")
        try:
            results = []
            for statement in statements:
                results.append(statement._execute())
                if self.fail_batches:  # fail mid-batch, after a statement has applied
                    raise D1Error("D1_ERROR: Network connection lost.")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return results


class FakeR2Object:
    """R2ObjectBody: metadata plus the body, read here with arrayBuffer()."""

    def __init__(self, key: str, data: bytes, http_metadata: dict) -> None:
        self.key, self.size, self.httpMetadata = key, len(data), JsDict(http_metadata)
        self._data = data

    async def arrayBuffer(self) -> JsBuffer:
        return JsBuffer(self._data)


class FakeR2:
    """An R2Bucket binding as the SDK presents it."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, dict]] = {}
        self.fail_puts = False

    async def put(self, key: str, value: bytes, options: dict | None = None) -> JsDict:
        if self.fail_puts:
            raise OSError("R2 put failed: We encountered an internal error. Please try again.")
        if not isinstance(value, bytes):
            raise TypeError("R2 put: the value must arrive as bytes (a Uint8Array)")
        metadata = dict((options or {}).get("httpMetadata") or {})
        self.objects[key] = (value, metadata)
        return JsDict(key=key, size=len(value))

    async def get(self, key: str, options: dict | None = None) -> FakeR2Object | None:
        if key not in self.objects:
            return None
        data, metadata = self.objects[key]
        wanted = (options or {}).get("range")
        if wanted is not None:  # R2Range {offset, length}: the body is that slice
            offset = wanted.get("offset", 0)
            length = wanted.get("length", len(data) - offset)
            if offset < 0 or length < 0 or offset > len(data):
                raise ValueError("R2 get: range not satisfiable")
            return FakeR2Object(key, data[offset : offset + length], metadata)
        return FakeR2Object(key, data, metadata)

    async def head(self, key: str) -> JsDict | None:
        if key not in self.objects:
            return None
        data, metadata = self.objects[key]
        return JsDict(key=key, size=len(data), httpMetadata=JsDict(metadata))

    async def delete(self, keys: str | list[str]) -> None:
        keys = [keys] if isinstance(keys, str) else keys
        if len(keys) > 1000:
            raise ValueError("R2 delete: at most 1000 keys per call")
        for key in keys:
            self.objects.pop(key, None)


class FakeReader:
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = list(chunks)
        self.reads = 0

    async def read(self) -> JsDict:
        self.reads += 1
        if not self._chunks:
            return JsDict(done=True, value=None)
        return JsDict(done=False, value=JsBuffer(self._chunks.pop(0)))


class FakeStream:
    """A ReadableStream of Uint8Array chunks."""

    def __init__(self, data: bytes, chunk_size: int = 4096) -> None:
        self.reader = FakeReader([data[i : i + chunk_size] for i in range(0, len(data), chunk_size)])

    def getReader(self) -> FakeReader:
        return self.reader


class FakeEmailMessage:
    """ForwardableEmailMessage: envelope, size, raw stream, setReject(), forward() and reply().

    As documented: `forward(rcptTo, headers?)` and `reply(EmailMessage)` return Promises
    (coroutines here) that reject when Email Routing refuses, e.g. an unverified destination;
    a message can be replied to once per event.
    """

    def __init__(self, mail_from: str, to: str, raw: bytes, raw_size: int | None = None) -> None:
        setattr(self, "from", mail_from)  # a Python keyword, read with getattr on the JS proxy too
        self.to = to
        self.rawSize = len(raw) if raw_size is None else raw_size
        self.raw = FakeStream(raw)
        self.rejected: str | None = None
        self.forwarded: list[str] = []
        self.replies: list[object] = []
        self.verified_destinations: set[str] | None = None  # None: every destination is verified

    def setReject(self, reason: str) -> None:
        self.rejected = reason

    async def forward(self, rcpt_to: str, headers: object = None) -> None:
        if self.verified_destinations is not None and rcpt_to not in self.verified_destinations:
            raise RuntimeError("destination address not verified")
        self.forwarded.append(rcpt_to)

    async def reply(self, message: object) -> None:
        if self.replies:
            raise RuntimeError("original email can only be replied to once")
        self.replies.append(message)


class FakeOutgoingEmail:
    """What `new EmailMessage(from, to, raw)` from `cloudflare:email` holds."""

    def __init__(self, sender: str, recipient: str, raw: bytes) -> None:
        self.sender, self.recipient, self.raw = sender, recipient, raw


async def make_fake_email(sender: str, recipient: str, raw: bytes) -> FakeOutgoingEmail:
    """The constructor the Worker entry passes to handle_email, as a fake."""
    return FakeOutgoingEmail(sender, recipient, raw)


class FakeEnv:
    """The Worker's env: bindings and vars as attributes; a missing one raises AttributeError."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class JsError(Exception):
    """A JS Error thrown by a binding, as it surfaces in Python (a JsException)."""


class FakeJsEmailMessage:
    """`cloudflare:email`'s EmailMessage; Python constructs JS classes with `.new(...)`."""

    def __init__(self, mail_from: str, to: str, raw: Any) -> None:
        self.from_, self.to, self.raw = mail_from, to, raw

    @classmethod
    def new(cls, mail_from: str, to: str, raw: Any) -> FakeJsEmailMessage:
        if not isinstance(raw, str):  # a string or a ReadableStream; Python bytes are neither
            raise TypeError("EmailMessage: raw must be a string or a ReadableStream")
        return cls(mail_from, to, raw)


class FakeEmailModule:
    """What `import_from_javascript("cloudflare:email")` returns."""

    EmailMessage = FakeJsEmailMessage


class FakeSendEmail:
    """A `send_email` binding: checks what Cloudflare checks of a raw message, records what it took."""

    def __init__(self, allowed_destination_addresses: list[str] | None = None) -> None:
        self.allowed = allowed_destination_addresses
        self.sent: list[FakeJsEmailMessage] = []

    async def send(self, message: Any) -> None:
        from email import message_from_string, policy
        from email.utils import parseaddr

        if not isinstance(message, FakeJsEmailMessage):
            raise JsError("TypeError: send() expects an EmailMessage")
        if self.allowed is not None and message.to not in self.allowed:
            raise JsError(f"Error: email to {message.to} not allowed")
        headers = message_from_string(message.raw, policy=policy.SMTP)
        if not headers.get("Message-ID"):
            raise JsError("Error: invalid message-id")
        if parseaddr(str(headers.get("From", "")))[1] != message.from_:
            raise JsError("Error: From header does not match the envelope sender")
        self.sent.append(message)
