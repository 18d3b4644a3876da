"""Shared fixtures: a real SQLite database and blob folder with the real schema applied."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tempmail.adapters.folder import FolderBlobStore
from tempmail.adapters.sqlite import SqliteDatabase
from tempmail.services import Services
from tempmail.settings import Settings
from tempmail.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA = (ROOT / "schema.sql").read_text(encoding="utf-8")

TEST_ENV = {
    "DOMAINS": '["example.com", "example.org"]',
    "JWT_SECRET": "test-secret-that-is-long-enough-for-hs256",
    "ADMIN_PASSWORDS": '["admin-pass"]',
    "PASSWORD_HASH_ITERATIONS": "1000",  # the minimum: fast tests; production default is higher
}


def fixture_files() -> list[Path]:
    """Every .eml fixture: the shared corpus copy and our own."""
    return sorted((FIXTURES / "corpus").glob("*.txt")) + sorted((FIXTURES / "own").glob("*.eml"))


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env(TEST_ENV)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[SqliteDatabase]:
    db = SqliteDatabase(tmp_path / "test.sqlite3")
    db.execute_script(SCHEMA)
    yield db
    db.close()


@pytest.fixture
def services(settings: Settings, database: SqliteDatabase, tmp_path: Path) -> Services:
    return Services(settings=settings, db=database, blobs=FolderBlobStore(tmp_path / "blobs"))


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (the e2e tests use the real server)."""
    app = create_app(lambda _scope: services, local_routes=True)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def make_client(services: Services):
    """Build in-process clients over the same storage with some settings changed."""

    def make(http=None, client_ip_header=None, **overrides) -> httpx.AsyncClient:
        changed = replace(services, settings=replace(services.settings, **overrides), http=http)
        app = create_app(lambda _scope: changed, local_routes=True, client_ip_header=client_ip_header)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    return make


ADMIN = {"x-admin-auth": "admin-pass"}


async def push(client: httpx.AsyncClient, raw: bytes, to: str, sender: str = "sender@example.org") -> int:
    """Deliver a raw message through the local email route; return the mail id."""
    response = await client.post("/cdn-cgi/handler/email", params={"from": sender, "to": to}, content=raw)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def message(subject: str) -> bytes:
    """A small valid message."""
    return f"From: Sender <sender@example.org>\r\nSubject: {subject}\r\n\r\nbody of {subject}\r\n".encode()


async def new_address(client: httpx.AsyncClient, name: str | None = None) -> dict:
    """Create an address over the API and return its JSON answer."""
    body = {} if name is None else {"name": name}
    response = await client.post("/api/new_address", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
