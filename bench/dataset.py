"""The generated dataset that `bench/query.py` and `bench/console.py` measure.

One org ("bench": teams platform, payments and data; 60 developers with keys)
filled by `generate_events` over 30 days with seed 1: events, policy entries,
hourly and daily rollups, budget state and escalations, written straight into
the log (COPY), ~20,000 events/s here instead of the ingest path's ~900/s
through `batch_process` in-process. Both benches default to the same scratch
database (BENCH_DATABASE_URL, default kt_bench_query), so one 10 M generation
serves both.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kt_bench_query"
ORG = "bench"
TEAMS = ("platform", "payments", "data")
DEVELOPERS = 60
DAYS = 30


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def open_database(db_url: str, *, fresh: bool) -> None:
    """Point Django at `db_url` (dropped and re-created when `fresh`) and migrate it."""
    import psycopg

    base, _, name = db_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "keeptrusts.settings"})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_events(count: int):
    """The bench org with at least `count` events (generates the missing ones)."""
    from django.core.management import call_command
    from django.db import connection

    from apps.events.models import Event
    from apps.tenancy.models import Organization, Team

    org, _ = Organization.objects.get_or_create(slug=ORG, defaults={"name": "Bench"})
    for slug in TEAMS:
        Team.objects.get_or_create(organization=org, slug=slug, defaults={"name": slug.title()})
    stored = Event.objects.filter(organization=org).count()
    if stored < count:
        started = time.monotonic()
        call_command("generate_events", "--count", str(count - stored), "--days", str(DAYS), "--org", ORG,
                     "--developers", str(DEVELOPERS), "--seed", "1")
        print(f"generated {count - stored:,} events in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ensure_escalations(org)
    return org


def ensure_escalations(org) -> None:
    """Datasets generated before `generate_events` opened escalations get them now."""
    from django.db import connection
    from django.utils import timezone

    from apps.escalations.models import Escalation
    from apps.events.generate import escalations_open_from_log

    if Escalation.objects.filter(organization=org, kind=Escalation.Kind.POLICY).exists():
        return
    now = timezone.now()
    opened = escalations_open_from_log(org, now - timedelta(days=DAYS + 1), now + timedelta(days=1),
                                       triaged_before=now - timedelta(days=7))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE escalations_escalation")
    print(f"opened {opened:,} escalations from the generated escalate entries")
