"""Sends per second the local host sustains through `POST /api/send_mail` to a local SMTP relay.

Starts the real local host process (`python -m tempmail.local`) with SMTP_CONFIG pointing
at an aiosmtpd relay in this process that counts what it receives, creates an address with
enough balance, then posts N sends from C concurrent clients. Every send is the whole path:
auth, checks, balance charge, MIME, an SMTP conversation with the relay, the sent item.
Prints sends/s and per-request p50/p99, and checks the relay got every message.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counting:
    """A relay handler that only counts accepted messages."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def start_host(workdir: Path, relay_port: int, sends: int) -> tuple[subprocess.Popen, str]:
    http_port = free_port()
    env = {
        **os.environ,
        "HTTP_PORT": str(http_port),
        "SMTP_PORT": str(free_port()),
        "SUBMISSION_PORT": str(free_port()),
        "DATA_DIR": str(workdir / "data"),
        "DOMAINS": "example.com",
        "PASSWORD_HASH_ITERATIONS": "1000",
        "DEFAULT_SEND_BALANCE": str(sends + 10),
        "SMTP_CONFIG": json.dumps({"*": {"host": "127.0.0.1", "port": relay_port}}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tempmail.local"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health_check", timeout=1).text == "OK":
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("local host did not start")


async def run(sends: int, concurrency: int) -> None:
    handler = Counting()
    relay_port = free_port()
    relay = Controller(handler, hostname="127.0.0.1", port=relay_port)
    relay.start()
    with tempfile.TemporaryDirectory() as tmp:
        process, base = start_host(Path(tmp), relay_port, sends)
        try:
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                jwt = (await http.post("/api/new_address", json={"name": "bench"})).json()["jwt"]
                headers = {"Authorization": f"Bearer {jwt}"}
                body = {
                    "from_name": "Bench",
                    "to_mail": "sink@example.net",
                    "subject": "Benchmark ü",
                    "content": "hello " * 100,
                }
                await http.post("/api/send_mail", headers=headers, json=body)  # warm up
                queue = iter(range(sends))
                latencies: list[float] = []
                failures = 0

                async def worker() -> None:
                    nonlocal failures
                    for _ in queue:
                        t0 = time.perf_counter()
                        answer = await http.post("/api/send_mail", headers=headers, json=body)
                        latencies.append(time.perf_counter() - t0)
                        failures += answer.status_code != 200

                started = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(concurrency)))
                elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=10)
            relay.stop()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"send: {sends} x POST /api/send_mail, {concurrency} concurrent clients, local host -> SMTP relay")
    print(f"  throughput  {sends / elapsed:8.1f} sends/s  ({elapsed:.2f} s)")
    print(f"  per request p50 {statistics.median(latencies) * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms")
    print(f"  failures {failures}; relay received {handler.count - 1} of {sends}")


if __name__ == "__main__":
    asyncio.run(
        run(
            sends=int(sys.argv[1]) if len(sys.argv) > 1 else 500,
            concurrency=int(sys.argv[2]) if len(sys.argv) > 2 else 8,
        )
    )
