"""How long importing the Worker module takes (what a cold isolate pays before the first request).

Runs `python -X importtime` on src/entry.py with stand-ins for the runtime-only `workers` and
`asgi` modules, and prints the cumulative import time of the entry module and its biggest parts.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = f"""
import sys, types
workers = types.ModuleType("workers")
workers.WorkerEntrypoint = type("WorkerEntrypoint", (), {{}})
sys.modules["workers"] = workers
sys.modules["asgi"] = types.ModuleType("asgi")
sys.path.insert(0, {str(ROOT / "src")!r})
import entry
"""
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def one_run() -> dict[str, int]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", PROBE], capture_output=True, text=True, check=True
    )
    cumulative: dict[str, int] = {}
    for match in LINE.finditer(result.stderr):
        cumulative[match.group(4)] = int(match.group(2))
    return cumulative


def main(runs: int = 7) -> None:
    samples = [one_run() for _ in range(runs)]
    total = statistics.median(s["entry"] for s in samples) / 1000
    print(f"worker import (src/entry.py, cumulative, median of {runs}): {total:.1f} ms")
    for name in ("tempmail.web.app", "starlette.applications", "mailparser", "jwt", "tempmail.inbound"):
        values = [s[name] for s in samples if name in s]
        if values:
            print(f"  {name:<24} {statistics.median(values) / 1000:6.1f} ms")


if __name__ == "__main__":
    main()
