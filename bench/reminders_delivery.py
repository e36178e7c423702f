"""10,000 due session reminders delivered by Celery to an SMTP sink (issues 5 and 9).

Setup: a dedicated PostgreSQL database; a private redis-server on a free port (broker and cache,
no persistence); an SMTP sink (aiosmtpd on 127.0.0.1) recording every message's recipients and
Message-ID; one `celery -A alliance worker --concurrency 2 --queues default,mail` (two prefork
worker processes). 10,000 confirmed participants each chose one of 100 sessions starting in 20
to 30 minutes (inside the 30-minute reminder lead).

Measures the time from calling the sweep (registrations.tasks.reminders_sweep: it records the
due reminders in the outbox and hands them to the workers in batches of 50) to the last message
the sink received. One sweep records at most registrations.reminders.BATCH (5,000) reminders per
event, so the bench sweeps again every --sweep-interval seconds (60, as beat does) until all are
recorded, and also reports how long the first sweep's messages took. Checks: no duplicate
(messages == distinct recipients == 10,000, one Message-ID each), and every message carries
its outbox row's Message-ID. Also the peak VmRSS of the two worker processes, sampled every
0.25 s. Targets: <= 60 s, <= 250 MB each.

And the sweep's query count for 1, 10 and 100 participants per session (10 sessions), which
must not grow with the participants.

Run: .venv/bin/python bench/reminders_delivery.py [--participants 10000] [--sweep-interval 60]
"""

import argparse
import email
import email.policy
import logging
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_reminders"
SESSIONS = 100
TARGET_SECONDS = 60
TARGET_RSS_MIB = 250
DEADLINE = 300  # seconds: the run gives up waiting for the sink after this


class SmtpSink:
    """Accepts every message; records recipients and Message-IDs, and when the last arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recipients: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.copies: set[tuple[str, str]] = set()  # (recipient, Message-ID)
        self.messages = 0
        self.last_at = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = email.message_from_bytes(
            envelope.content, policy=email.policy.compat32, _class=email.message.Message
        )
        with self.lock:
            self.messages += 1
            self.recipients.update(envelope.rcpt_tos)
            self.message_ids[headers["Message-ID"]] += 1
            self.copies.update((r, headers["Message-ID"]) for r in envelope.rcpt_tos)
            self.last_at = time.monotonic()
        return "250 Message accepted for delivery"


def participants_create(event, *, per_session: int, sessions: int) -> None:
    """`per_session` confirmed participants for each of the event's first `sessions` sessions,
    each of whom chose that one session."""
    from registrations.models import SessionChoice

    chosen = list(event.sessions.order_by("pk")[:sessions])
    registrations = harness.registrations_create(
        event, per_session * len(chosen), time_zone=lambda n: "Europe/Madrid"
    )
    SessionChoice.objects.bulk_create(
        (
            SessionChoice(registration=r, session=chosen[n % len(chosen)])
            for n, r in enumerate(registrations)
        ),
        batch_size=2000,
    )


def sweep_query_counts() -> dict[int, dict]:
    """Queries of one sweep for 1, 10 and 100 participants per session (10 sessions), each in
    a transaction rolled back afterwards. The tasks it enqueues go to the private broker, which
    is emptied before the workers start."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from registrations.tasks import reminders_sweep

    counts = {}
    for per_session in (1, 10, 100):
        with transaction.atomic():
            event = harness.programme_create(
                sessions=10,
                slug=f"sweep-{per_session}",
                starts_in=timedelta(minutes=20),
                day_before_reminder_at=None,
            )
            participants_create(event, per_session=per_session, sessions=10)
            with CaptureQueriesContext(connection) as queries:
                recorded = reminders_sweep()
            counts[per_session] = {
                "queries": len(queries.captured_queries),
                "recorded": recorded,
            }
            transaction.set_rollback(True)
    return counts


