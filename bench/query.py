"""Events API query benchmark on a large generated dataset.

    .venv/bin/python bench/query.py --events 1000000            # generate, then measure
    .venv/bin/python bench/query.py --events 1000000 --reuse    # measure an existing dataset

Generates `--events` events over 30 days with `generate_events` into a scratch
PostgreSQL database (bench/dataset.py: BENCH_DATABASE_URL, default kt_bench_query;
`bench/console.py` measures the same dataset), then times the API in-process
(Django test client: view + serialization + database, no network):

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
    ("since=30d&policy=dlp-filter", None),  # a rare policy over a month
    ("since=7d&policy=content-filter&model=gpt-4.1", None),  # an event filter on top
    ("since=7d&action=escalate", None),  # an entry action without a policy
]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def prepare(events: int, reuse: bool):
    """The dataset (bench/dataset.py; re-generated unless `reuse`) and an owner's API token."""
    from dataset import database_url, ensure_events, open_database

    open_database(database_url(), fresh=not reuse)
    org = ensure_events(0 if reuse else events)

    from apps.keys.models import ApiToken
    from apps.tenancy.models import Membership, Role, User

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
    token = prepare(args.events, args.reuse)

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
