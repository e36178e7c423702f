"""wrk runs bounded in time, their figures read from a Lua report, and the CPU each request cost."""

import os
import re
import resource
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .processes import (
    Server,
    busy_since,
    cpu_ticks,
    others_cores,
    postgres_backends,
    process_cpu_seconds,
)

# Appended to every wrk script: per-thread status counts (the `response` callback) summed in
# `done`, and the figures printed as `BENCH key=value` lines for `wrk_run` to read. A script
# whose request() counts the requests it makes in a global `sent` gets their total as well
# (wrk's own count is of responses: requests in flight when it stops are not in it).
WRK_REPORT = r"""
local threads = {}
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format("BENCH requests=%d\n", summary.requests))
  io.write(string.format("BENCH duration_s=%.3f\n", summary.duration / 1e6))
  io.write(string.format("BENCH rps=%.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("BENCH latency_mean_ms=%.2f\n", latency.mean / 1000.0))
  io.write(string.format("BENCH latency_p50_ms=%.2f\n", p(50)))
  io.write(string.format("BENCH latency_p90_ms=%.2f\n", p(90)))
  io.write(string.format("BENCH latency_p99_ms=%.2f\n", p(99)))
  io.write(string.format("BENCH latency_max_ms=%.2f\n", latency.max / 1000.0))
  local e = summary.errors
  io.write(string.format("BENCH socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts=%d\n", e.timeout))
  io.write(string.format("BENCH non_2xx_3xx=%d\n", e.status))
  local total, sent = {}, 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      total[status] = (total[status] or 0) + n
    end
    sent = sent + (thread:get("sent") or 0)
  end
  if sent > 0 then
    io.write(string.format("BENCH sent=%d\n", sent))
  end
  for status, n in pairs(total) do
    io.write(string.format("BENCH status_%d=%d\n", status, n))
  end
end
"""


@dataclass
class WrkResult:
    figures: dict[str, float]
    statuses: dict[int, int] = field(default_factory=dict)
    output: str = ""

    def __getitem__(self, key: str) -> float:
        return self.figures[key]

    def line(self, label: str) -> str:
        f = self.figures
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{label:<34} {f['rps']:>9.1f} req/s  p50 {f['latency_p50_ms']:>7.2f} ms  "
            f"p90 {f['latency_p90_ms']:>7.2f} ms  p99 {f['latency_p99_ms']:>7.2f} ms  "
            f"max {f['latency_max_ms']:>7.2f} ms  requests {int(f['requests'])}  "
            f"[{statuses}]  socket errors {int(f['socket_errors'])}  "
            f"(machine CPU busy {f['cpu_busy_pct']:.0f}%, load {f['load_1m']:.1f}"
            + (f", others ~{f['others_cores']:.1f} cores" if "others_cores" in f else "")
            + ")"
        ) + self.cpu_line()

    def cpu_line(self) -> str:
        """CPU per request, and the rate two otherwise idle cores could sustain at that cost."""
        f = self.figures
        if "gunicorn_cpu_ms_per_request" not in f:
            return ""
        server = f["gunicorn_cpu_ms_per_request"] + f["postgres_cpu_ms_per_request"]
        everything = server + f["wrk_cpu_ms_per_request"]
        return (
            f"\n{'':<34} CPU per request: gunicorn {f['gunicorn_cpu_ms_per_request']:.2f} ms"
            f" + PostgreSQL {f['postgres_cpu_ms_per_request']:.2f} ms"
            f" + wrk {f['wrk_cpu_ms_per_request']:.2f} ms = {everything:.2f} ms"
            f" -> two idle cores: at most {2000 / everything:.0f} req/s"
        )


def wrk_run(
    url: str,
    *,
    duration: int = 15,
    connections: int = 16,
    threads: int = 2,
    script: str = "",
    headers: tuple[str, ...] = (),
    args: tuple[str, ...] = (),
    server: Server | None = None,
) -> WrkResult:
    """Run wrk for `duration` seconds (it stops by itself; the subprocess is killed on top of
    that if it overruns) and read its figures. `script` is Lua run before the report code.

    With `server`, also the CPU time per request of its workers and of the PostgreSQL
    backends serving them, and of wrk itself: what a request costs whatever else the machine
    is running (the shared Redis is left out: it serves others too)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + WRK_REPORT)
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        f"--script={lua.name}",
    ]
    for header in headers:
        command += ["--header", header]
    command.append(url)
    if args:
        command += ["--", *args]

    def server_cpu() -> dict[str, dict[int, float]]:
        if server is None:
            return {}
        return {
            "gunicorn": {pid: process_cpu_seconds(pid) for pid in server.worker_pids()},
            "postgres": {pid: process_cpu_seconds(pid) for pid in postgres_backends()},
        }

    before, wrk_before = server_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks = cpu_ticks()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 30, check=True
        )
    finally:
        Path(lua.name).unlink(missing_ok=True)
    figures = {"cpu_busy_pct": busy_since(ticks), "load_1m": os.getloadavg()[0]}
    after, wrk_after = server_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_seconds = (wrk_after.ru_utime + wrk_after.ru_stime) - (
        wrk_before.ru_utime + wrk_before.ru_stime
    )
    for name, pids in after.items():
        used = sum(seconds - before[name].get(pid, 0.0) for pid, seconds in pids.items())
        figures[f"{name}_cpu_s"] = used
    if server is not None:
        figures["wrk_cpu_s"] = wrk_seconds
    statuses = {}
    for key, value in re.findall(r"^BENCH (\w+)=(\S+)$", done.stdout, re.M):
        if key.startswith("status_"):
            statuses[int(key.removeprefix("status_"))] = int(value)
        else:
            figures[key] = float(value)
    for name in ("gunicorn", "postgres", "wrk"):
        if f"{name}_cpu_s" in figures and figures["requests"]:
            figures[f"{name}_cpu_ms_per_request"] = (
                1000 * figures[f"{name}_cpu_s"] / figures["requests"]
            )
    if server is not None:
        ours = sum(figures[f"{name}_cpu_s"] for name in ("gunicorn", "postgres", "wrk"))
        figures["others_cores"] = others_cores(figures["cpu_busy_pct"], ours, duration)
    return WrkResult(figures, statuses, done.stdout)
