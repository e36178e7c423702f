"""Check-in scans answered by gunicorn on PostgreSQL (issue 12).

Four scanners, each sending one scan every 200 ms (5 scans/s, 20 in all), for `--duration`
seconds: an open loop, so a slow answer does not slow the next scan down, and each latency is
counted from the moment the scan was due (no coordinated omission). Each scanner is a thread of
this process with its own connection, the staff member's session cookie and CSRF token, posting
the JSON of the check-in page to /events/<slug>/check-in/scan/. One scan in five repeats a pass
scanned a moment before at another door (answered "already checked in"); the others are new
participants (a check-in written under the registration's row lock).

Each scanner starts at its own moment within the first 200 ms (fixed pseudo-random phases): the
doors are independent devices. `--lockstep` makes all four scan at the same instants, the
worst case, where two scans of every four wait for a worker.

Before the clock starts, each scanner sends WARM_UP scans of a pass that verifies but belongs
to nobody (no row written), as a door's page is open before its queue arrives: a freshly
started worker's first answers pay for its imports and connections once (about 350 ms).
`--cold` leaves the warm-up out and counts them.

Checks: every answer is 200 with the expected result, and the CheckIn rows are exactly one per
participant scanned.

Target: p99 <= 50 ms.

Run: .venv/bin/python bench/check_in_scan.py [--duration 30] [--lockstep] [--cold]
"""

import argparse
import base64
import http.client
import json
import random
import secrets
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_check_in"
SCANNERS = 4
PER_SECOND = 5
REPEAT_EVERY = 5  # one scan in five is a pass already checked in
WARM_UP = 3  # scans per scanner before the clock starts, unless --cold
TARGET_P99_MS = 50