def worker_ready(process) -> bool:
    return " ready." in Path(process.log_path).read_text(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument(
        "--sweep-interval",
        type=float,
        default=60,
        help="seconds between sweeps while reminders are unrecorded (beat's schedule: 60)",
    )
    options = parser.parse_args()
    total = options.participants

    from aiosmtpd.controller import Controller

    redis_port, smtp_port = harness.free_port(), harness.free_port()
    env = harness.production_env(
        DATABASE,
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/1",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        LOG_LEVEL="INFO",
    )
    harness.django_setup(env)
    harness.header(f"{total} session reminders: celery worker --concurrency 2, private Redis")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    missed, broken = [], []
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis_args += ["--save", "", "--appendonly", "no"]
    with (
        harness.fresh_database(DATABASE),
        harness.started(redis_args, env, "redis"),
    ):
        import redis

        broker = redis.Redis(port=redis_port)
        harness.wait_until(broker.ping, timeout=10, errors=(redis.ConnectionError,))
        harness.migrate()
        counts = sweep_query_counts()
        print("sweep queries by participants per session (10 sessions):")
        for per_session, c in counts.items():
            recorded = ", ".join(f"{n} {status}" for status, n in c["recorded"].items())
            print(f"  {per_session:>4} per session: {c['queries']} queries ({recorded})")
        if len({c["queries"] for c in counts.values()}) != 1:
            broken.append(f"sweep queries grow with participants: {counts}")

        from datetime import timedelta

        from registrations.models import Message
        from registrations.tasks import reminders_sweep

        broker.flushall()  # the tasks enqueued by the counting sweeps
        event = harness.programme_create(
            sessions=SESSIONS, starts_in=timedelta(minutes=20), day_before_reminder_at=None
        )
        participants_create(event, per_session=total // SESSIONS, sessions=SESSIONS)
        controller.start()
        worker_args = [str(harness.BIN / "celery"), "-A", "alliance", "worker"]
        worker_args += ["--concurrency", "2", "--queues", "default,mail", "--loglevel", "INFO"]
        worker_args += ["-n", f"bench-reminders-{os.getpid()}@%h"]
        try:
            with harness.started(worker_args, env, "celery") as worker:
                deadline = time.monotonic() + 60
                while not worker_ready(worker):
                    if worker.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"worker not ready:\n{harness.log_tail(worker.log_path)}"
                        )
                    time.sleep(0.2)
                children = harness.children(worker.pid)
                peak_rss: dict[int, int] = dict.fromkeys(children, 0)

                # As beat would: a sweep now, then one every `interval` seconds while some
                # reminders are still unrecorded (a sweep records at most
                # registrations.reminders.BATCH per event).
                ticks = harness.cpu_ticks()
                cpu_before = {pid: harness.process_cpu_seconds(pid) for pid in children}
                bench_cpu = time.process_time()  # this process: sweeps and the SMTP sink
                # The workers' PostgreSQL backends, sampled as they come and go (a connection
                # is replaced after CONN_MAX_AGE): pid -> (CPU seconds at first, latest seen).
                backends = {
                    pid: (seconds, seconds)
                    for pid in harness.postgres_backends()
                    for seconds in [harness.process_cpu_seconds(pid)]
                }
                start = time.monotonic()
                sweeps, recorded, next_sweep = [], 0, start
                first_batch_at, seen, busy = None, 0, 0.0
                while sink.messages < total and time.monotonic() - start < DEADLINE:
                    now = time.monotonic()
                    if recorded < total and now >= next_sweep:
                        counts = reminders_sweep()
                        sweeps.append((now - start, time.monotonic() - now, counts))
                        recorded += sum(counts.values())
                        next_sweep += options.sweep_interval
                    if first_batch_at is None and sink.messages >= sum(sweeps[0][2].values()):
                        first_batch_at = sink.last_at - start
                    for pid in children:
                        peak_rss[pid] = max(peak_rss[pid], harness.memory_kib(pid)["VmRSS"])
                    for pid in harness.postgres_backends():
                        first, latest = backends.get(pid, (0.0, 0.0))
                        backends[pid] = (first, harness.process_cpu_seconds(pid) or latest)
                    if sink.messages != seen:  # machine load up to the latest message
                        seen, busy = sink.messages, harness.busy_since(ticks)
                    time.sleep(0.25)
                elapsed = sink.last_at - start
                bench_cpu = time.process_time() - bench_cpu
                if first_batch_at is None and sink.messages >= sum(sweeps[0][2].values()):
                    first_batch_at = elapsed
                # The workers' own CPU time, and their PostgreSQL backends' (all opened during
                # the run): what a message costs whatever else the machine is running.
                cpu = {
                    "workers": sum(
                        harness.process_cpu_seconds(pid) - cpu_before[pid] for pid in children
                    ),
                    "postgres": sum(latest - first for first, latest in backends.values()),
                }
                time.sleep(5)  # anything sent twice would arrive now
                hwm = {pid: harness.memory_kib(pid)["VmHWM"] for pid in children}
                log = Path(worker.log_path).read_text(errors="replace")
        finally:
            controller.stop()
        statuses = dict(Counter(Message.objects.values_list("status", flat=True)))
        from registrations.emails import message_id

        expected = {
            (email, message_id(Message(pk=pk)))
            for email, pk in Message.objects.values_list("registration__email", "pk")
        }
    wrong_ids = len(sink.copies - expected)

    duplicates = sum(n - 1 for n in sink.recipients.values() if n > 1)
    per_message = {name: 1000 * seconds / max(sink.messages, 1) for name, seconds in cpu.items()}
    others = harness.others_cores(busy, sum(cpu.values()) + bench_cpu, elapsed)
    for at, took, counts in sweeps:
        recorded = ", ".join(f"{n} {status}" for status, n in counts.items())
        print(f"sweep at +{at:.1f} s: took {took:.2f} s, recorded {recorded}")
    first = sum(sweeps[0][2].values())
    if first_batch_at:
        print(
            f"the first sweep's {first} messages delivered {first_batch_at:.1f} s after it "
            f"({first / first_batch_at:.0f} messages/s)"
        )
    print(
        f"delivered: {sink.messages} messages to {len(sink.recipients)} distinct recipients "
        f"({len(sink.message_ids)} distinct Message-IDs), {duplicates} duplicates; "
        f"sweep to last message {elapsed:.1f} s ({sink.messages / elapsed:.0f} messages/s); "
        f"machine CPU busy {busy:.0f}% meanwhile, other processes ~{others:.1f} cores"
    )
    both = sum(per_message.values())
    print(
        f"CPU per message: worker processes {per_message['workers']:.2f} ms + PostgreSQL "
        f"{per_message['postgres']:.2f} ms = {both:.2f} ms -> two idle cores: at most "
        f"{2000 / both:.0f} messages/s, {total * both / 2000:.0f} s for {total}"
    )
    print(f"outbox rows by status: {statuses}; copies without their row's Message-ID: {wrong_ids}")
    for pid in children:
        print(
            f"worker process {pid}: max sampled VmRSS {peak_rss[pid] / 1024:.1f} MiB, "
            f"VmHWM {hwm[pid] / 1024:.1f} MiB"
        )
    print(f"worker log: {log.count('succeeded in')} tasks succeeded, {log.count('Retry')} retries")
    if sink.messages < total:
        missed.append(
            f"only {sink.messages} of {total} delivered within {DEADLINE} s (outbox: {statuses})"
        )
    if sink.messages > total or len(sink.recipients) != sink.messages:
        broken.append(f"{sink.messages} messages to {len(sink.recipients)} recipients")
    if statuses.get(Message.Status.FAILED):
        broken.append(f"{statuses[Message.Status.FAILED]} messages failed")
    if wrong_ids:
        broken.append(f"{wrong_ids} messages without their outbox row's Message-ID")
    if duplicates or any(n > 1 for n in sink.message_ids.values()):
        broken.append(f"{duplicates} duplicate deliveries")
    if elapsed > TARGET_SECONDS:
        missed.append(f"delivery took {elapsed:.1f} s > {TARGET_SECONDS}")
    if max(hwm.values()) / 1024 > TARGET_RSS_MIB:
        missed.append(f"a worker reached {max(hwm.values()) / 1024:.0f} MiB > {TARGET_RSS_MIB}")
    harness.save(
        "reminders_delivery",
        {
            "participants": total,
            "sweep_query_counts": counts,
            "sweep_interval_s": options.sweep_interval,
            "sweeps": [{"at_s": a, "took_s": t, "recorded": c} for a, t, c in sweeps],
            "first_sweep_delivered_after_s": first_batch_at,
            "seconds_to_last_message": elapsed,
            "machine_cpu_busy_pct": busy,
            "others_cores": others,
            "cpu_ms_per_message": per_message,
            "messages": sink.messages,
            "distinct_recipients": len(sink.recipients),
            "distinct_message_ids": len(sink.message_ids),
            "duplicates": duplicates,
            "copies_without_their_message_id": wrong_ids,
            "outbox_statuses": statuses,
            "worker_peak_vmrss_kib": peak_rss,
            "worker_vmhwm_kib": hwm,
        },
    )
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
