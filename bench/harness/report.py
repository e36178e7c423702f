"""What every benchmark prints first and last, and the JSON it leaves in bench/results/."""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from .processes import ROOT

RESULTS = ROOT / "bench" / "results"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


def header(title: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"== {title}\n   {now}; {machine()}", flush=True)


def save(name: str, results: dict) -> Path:
    """Keep the figures as JSON in bench/results/ (ignored by git) for BENCHMARKS.md."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **results}
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path


def verdict(missed: list[str], broken: list[str] = ()) -> int:
    """Print the targets missed and the checks failed. A missed performance target is a figure
    to report (this machine is shared and small), not an error; a failed correctness check
    (a wrong status, a duplicate, a query count that grows) makes the exit status 1."""
    for line in missed:
        print(f"TARGET MISSED: {line}")
    for line in broken:
        print(f"CHECK FAILED: {line}")
    if not missed and not broken:
        print("all targets met, all checks passed")
    return 1 if broken else 0
