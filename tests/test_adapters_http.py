"""The outbound HTTP port: urllib against a real local server, the Worker's fetch through a fake SDK."""

import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tempmail.adapters.urllib_http import UrllibHttp
from tempmail.adapters.workers import WorkersHttp


class Echo(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        status = 418 if self.path == "/teapot" else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(self.headers["x-test"].encode() + b":" + body)

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


async def test_urllib_http_round_trip_and_error_statuses(server):
    client = UrllibHttp()
    ok = await client.request("POST", f"{server}/x", headers={"x-test": "h"}, body=b"payload")
    assert (ok.status, ok.body) == (200, b"h:payload")
    teapot = await client.request("POST", f"{server}/teapot", headers={"x-test": "t"}, body=b"")
    assert teapot.status == 418


async def test_urllib_http_transport_failure_is_oserror():
    with pytest.raises(OSError):
        await UrllibHttp().request("POST", "http://127.0.0.1:9/", headers={}, body=b"")
    with pytest.raises(ValueError, match="http"):
        await UrllibHttp().request("GET", "file:///etc/passwd", headers={})


class FakeFetchResponse:
    def __init__(self, status, body):
        self.status, self._body = status, body

    async def bytes(self):
        return self._body


async def test_workers_http_uses_the_sdk_fetch(monkeypatch):
    calls = []

    async def fetch(url, **options):
        calls.append((url, options))
        if "down" in url:
            raise RuntimeError("TypeError: Network connection lost.")  # what a JsException carries
        return FakeFetchResponse(201, b"created")

    monkeypatch.setitem(sys.modules, "workers", types.SimpleNamespace(fetch=fetch))
    answer = await WorkersHttp().request("POST", "https://api.example/x", headers={"a": "b"}, body=b"{}")
    assert (answer.status, answer.body) == (201, b"created")
    assert calls == [("https://api.example/x", {"method": "POST", "headers": {"a": "b"}, "body": b"{}"})]
    with pytest.raises(OSError, match="Network connection lost"):
        await WorkersHttp().request("GET", "https://down.example/", headers={})