def staff_session() -> tuple[str, str]:
    """A staff account with the check-in permission only: its session key and a CSRF secret
    (sent both as the cookie and in the X-CSRFToken header, as the page does)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Permission, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    user = User.objects.create_user("bench-door", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="check_in"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, _get_new_csrf_string()


def scan_plan(duration: int):
    """The event, a checkpoint per scanner, per scanner the (code, expected result) of each
    scan, and how many participants are scanned."""
    from datetime import timedelta

    from checkin.models import Checkpoint
    from registrations.pass_lifecycle import registration_pass_code

    # Running from yesterday: scans today are on one of its days.
    event = harness.programme_create(
        sessions=10, slug="bench-check-in", starts_in=timedelta(hours=1)
    )
    scans = SCANNERS * PER_SECOND * duration
    fresh = scans - scans // REPEAT_EVERY
    registrations = harness.registrations_create(event, fresh)
    checkpoints = [
        Checkpoint.objects.create(event=event, name=f"Entrance {n}") for n in range(SCANNERS)
    ]
    codes = [registration_pass_code(registration=r) for r in registrations]
    plans = [[] for _ in range(SCANNERS)]
    new = iter(codes)
    for n in range(scans):
        scanner, round_ = n % SCANNERS, n // SCANNERS
        if n % REPEAT_EVERY == REPEAT_EVERY - 1:
            # The pass the previous scanner read one round (200 ms) ago, at this door.
            plans[scanner].append((plans[(scanner - 1) % SCANNERS][round_ - 1][0], "already"))
        else:
            plans[scanner].append((next(new), "checked_in"))
    return event, checkpoints, plans, fresh


def connect(url) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10), parts.path


def post_scan(connection, path, session_key, csrf, checkpoint_id, code):
    """POST one scan as the check-in page does; the answer's status and result."""
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
    }
    body = json.dumps(
        {
            "code": code,
            "checkpoint": checkpoint_id,
            "nonce": base64.urlsafe_b64encode(secrets.token_bytes(12)).decode(),
            "scanned_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }
    )
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    return response.status, json.loads(payload).get("result") if response.status == 200 else None


def warm_up(url, session_key, csrf, checkpoint_id, code):
    """WARM_UP scans of a pass that verifies but belongs to nobody (answered "not valid", no
    row written): the workers' first answers, which pay for imports and connections."""
    connection, path = connect(url)
    for _ in range(WARM_UP):
        assert post_scan(connection, path, session_key, csrf, checkpoint_id, code) == (
            200,
            "invalid",
        )
    connection.close()


def scanner(url, session_key, csrf, checkpoint_id, plan, start, *, latencies, answers):
    """Send the plan's scans at PER_SECOND from `start`; record each latency from its due time."""
    connection, path = connect(url)
    for n, (code, expected) in enumerate(plan):
        due = start + n / PER_SECOND
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            status, result = post_scan(connection, path, session_key, csrf, checkpoint_id, code)
        except (OSError, http.client.HTTPException):
            connection.close()
            connection, path = connect(url)
            answers.append(("error", expected))
            continue
        latencies.append((time.monotonic() - due) * 1000)
        answers.append((result if status == 200 else status, expected))
    connection.close()


def threads_run(target, calls: list[dict]) -> None:
    """One thread per scanner, each `target(**call)`; returns when all are done."""
    threads = [threading.Thread(target=target, kwargs=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def server_cpu(server) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers and the PostgreSQL backends."""
    return {
        "gunicorn": sum(harness.process_cpu_seconds(pid) for pid in server.worker_pids()),
        "postgres": sum(harness.process_cpu_seconds(pid) for pid in harness.postgres_backends()),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(env, duration, *, warm, lockstep):
    from checkin.models import CheckIn
    from registrations.passes import b64encode, pass_code

    event, checkpoints, plans, fresh = scan_plan(duration)
    unknown = pass_code(event_id=event.pk, pass_id=b64encode(bytes(16)))
    session_key, csrf = staff_session()
    results = {}
    for worker_class, threads in (("sync", 1), ("gthread", 4)):
        CheckIn.objects.all().delete()
        with harness.gunicorn(env, worker_class=worker_class, threads=threads) as server:
            url = f"{server.url}/events/{event.slug}/check-in/scan/"
            if warm:
                threads_run(
                    warm_up,
                    [
                        {
                            "url": url,
                            "session_key": session_key,
                            "csrf": csrf,
                            "checkpoint_id": checkpoint.pk,
                            "code": unknown,
                        }
                        for checkpoint in checkpoints
                    ],
                )
            latencies, answers = [], []
            start = time.monotonic() + 0.5
            # Each scanner's own phase: doors are independent devices (unless --lockstep).
            phases = random.Random(0).sample(range(1000 // PER_SECOND), SCANNERS)
            cpu_before, ticks = server_cpu(server), harness.cpu_ticks()
            threads_run(
                scanner,
                [
                    {
                        "url": url,
                        "session_key": session_key,
                        "csrf": csrf,
                        "checkpoint_id": checkpoint.pk,
                        "plan": plan,
                        "start": start + (0 if lockstep else phase / 1000),
                        "latencies": latencies,
                        "answers": answers,
                    }
                    for checkpoint, plan, phase in zip(checkpoints, plans, phases, strict=True)
                ],
            )
            busy = harness.busy_since(ticks)
            cpu = {name: used - cpu_before[name] for name, used in server_cpu(server).items()}
        rows = CheckIn.objects.count()
        seconds = len(plans[0]) / PER_SECOND
        results[worker_class] = {
            "threads": threads,
            "scans": len(answers),
            "p50_ms": percentile(latencies, 50),
            "p90_ms": percentile(latencies, 90),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies),
            # A repeat answered before its first scan swaps the two answers: the totals hold.
            "answers": Counter(got for got, _expected in answers),
            "expected": Counter(expected for _got, expected in answers),
            "check_in_rows": rows,
            "participants": fresh,
            "gunicorn_cpu_ms_per_scan": 1000 * cpu["gunicorn"] / len(answers),
            "postgres_cpu_ms_per_scan": 1000 * cpu["postgres"] / len(answers),
            "cpu_busy_pct": busy,
            "others_cores": harness.others_cores(busy, sum(cpu.values()), seconds),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of scanning")
    parser.add_argument(
        "--lockstep", action="store_true", help="all scanners at the same instants (worst case)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="no warm-up: freshly started workers' first scans count"
    )
    options = parser.parse_args()

    env = harness.production_env(DATABASE, CHECK_IN_RATE_PER_MINUTE="1000000")
    harness.django_setup(env)
    harness.header(
        f"Check-in scans: {SCANNERS} scanners x {PER_SECOND}/s, gunicorn 2 workers, PostgreSQL"
    )
    missed, broken = [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.redis_flush()
        try:
            results = run(env, options.duration, warm=not options.cold, lockstep=options.lockstep)
        finally:
            harness.redis_flush()
    for worker_class, figures in results.items():
        label = f"{worker_class} (2 workers x {figures['threads']})"
        print(
            f"{label:<26} scans {figures['scans']}  p50 {figures['p50_ms']:.1f} ms  "
            f"p90 {figures['p90_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms  "
            f"max {figures['max_ms']:.1f} ms  CheckIn rows {figures['check_in_rows']} for "
            f"{figures['participants']} participants"
        )
        print(
            f"{'':<26} answers: {dict(figures['answers'])}; CPU per scan: gunicorn "
            f"{figures['gunicorn_cpu_ms_per_scan']:.2f} ms + PostgreSQL "
            f"{figures['postgres_cpu_ms_per_scan']:.2f} ms (machine busy "
            f"{figures['cpu_busy_pct']:.0f}%, others ~{figures['others_cores']:.1f} cores)"
        )
        if figures["p99_ms"] > TARGET_P99_MS:
            missed.append(f"{label}: p99 {figures['p99_ms']:.1f} ms > {TARGET_P99_MS}")
        if figures["answers"] != figures["expected"]:
            broken.append(f"{label}: answers {figures['answers']} != {figures['expected']}")
        if figures["check_in_rows"] != figures["participants"]:
            broken.append(
                f"{label}: {figures['check_in_rows']} CheckIn rows for "
                f"{figures['participants']} participants"
            )
    harness.save(
        "check_in_scan",
        {
            "duration_s": options.duration,
            "cold": options.cold,
            "lockstep": options.lockstep,
            **results,
        },
    )
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
