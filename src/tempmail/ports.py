"""The ports the core talks to: a SQL database, a blob store, outbound HTTP and mail delivery.

Workers adapters wrap D1, R2, fetch() and the send_email binding; local adapters wrap
sqlite3, a folder, urllib and smtplib. SQL uses ``?`` placeholders and rows come back as
plain dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from tempmail.settings import SmtpRelay

Row = dict[str, Any]


class Statement(NamedTuple):
    """One SQL statement and its bound parameters."""

    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """What a write reports: rows changed and the last inserted rowid."""

    changes: int
    last_row_id: int | None


class Database(Protocol):
    """Async SQL access in D1's vocabulary."""

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row the query returns."""
        ...

    async def first(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row, or None."""
        ...

    async def run(self, sql: str, params: Sequence[Any] = ()) -> RunResult:
        """Execute one write."""
        ...

    async def batch(self, statements: Sequence[Statement]) -> list[RunResult]:
        """Execute statements in order as one transaction: all apply or none do."""
        ...


class BlobStore(Protocol):
    """Async object storage in R2's vocabulary."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing any object there."""
        ...

    async def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none."""
        ...

    async def get_range(self, key: str, offset: int, length: int) -> bytes | None:
        """At most `length` bytes from `offset` (fewer at the end), or None when there is no object."""
        ...

    async def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when there is none."""
        ...

    async def delete(self, keys: Sequence[str]) -> None:
        """Delete the objects; missing keys are not an error."""
        ...


@dataclass(frozen=True)
class HttpResponse:
    """An outbound HTTP answer: status and body bytes."""

    status: int
    body: bytes


class HttpClient(Protocol):
    """Outbound HTTP (Turnstile, mail provider APIs): the Worker's fetch, or urllib locally."""

    async def request(
        self, method: str, url: str, *, headers: dict[str, str], body: bytes | None = None
    ) -> HttpResponse:
        """Send one request; transport failures raise OSError, HTTP errors come back as statuses."""
        ...


class Outbound(Protocol):
    """Where post-store actions send mail: Email Routing's message methods, or an SMTP relay."""

    async def forward(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Forward the received message (`raw`, envelope sender `mail_from`) to `rcpt_to`."""
        ...

    async def reply(self, raw: bytes, mail_from: str, rcpt_to: str) -> None:
        """Send `raw`, a reply composed by us, from `mail_from` to `rcpt_to`."""
        ...


class DeliveryError(Exception):
    """A mail server or binding did not take a message.

    `permanent` is True when it refused this message (retrying will not help) and False when
    it could not be reached or asked to try later.
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmtpSender(Protocol):
    """Hands one message to an SMTP server (the local host's outbound path)."""

    async def send(self, relay: SmtpRelay, mail_from: str, rcpt_to: str, raw: bytes) -> None:
        """Deliver `raw` from `mail_from` to `rcpt_to`; raise DeliveryError when it is not taken."""
        ...


class EmailBinding(Protocol):
    """Cloudflare's send_email binding: a raw MIME message with its envelope."""

    async def send(self, mail_from: str, rcpt_to: str, raw: bytes) -> None:
        """Send `raw`; raise DeliveryError when Cloudflare does not take it."""
        ...
