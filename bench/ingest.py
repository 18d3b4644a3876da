"""Ingest throughput through the real pipeline (policy + raw blob + parse + rows), compared
with postal-mime's parse-only throughput on the same files.

Every fixture is delivered with `inbound.deliver` into a SQLite file and a blob folder, as
the SMTP intake does. The folder is put on tmpfs (/dev/shm) when there is one, so the figure
measures the pipeline rather than this machine's file-creation latency; the same run on the
disk is printed too. postal-mime (pinned in bench/postal, installed by `make bench`) parses
the same files in Node.js; the ratio is ours / theirs.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
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
POSTAL = ROOT / "bench" / "postal"
ENV = {"DOMAINS": "example.com", "JWT_SECRET": "bench-secret-" + "x" * 32}


def corpus_files() -> list[Path]:
    """The shared corpus copy plus our own fixtures."""
    return sorted((FIXTURES / "corpus").glob("*.txt")) + sorted((FIXTURES / "own").glob("*.eml"))


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


async def ingest(messages: list[bytes], rounds: int, folder: Path) -> dict:
    """Deliver every message `rounds` times (after one warm-up round); throughput and latencies."""
    db = SqliteDatabase(folder / "bench.sqlite3")
    db.execute_script((ROOT / "schema.sql").read_text())
    services = Services(Settings.from_env(ENV), db, FolderBlobStore(folder / "blobs"))
    await addresses.create(db, "box@example.com", None)
    for raw in messages:
        await inbound.deliver(services, raw, "bench@example.net", "box@example.com")
    timings: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for raw in messages:
            t0 = time.perf_counter()
            await inbound.deliver(services, raw, "bench@example.net", "box@example.com")
            timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    db.close()
    timings.sort()
    total = sum(len(raw) for raw in messages) * rounds
    return {
        "messages": len(timings),
        "msgs_per_s": len(timings) / elapsed,
        "mb_per_s": total / 1e6 / elapsed,
        "p50_ms": statistics.median(timings) * 1000,
        "p99_ms": _percentile(timings, 0.99) * 1000,
    }


def postal_mime(files: list[Path], rounds: int) -> dict | None:
    """postal-mime's parse-only figures from Node.js, or None when it is not installed."""
    if not (POSTAL / "node_modules" / "postal-mime").is_dir():
        return None
    out = subprocess.run(
        ["node", str(POSTAL / "parse.mjs"), str(rounds), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _line(name: str, figures: dict) -> str:
    return (
        f"  {name:<34} {figures['msgs_per_s']:8.0f} msg/s {figures['mb_per_s']:7.2f} MB/s"
        f"   p50 {figures['p50_ms']:6.3f} ms  p99 {figures['p99_ms']:6.3f} ms"
    )


def main(rounds: int) -> None:
    files = corpus_files()
    messages = [path.read_bytes() for path in files]
    size = sum(map(len, messages))
    print(f"corpus: {len(files)} files, {size / 1e6:.2f} MB; {rounds} rounds after one warm-up round")
    shm = Path("/dev/shm")
    results = {}
    if shm.is_dir():
        with tempfile.TemporaryDirectory(dir=shm) as tmp:
            results["tmpfs"] = asyncio.run(ingest(messages, rounds, Path(tmp)))
        print(_line("ingest, blobs+SQLite on tmpfs", results["tmpfs"]))
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        results["disk"] = asyncio.run(ingest(messages, rounds, Path(tmp)))
    print(_line("ingest, blobs+SQLite on disk", results["disk"]))
    theirs = postal_mime(files, rounds)
    if theirs is None:
        print("  postal-mime not installed (run `make bench`, which runs npm ci in bench/postal)")
        return
    print(_line("postal-mime 2.7.6, parse only", theirs))
    ours = results.get("tmpfs", results["disk"])
    print(
        f"  ratio ours/postal-mime: {ours['msgs_per_s'] / theirs['msgs_per_s']:.2f}x msg/s, "
        f"{ours['mb_per_s'] / theirs['mb_per_s']:.2f}x MB/s"
        f" (disk: {results['disk']['msgs_per_s'] / theirs['msgs_per_s']:.2f}x msg/s)"
    )


if __name__ == "__main__":
    main(rounds=int(sys.argv[1]) if len(sys.argv) > 1 else 20)
