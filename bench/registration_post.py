"""Registration POSTs served by gunicorn on PostgreSQL (issue 3).

Measures completed registrations per second and latency of POST /events/<slug>/register/ under
wrk with 16 connections, for gunicorn with 2 sync workers and with 2 gthread workers (4 threads
each). Every request carries a new email address (wrk thread id + counter), the form data of
tests/registrations/test_flow.py and one CSRF cookie/token pair fetched once with a GET. The
per-IP rate limit is lifted (RATE_LIMIT_REGISTER_PER_IP); the confirmation tasks go to Redis DB 5
with no worker running, and that DB is flushed afterwards.

Checks: responses by status (every one must be 302) and Registration rows created: one per 302
answered, plus those of the requests still in flight when wrk stopped (at most one per
connection: wrk counts responses, and the script counts the requests it sent).

Targets: >= 150 registrations/s, p99 < 300 ms. The CPU time per request of the gunicorn workers
and of their PostgreSQL backends is measured too: it depends much less than the rate on what
else the machine is running.

Run: .venv/bin/python bench/registration_post.py [--duration 15]
"""

import argparse
import re
import secrets
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_registration"
TARGET_RPS = 150
TARGET_P99_MS = 300
SERVERS = [("sync", 1), ("gthread", 4)]

# wrk Lua: POST only, a unique email per request (thread id and a counter). `thread_id` is set
# by the report code's setup(); init() receives the run tag, the CSRF token and the category id;
# `sent` counts the requests made, answered or not.
REGISTER_LUA = r"""
sent = 0
local run, token, category

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  run, token, category = args[1], args[2], args[3]
end

function request()
  sent = sent + 1
  local email = string.format("bench-%s-%d-%d@example.org", run, thread_id, sent)
  local fields = {
    "csrfmiddlewaretoken=" .. encode(token),
    "full_name=" .. encode("Ana Lucía Restrepo"),
    "email=" .. encode(email),
    "organisation=" .. encode("Ministry of ICT"),
    "job_title=Director",
    "country=CO",
    "category=" .. category,
    "mode=in_person",
    "language=en",
    "time_zone=",
    "needs=" .. encode("Spanish–English interpretation"),
    "privacy_consent=on",
    "website=",
  }
  return wrk.format("POST", nil, nil, table.concat(fields, "&"))
end
"""


def csrf_pair(url: str) -> tuple[str, str]:
    """One csrftoken cookie and the form's matching (masked) csrfmiddlewaretoken, from our own
    loopback server."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    return cookie, token.group(1)


def run_server(env, event, category_id, worker_class, threads, duration):
    from registrations.models import Registration

    with harness.gunicorn(env, worker_class=worker_class, threads=threads) as server:
        url = f"{server.url}/events/{event.slug}/register/"
        cookie, token = csrf_pair(url)
        headers = (
            f"Cookie: csrftoken={cookie}",
            f"Referer: {url}",
            "Content-Type: application/x-www-form-urlencoded",
        )

        def load(tag, seconds):
            return harness.wrk_run(
                url,
                duration=seconds,
                script=REGISTER_LUA,
                headers=headers,
                args=(tag, token, str(category_id)),
                server=server,
            )

        load(f"warm{worker_class}", 3)  # imports, connections, template cache
        tag = f"{worker_class}{secrets.token_hex(3)}"
        result = load(tag, duration)
        time.sleep(2)  # let requests in flight when wrk stopped finish
        rows = Registration.objects.filter(email__startswith=f"bench-{tag}-").count()
        memory = [harness.memory_kib(pid) for pid in server.worker_pids()]
    return result, rows, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per server")
    options = parser.parse_args()

    env = harness.production_env(DATABASE, RATE_LIMIT_REGISTER_PER_IP="1000000000")
    harness.django_setup(env)
    harness.header("Registration POST: gunicorn 2 workers, PostgreSQL, wrk 16 connections")
    results, missed, broken = {}, [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        from registrations.models import StakeholderCategory

        event = harness.programme_create(sessions=30)
        category_id = StakeholderCategory.objects.order_by("pk").first().pk
        try:
            for worker_class, threads in SERVERS:
                label = f"{worker_class} (2 workers x {threads} thread{'s' * (threads > 1)})"
                result, rows, memory = run_server(
                    env, event, category_id, worker_class, threads, options.duration
                )
                harness.redis_flush()  # the confirmation tasks queued for no worker
                sent = int(result["sent"])
                redirects = result.statuses.get(302, 0)
                other = sum(n for status, n in result.statuses.items() if status != 302)
                peaks = ", ".join(f"{m['VmHWM'] / 1024:.0f} MiB" for m in memory)
                print(result.line(label))
                print(
                    f"{'':<34} requests sent {sent}, answered {int(result['requests'])} "
                    f"(302: {redirects}, other: {other}), in flight when wrk stopped "
                    f"{sent - int(result['requests'])}; Registration rows {rows}; worker VmHWM "
                    f"{peaks}"
                )
                results[worker_class] = {
                    "threads": threads,
                    **result.figures,
                    "statuses": result.statuses,
                    "rows": rows,
                    "worker_memory_kib": memory,
                }
                if result["rps"] < TARGET_RPS:
                    missed.append(f"{label}: {result['rps']:.1f} req/s < {TARGET_RPS}")
                if result["latency_p99_ms"] >= TARGET_P99_MS:
                    missed.append(
                        f"{label}: p99 {result['latency_p99_ms']:.1f} ms >= {TARGET_P99_MS}"
                    )
                if other or result["socket_errors"]:
                    broken.append(f"{label}: {other} non-302 responses, socket errors")
                # Every 302 made a row; a request in flight when wrk stopped may have made one
                # too, or been dropped with its connection.
                if not redirects <= rows <= sent:
                    broken.append(
                        f"{label}: {rows} Registration rows for {redirects} redirects and "
                        f"{sent} requests sent"
                    )
        finally:
            harness.redis_flush()
    harness.save("registration_post", {"duration_s": options.duration, **results})
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
