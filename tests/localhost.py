"""Starting the real local host process on free ports, for the end-to-end tests."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalHost:
    """A running `python -m tempmail.local` and how to reach it."""

    def __init__(
        self, process: subprocess.Popen, http_port: int, smtp_port: int, submission_port: int, data_dir: Path
    ) -> None:
        self.process, self.http_port, self.smtp_port, self.data_dir = process, http_port, smtp_port, data_dir
        self.submission_port = submission_port
        self.base_url = f"http://127.0.0.1:{http_port}"

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10)


def spawn(
    args: list[str], env: dict[str, str], cwd: Path, ready: Callable[[], bool], what: str
) -> subprocess.Popen:
    """Start a process and wait until `ready()` holds; fail the test with its output if it never does."""
    process = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if ready():
                return process
        except (OSError, httpx.TransportError):  # not listening yet
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{what} did not start:\n{process.stdout.read()}")
        time.sleep(0.1)


def accepts_connections(port: int) -> bool:
    """True once something listens on 127.0.0.1:`port`."""
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    return True


@contextmanager
def running_host(workdir: Path, extra_env: dict[str, str]) -> Iterator[LocalHost]:
    """Start the local host with `extra_env` over a minimal configuration; stop it afterwards."""
    http_port, smtp_port, submission_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "HTTP_PORT": str(http_port),
        "SMTP_PORT": str(smtp_port),
        "SUBMISSION_PORT": str(submission_port),
        "DATA_DIR": str(workdir / "data"),
        "DOMAINS": "example.com,example.org",
        "PASSWORD_HASH_ITERATIONS": "1000",
        **extra_env,
    }
    # No .dev.vars in `workdir`: only the environment configures it.
    process = spawn(
        [sys.executable, "-m", "tempmail.local"],
        env,
        workdir,
        lambda: httpx.get(f"http://127.0.0.1:{http_port}/health_check", timeout=1).text == "OK",
        "local host",
    )
    try:
        yield LocalHost(process, http_port, smtp_port, submission_port, workdir / "data")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
