"""End-to-end ingest benchmark: HTTP batches → PostgreSQL (pending batch) → Redis →
Celery → PostgreSQL (events, entries, rollups).

It starts its own gunicorn and Celery worker against a scratch database, posts
`--events` events in batches of `--batch` from `--clients` concurrent clients,
and reports:

- sustained throughput: events / (first post → last batch committed);
- accepted → visible latency per batch (IngestBatch.created_at → processed_at,
  both stamped by the server clock; a processed batch is visible in /v1/events).

    .venv/bin/python bench/ingest.py --events 200000 --clients 4 --workers 2

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults to the
local services, database kt_bench_ingest, Redis db 15 — flushed).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(db_url: str) -> None:
    import psycopg

    base, _, name = db_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_org(keys: int):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from apps.gateways.models import Gateway
    from apps.keys.models import GatewayKey
    from apps.tenancy.models import Membership, Organization, Role, Team, User

    org = Organization.objects.create(name="Bench", slug="bench")
    team = Team.objects.create(organization=org, name="Platform", slug="platform")
    gateway = Gateway(organization=org, name="bench-gw")
    token = gateway.issue()
    gateway.save()
    gateway.teams.set([team])
    key_ids = []
    for n in range(keys):
        user = User.objects.create(email=f"dev{n}@bench.example", organization=org)
        Membership.objects.create(organization=org, team=team, user=user, role=Role.DEVELOPER)
        key = GatewayKey(organization=org, team=team, user=user)
        key.issue()
        key.save()
        key_ids.append((key.key_id, user.email))
    return token, key_ids


MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash"]


def make_batches(total: int, size: int, key_ids) -> list[bytes]:
    import random

    import msgspec

    from apps.events.ulids import ulid_new

    rng = random.Random(1)
    batches = []
    now = datetime.now(timezone.utc)
    for start in range(0, total, size):
        events = []
        for i in range(min(size, total - start)):
            key_id, email = key_ids[(start + i) % len(key_ids)]
            action = rng.choices(["allow", "redact", "block", "escalate"], [85, 8, 5, 2])[0]
            policies = [{"name": "team-quality-gate", "type": "quality-scorer", "action": "allow",
                         "score": round(rng.random(), 3), "phase": "output"}]
            if action != "allow":
                policies.append({"name": f"p-{action}", "type": "pii-detector", "action": action, "findings": {"email": 1}})
            events.append({
                "id": ulid_new(now), "ts": now.isoformat(), "user": email, "key_id": key_id,
                "model": rng.choice(MODELS), "action": action, "team": "platform", "tokens_in": rng.randrange(50, 3000),
                "tokens_out": rng.randrange(0, 1500), "latency_ms": rng.uniform(100, 2000), "policies": policies,
            })
        batches.append(msgspec.json.encode({"events": events}))
    return batches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker concurrency")
    parser.add_argument("--keys", type=int, default=50)
    parser.add_argument("--rate", type=float, default=0,
                        help="pace the clients to this many events/s (0 = as fast as accepted: a burst)")
    args = parser.parse_args()

    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kt_bench_ingest")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    prepare_database(db_url)
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "keeptrusts.settings"}
    os.environ.update(env)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    token, key_ids = setup_org(args.keys)
    batches = make_batches(args.events, args.batch, key_ids)
    port = free_port()
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "keeptrusts.wsgi", "--bind", f"127.0.0.1:{port}",
                            "--workers", str(args.web_workers), "--timeout", "120"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(bin_dir / "celery"), "-A", "keeptrusts", "worker", "-c", str(args.workers),
                               "--loglevel", "WARNING", "-P", "prefork"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # let the worker connect
        url = f"http://127.0.0.1:{port}/v1/gateway/events"
        queue = list(batches)
        lock = threading.Lock()
        post_seconds = []

        sent = [0]

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                    due = started + sent[0] * args.batch / args.rate if args.rate else 0
                    sent[0] += 1
                if due:
                    time.sleep(max(0.0, due - time.monotonic()))
                request = urllib.request.Request(url, data=body, method="POST", headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                posted = time.monotonic()
                with urllib.request.urlopen(request, timeout=120) as response:
                    assert response.status == 202, response.status
                post_seconds.append(time.monotonic() - posted)

        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        accepted_at = time.monotonic()

        from apps.events.models import Event, IngestBatch

        while IngestBatch.objects.filter(status="pending").exists():
            time.sleep(0.05)
        done_at = time.monotonic()
        stored = Event.objects.count()
        delays = sorted((b.processed_at - b.created_at).total_seconds() for b in IngestBatch.objects.all())
        p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]  # noqa: E731
        pace = f"paced at {args.rate:,.0f} events/s" if args.rate else "burst"
        print(f"events: {args.events:,} in {len(batches)} batches of {args.batch} ({pace}), {args.clients} clients, "
              f"{args.web_workers} web workers, worker concurrency {args.workers}")
        print(f"stored: {stored:,} (exactly once: {stored == args.events})")
        print(f"HTTP accept rate: {args.events / (accepted_at - started):,.0f} events/s "
              f"(POST p50 {sorted(post_seconds)[len(post_seconds) // 2] * 1000:.0f} ms)")
        print(f"end to end: {args.events / (done_at - started):,.0f} events/s sustained")
        print(f"accepted → visible: p50 {p(0.5):.2f} s, p99 {p(0.99):.2f} s, max {delays[-1]:.2f} s")
        return 0 if stored == args.events else 1
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
