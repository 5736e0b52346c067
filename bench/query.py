"""Events API query benchmark on a large generated dataset.

    .venv/bin/python bench/query.py --events 1000000            # generate, then measure
    .venv/bin/python bench/query.py --events 1000000 --reuse    # measure an existing dataset

Generates `--events` events over 30 days with `generate_events` into a scratch
PostgreSQL database (BENCH_DATABASE_URL, default kt_bench_query), then times the
API in-process (Django test client: view + serialization + database, no network):

- `since=24h&action=block&limit=20`, `since=30d&group_by=user`, `since=30d&group_by=model,day`
  and the seed's calls: p50 / p95 over `--repeat` runs (after one warm-up);
- `/v1/events/export?format=csv` of every row: rows/s and resident memory growth.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    ("since=24h&action=block&limit=20", 50),
    ("since=30d&group_by=user", 100),
    ("since=30d&group_by=model,day", 150),
    ("since=7d&policy=quality-scorer", None),
    ("since=7d&policy=content-filter&action=block", None),
    ("since=14d&group_by=user", None),
    ("since=14d&group_by=model", None),
    ("since=7d&limit=50", None),
]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def prepare(db_url: str, events: int, reuse: bool):
    import psycopg

    base, _, name = db_url.rpartition("/")
    if not reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "keeptrusts.settings"})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.keys.models import ApiToken
    from apps.tenancy.models import Membership, Organization, Role, Team, User

    if not reuse:
        call_command("migrate", verbosity=0)
        org = Organization.objects.create(name="Bench", slug="bench")
        for slug in ("platform", "payments", "data"):
            Team.objects.create(organization=org, name=slug.title(), slug=slug)
        started = time.monotonic()
        call_command("generate_events", "--count", str(events), "--days", "30", "--org", "bench",
                     "--developers", "60", "--seed", "1")
        print(f"generated {events:,} events in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    org = Organization.objects.get(slug="bench")
    owner, _ = User.objects.get_or_create(email="owner@bench.example", defaults={"organization": org})
    Membership.objects.get_or_create(organization=org, user=owner, team=None, defaults={"role": Role.OWNER})
    token = ApiToken(organization=org, user=owner, scopes=["events:read"])
    plaintext = token.issue()
    token.save()
    return plaintext


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the existing dataset")
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()
    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kt_bench_query")
    token = prepare(db_url, args.events, args.reuse)

    from django.test import Client

    from apps.events.models import Event

    stored = Event.objects.count()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    print(f"dataset: {stored:,} events; {args.repeat} runs per query after a warm-up (in-process, no network)")
    print(f"{'query':<48} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}")
    for query, target in QUERIES:
        response = client.get(f"/v1/events?{query}")
        assert response.status_code == 200, response.content[:300]
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(f"/v1/events?{query}")
            times.append((time.perf_counter() - started) * 1000)
        p95 = percentile(times, 0.95)
        verdict = "" if target is None else (f"≤{target} ✓" if p95 <= target else f"≤{target} ✗")
        print(f"{query:<48} {percentile(times, 0.5):>8.1f} {p95:>8.1f} {verdict:>8}")

    if not args.no_export:
        before = rss_mb()
        peak = before
        rows = 0
        started = time.perf_counter()
        response = client.get("/v1/events/export?since=30d&format=csv")
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            peak = max(peak, rss_mb())
        elapsed = time.perf_counter() - started
        rows -= 1  # header
        print(f"export csv: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s; "
              f"RSS {before:.0f} MB → peak {peak:.0f} MB (max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
