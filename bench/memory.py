"""Peak memory while ingesting a generated 25 MiB message (one attachment of ~18 MiB).

Two runs, each in its own fresh process:
- `local`: `inbound.deliver` over SQLite and a blob folder (what the SMTP intake runs);
- `workers`: the Workers adapter's `handle_email` over the SDK fakes, with the message read
  from a stream of 64 KiB chunks copied into Python, as Pyodide copies them out of JS.
Python allocations are traced with tracemalloc; the raw message counts in the peak (it is
held while it is parsed and stored), the fake's unread stream chunks (JS memory in a real
Worker) do not.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.mailgen import MIB, large_message  # noqa: E402

SCHEMA = (ROOT / "schema.sql").read_text()
ENV = {"DOMAINS": "example.com", "JWT_SECRET": "bench-secret-" + "x" * 32}


async def _local(raw: bytes, folder: Path) -> None:
    from tempmail import inbound
    from tempmail.adapters.folder import FolderBlobStore
    from tempmail.adapters.sqlite import SqliteDatabase
    from tempmail.services import Services
    from tempmail.settings import Settings

    db = SqliteDatabase(folder / "db.sqlite3")
    db.execute_script(SCHEMA)
    services = Services(Settings.from_env(ENV), db, FolderBlobStore(folder / "blobs"))
    await inbound.deliver(services, raw, "big@example.net", "box@example.com")
    db.close()


class _CopyingChunk:
    """A Uint8Array proxy: to_bytes() copies out of 'JS' memory into a new Python object."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def to_bytes(self) -> bytes:
        return bytes(memoryview(self._data))


def _workers_message(raw: bytes):
    """The fake Email Routing message whose stream yields copying 64 KiB chunks."""
    from tests.workers_fakes import FakeEmailMessage, FakeReader, JsDict

    message = FakeEmailMessage("big@example.net", "box@example.com", b"")
    message.rawSize = len(raw)
    chunks = [_CopyingChunk(raw[i : i + 65536]) for i in range(0, len(raw), 65536)]

    class Reader(FakeReader):
        async def read(self) -> JsDict:
            if not chunks:
                return JsDict(done=True, value=None)
            return JsDict(done=False, value=chunks.pop(0))

    message.raw.reader = Reader([])
    return message


async def _workers(message) -> None:
    from tests.workers_fakes import FakeD1, FakeEnv, FakeR2

    from tempmail.adapters import workers

    d1 = FakeD1()
    d1.exec_script(SCHEMA)
    env = FakeEnv(DB=d1, BLOBS=FakeR2(), **ENV)
    await workers.handle_email(workers.services_from_env(env), message)
    assert message.rejected is None


def measure(kind: str) -> None:
    """Run one measurement in this process and print one line.

    What exists before tracing starts is not traced: for `local` that is the raw message,
    which the pipeline holds throughout, so its size is added to the peak; for `workers` it
    is the stream's chunks (JS memory on a Worker), and the bytes the adapter reads out of
    them are traced.
    """
    raw, _payload = large_message(25 * MIB)
    size = len(raw)
    held_before = 0
    if kind == "workers":
        message = _workers_message(raw)
        del raw
    else:
        held_before = size
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        tracemalloc.start()
        started = time.perf_counter()
        if kind == "local":
            asyncio.run(_local(raw, Path(tmp)))
        else:
            asyncio.run(_workers(message))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] + held_before
        tracemalloc.stop()
    print(
        f"  {kind:<8} {size / MIB:5.1f} MiB message: peak {peak / MIB:6.1f} MiB "
        f"= {peak / size:4.2f}x its size, {elapsed:.2f} s"
    )


def main() -> None:
    print("peak memory, ingesting a generated 25 MiB message (target: under 3x its size)")
    for kind in ("local", "workers"):
        subprocess.run([sys.executable, __file__, kind], check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure(sys.argv[1])
    else:
        main()
