"""src/entry.py, the Worker's entrypoint, run under a fake of the SDK modules it imports."""

import importlib.util
import subprocess
import sys
import textwrap
import types

import httpx
import pytest

from tests.conftest import ROOT, SCHEMA, TEST_ENV
from tests.test_adapters_workers import InjectEnv
from tests.workers_fakes import FakeD1, FakeEmailMessage, FakeEnv, FakeR2

FAKE_SDK = textwrap.dedent(
    """
    import sys, types

    workers = types.ModuleType("workers")

    class WorkerEntrypoint:
        def __init__(self, ctx, env):
            self.ctx, self.env = ctx, env

    workers.WorkerEntrypoint = WorkerEntrypoint
    asgi = types.ModuleType("asgi")
    sys.modules["workers"], sys.modules["asgi"] = workers, asgi
    """
)


class FakeRequest:
    """The SDK's Request: the JS request is on `.js_object`."""

    def __init__(self, method, url, headers=None, body=b""):
        self.js_object = types.SimpleNamespace(method=method, url=url, headers=headers or {}, body=body)


@pytest.fixture
def entry(monkeypatch):
    namespace: dict = {}
    exec(FAKE_SDK, namespace)  # installs fake `workers` and `asgi` modules

    async def asgi_fetch(app, js_request, env, ctx=None):
        # As the SDK's bridge does: run the ASGI app with `env` in the scope.
        transport = httpx.ASGITransport(app=InjectEnv(app, env))
        async with httpx.AsyncClient(transport=transport, base_url="https://worker.example") as http:
            return await http.request(
                js_request.method, js_request.url, headers=js_request.headers, content=js_request.body
            )

    sys.modules["asgi"].fetch = asgi_fetch
    monkeypatch.syspath_prepend(str(ROOT / "src"))
    spec = importlib.util.spec_from_file_location("worker_entry", ROOT / "src" / "entry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    for name in ("workers", "asgi"):
        sys.modules.pop(name, None)


@pytest.fixture
def env():
    d1 = FakeD1()
    d1.exec_script(SCHEMA)
    return FakeEnv(DB=d1, BLOBS=FakeR2(), **TEST_ENV)


async def test_fetch_email_and_scheduled_reach_the_core(entry, env):
    worker = entry.Default(ctx=object(), env=env)
    health = await worker.fetch(FakeRequest("GET", "https://worker.example/health_check"))
    assert health.text == "OK"
    created = await worker.fetch(
        FakeRequest("POST", "https://worker.example/api/new_address", body=b'{"name": "entry"}')
    )
    token = created.json()["jwt"]
    await worker.email(FakeEmailMessage("a@b.c", "entry@example.com", b"Subject: via entry\r\n\r\nhello"))
    listing = await worker.fetch(
        FakeRequest(
            "GET", "https://worker.example/api/parsed_mails", headers={"Authorization": f"Bearer {token}"}
        )
    )
    assert listing.json()["results"][0]["subject"] == "via entry"
    env.MAIL_RETENTION_DAYS = "1"
    await worker.scheduled(object())  # the mail is minutes old: retention keeps it
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mails").first())["n"] == 1
    await env.DB.prepare("UPDATE mails SET created_at = '2000-01-01 00:00:00'").run()
    await worker.scheduled(object())
    assert (await env.DB.prepare("SELECT COUNT(*) AS n FROM mails").first())["n"] == 0
    assert env.BLOBS.objects == {}


async def test_local_email_route_is_not_served_by_the_worker(entry, env):
    worker = entry.Default(ctx=object(), env=env)
    response = await worker.fetch(
        FakeRequest(
            "POST", "https://worker.example/cdn-cgi/handler/email?from=a@b.c&to=x@example.com", body=b"x"
        )
    )
    assert response.status_code == 404


def test_worker_imports_no_local_only_package():
    probe = FAKE_SDK + textwrap.dedent(
        f"""
        sys.path.insert(0, {str(ROOT / "src")!r})
        import entry
        local_only = {{"uvicorn", "aiosmtpd", "tempmail.local", "httpx"}}
        print(sorted(local_only & set(sys.modules)))
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
