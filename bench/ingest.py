"""Ingest throughput through the real pipeline (parse + store) on the local adapters.

Every fixture message is delivered with `inbound.deliver` into a fresh SQLite file and blob
folder, as the SMTP intake does; prints messages/s, MB/s and per-message p50/p99.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tempmail import inbound  # noqa: E402
from tempmail.adapters.folder import FolderBlobStore  # noqa: E402
from tempmail.adapters.sqlite import SqliteDatabase  # noqa: E402
from tempmail.services import Services  # noqa: E402
from tempmail.settings import Settings  # noqa: E402
from tempmail.store import addresses  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ENV = {"DOMAINS": "example.com", "JWT_SECRET": "bench-secret-" + "x" * 32}


def corpus() -> list[bytes]:
    paths = sorted((FIXTURES / "corpus").glob("*.txt")) + sorted((FIXTURES / "own").glob("*.eml"))
    return [path.read_bytes() for path in paths]


async def run(rounds: int) -> None:
    messages = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        db = SqliteDatabase(Path(tmp) / "bench.sqlite3")
        db.execute_script((ROOT / "schema.sql").read_text())
        services = Services(Settings.from_env(ENV), db, FolderBlobStore(Path(tmp) / "blobs"))
        await addresses.create(db, "box@example.com", None)
        timings: list[float] = []
        total_bytes = 0
        started = time.perf_counter()
        for _ in range(rounds):
            for raw in messages:
                t0 = time.perf_counter()
                await inbound.deliver(services, raw, "bench@example.net", "box@example.com")
                timings.append(time.perf_counter() - t0)
                total_bytes += len(raw)
        elapsed = time.perf_counter() - started
        db.close()
    small = [t for raw, t in zip(messages * rounds, timings, strict=True) if len(raw) < 2048]
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    megabytes = total_bytes / 1e6
    print(f"ingest: {len(timings)} messages ({len(messages)} fixtures x {rounds}), {megabytes:.2f} MB")
    print(f"  throughput  {len(timings) / elapsed:8.1f} msg/s  {total_bytes / 1e6 / elapsed:6.2f} MB/s")
    print(f"  per message p50 {statistics.median(timings) * 1000:.2f} ms  p99 {p99 * 1000:.2f} ms")
    print(f"  one small message (<2 KB), median {statistics.median(small) * 1000:.2f} ms")


if __name__ == "__main__":
    asyncio.run(run(rounds=int(sys.argv[1]) if len(sys.argv) > 1 else 20))
