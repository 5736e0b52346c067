"""Server time of every Console page with many events stored (issue 6 §7: ≤ 300 ms p95).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kt_console_bench \\
        .venv/bin/python bench/console.py --events 1000000 --days 28 --repeat 20

It migrates the database, seeds an org ("bench": 10 teams × 10 developers, one
gateway) with --events believable events through the real ingest path
(IngestBatch + batch_process: events, policy entries, hourly rollups, budget
state, escalations), unless that many are already stored, then requests each
page --repeat times in-process (Django test client, logged in as a team manager
and as the org owner) and prints p50 / p95 / max per page. "Server time" is the
whole request/response cycle inside Django (middleware, queries, templates),
without the network.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeptrusts.settings")

TEAMS = 10
DEVELOPERS_PER_TEAM = 10
BATCH = 5000
# (model, weight, $ per request-ish via tokens) — a believable mix.
MODELS = [("gpt-4o-mini", 55), ("gpt-4o", 25), ("claude-3-5-sonnet", 12), ("o3-mini", 5), ("llama-3.1-70b", 3)]
# (event action, weight, policy entry it carries)
ACTIONS = [
    ("allow", 880, None),
    ("redact", 60, ("pii-redact", "pii", "redact")),
    ("log", 30, ("quality-scorer", "quality-scorer", "log")),
    ("block", 25, ("secrets", "dlp-filter", "block")),
    ("escalate", 4, ("prompt-injection", "injection", "escalate")),
    ("error", 1, None),
]


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_org():
    from apps.gateways.models import Gateway
    from apps.keys.models import GatewayKey
    from apps.tenancy.models import Membership, Organization, Role, Team, User
    from decimal import Decimal

    from apps.costs.selectors import team_budgets
    from apps.costs.services import team_budget_set
    from apps.tenancy.scope import unscoped_operator_scope

    org, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    owner, created = User.objects.get_or_create(email="owner@bench.test", defaults={"organization": org})
    if created:
        owner.set_password("bench")
        owner.save()
        Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    teams = []
    for t in range(TEAMS):
        team, _ = Team.objects.get_or_create(organization=org, slug=f"team-{t}", defaults={"name": f"Team {t}"})
        teams.append(team)
        if team.id not in team_budgets([team.id]):  # a budget is the team's cost_limit policy
            team_budget_set(scope=unscoped_operator_scope(org), actor=None, team=team, monthly_limit_usd=2000,
                            alert_at=Decimal("0.8"))
    manager, created = User.objects.get_or_create(email="manager@bench.test", defaults={"organization": org})
    if created:
        Membership.objects.create(organization=org, team=teams[0], user=manager, role=Role.MANAGER)
    gateway = Gateway.objects.filter(organization=org).first()
    if gateway is None:
        gateway = Gateway(organization=org, name="bench-gw")
        gateway.issue()
        gateway.save()
        gateway.teams.set(teams)
    keys = []
    for team in teams:
        for d in range(DEVELOPERS_PER_TEAM):
            user, created = User.objects.get_or_create(email=f"dev{d}@{team.slug}.bench.test",
                                                       defaults={"organization": org})
            if created:
                Membership.objects.create(organization=org, team=team, user=user, role=Role.DEVELOPER)
            key = GatewayKey.objects.filter(team=team, user=user).first()
            if key is None:
                key = GatewayKey(organization=org, team=team, user=user)
                key.issue()
                key.save()
            keys.append((team.pk, user.pk, user.email, key.key_id))
    return org, owner, manager, gateway, keys


def seed_events(org, gateway, keys, count: int, days: int, rng: random.Random) -> None:
    import msgspec

    from apps.events.models import Event, IngestBatch
    from apps.events.partitions import ensure_partitions
    from apps.events.services import batch_process
    from apps.events.ulids import ulid_new

    stored = Event.objects.filter(organization=org).count()
    if stored >= count:
        print(f"{stored:,} events already stored; not seeding")
        return
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=days)
    ensure_partitions(start, now)
    models, model_w = zip(*[(m, w) for m, w in MODELS])
    actions = [a for a in ACTIONS]
    action_w = [a[1] for a in ACTIONS]
    span = (now - start).total_seconds()
    todo = count - stored
    began = time.perf_counter()
    done = 0
    while done < todo:
        n = min(BATCH, todo - done)
        rows = []
        for _ in range(n):
            # Work hours: most traffic between 08:00 and 19:00 UTC.
            moment = start + timedelta(seconds=rng.random() * span)
            if rng.random() < 0.8:
                moment = moment.replace(hour=8 + rng.randrange(11))
            if moment > now:
                moment = now - timedelta(seconds=rng.random() * 3600)
            team_id, user_id, email, key_id = keys[rng.randrange(len(keys))]
            action, _, entry = rng.choices(actions, action_w)[0]
            tokens_in, tokens_out = rng.randint(50, 4000), rng.randint(10, 1500)
            policies = []
            if entry:
                name, ptype, pact = entry
                policies.append({"name": name, "type": ptype, "action": pact, "phase": "input",
                                 "score": round(rng.random(), 2), "findings": {"count": 1},
                                 "reasons": [f"{ptype} matched"]})
            ms = int(moment.timestamp() * 1000)
            rows.append({
                "id": ulid_new(moment, rng.getrandbits(80)), "ms": ms, "organization_id": org.pk,
                "team_id": team_id, "gateway_id": gateway.pk, "user_id": user_id, "email": email,
                "key_id": key_id, "model": rng.choices(models, model_w)[0], "endpoint": "/v1/chat/completions",
                "status": 200 if action != "error" else 502, "action": action, "tokens_in": tokens_in,
                "tokens_out": tokens_out, "cost_usd": round((tokens_in * 2.5 + tokens_out * 10) / 1e6, 6),
                "priced": True, "latency_ms": rng.uniform(200, 3000), "upstream_ms": None, "stream": False,
                "prompt_excerpt": "Summarise the attached design doc for [NAME_1]" if policies else "",
                "response_excerpt": "", "error_code": "upstream_error" if action == "error" else "",
                "policies": policies,
            })
        batch = IngestBatch.objects.create(organization_id=org.pk, gateway=gateway,
                                           payload=msgspec.msgpack.encode(rows), event_count=len(rows))
        batch_process(batch.pk)
        done += n
        if done % 100_000 < BATCH:
            rate = done / (time.perf_counter() - began)
            print(f"  seeded {stored + done:,} events ({rate:,.0f}/s)", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def backfill_daily_rollups(org) -> None:
    """Events seeded before the daily usage tier existed (migration 0004) get their days."""
    from django.db import connection

    from apps.events.models import UsageDailyRollup

    if UsageDailyRollup.objects.filter(organization=org).exists():
        return
    columns = "organization_id, team_id, user_id, model, gateway_id, key_id, action"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO events_usagedailyrollup ({columns}, day, requests, tokens_in, tokens_out, cost_usd, "
            f"latency_ms_sum) SELECT {columns}, date_trunc('day', hour), sum(requests), sum(tokens_in), "
            f"sum(tokens_out), sum(cost_usd), sum(latency_ms_sum) FROM events_usagerollup "
            f"WHERE organization_id = %s GROUP BY {columns}, date_trunc('day', hour)", [org.pk])
        cursor.execute("ANALYZE events_usagedailyrollup")


def pages(org):
    """Every Console page of issue 6, with ids from the manager's team (team-0)."""
    from apps.escalations.models import Escalation
    from apps.events.models import Event

    escalation = Escalation.objects.filter(organization=org, team__slug="team-0").order_by("created_at").first()
    event = Event.objects.filter(organization=org, team__slug="team-0").order_by("-ts").first()
    urls = [
        ("dashboard 7d", "/"),
        ("dashboard 30d", "/?period=30d"),
        ("events", "/events/"),
        ("events action=block", "/events/?action=block"),
        ("events policy=secrets 30d", "/events/?policy=secrets&since=30d"),
        ("events model+user", "/events/?model=gpt-4o&user=dev1@team-0.bench.test"),
        ("event detail", f"/events/{event.id}/"),
        ("escalations", "/escalations/"),
        ("escalation detail", f"/escalations/{escalation.pk}/" if escalation else None),
        ("cost center 30d", "/costs/?period=30d"),
        ("budgets", "/settings/budgets/"),
    ]
    return [(name, url) for name, url in urls if url]


def measure(client, url: str, repeat: int) -> list[float]:
    client.get(url)  # warm caches and connections once
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=28, help="spread over this many days (≤ 30)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a PostgreSQL database for the bench (it is migrated and seeded).")
    setup_django()
    from django.conf import settings
    from django.test import Client

    from apps.events.models import Event, UsageRollup

    settings.ALLOWED_HOSTS = ["*"]
    org, owner, manager, gateway, keys = seed_org()
    seed_events(org, gateway, keys, args.events, min(args.days, 30), random.Random(args.seed))
    backfill_daily_rollups(org)
    total = Event.objects.filter(organization=org).count()
    print(f"\n{total:,} events stored, {UsageRollup.objects.filter(organization=org).count():,} usage rollup rows; "
          f"{args.repeat} requests per page\n")
    print(f"{'page':32} {'actor':8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for actor_name, actor in (("manager", manager), ("owner", owner)):
        client = Client()
        client.force_login(actor)
        for name, url in pages(org):
            times = sorted(measure(client, url, args.repeat))
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"{name:32} {actor_name:8} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
