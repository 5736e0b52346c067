"""Server time of every Console page with many events stored (issue 6 §7: ≤ 300 ms p95).

    .venv/bin/python bench/console.py --events 10000000 --repeat 20

It measures the dataset of `bench/query.py` (bench/dataset.py: BENCH_DATABASE_URL,
default kt_bench_query; org "bench", 3 teams, 60 developers, 30 days), generating
the missing events with `generate_events` (events, policy entries, hourly and
daily rollups, budget state, escalations) unless that many are already stored.
It adds what only the Console reads (a monthly budget per team, a manager of
`platform`, the owner's login), then requests each page --repeat times
in-process (Django test client, logged in as the team manager and as the org
owner) and prints p50 / p95 / max per page. "Server time" is the whole
request/response cycle inside Django (middleware, queries, templates), without
the network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MANAGED_TEAM = "platform"
MONTHLY_BUDGET_USD = 20000


def console_actors(org):
    """The owner and a manager of MANAGED_TEAM (with passwords), and every team's budget."""
    from apps.costs.selectors import team_budgets
    from apps.costs.services import team_budget_set
    from apps.tenancy.models import Membership, Role, Team, User
    from apps.tenancy.scope import unscoped_operator_scope

    owner, created = User.objects.get_or_create(email="owner@bench.test", defaults={"organization": org})
    if created:
        owner.set_password("bench")
        owner.save()
        Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    manager, created = User.objects.get_or_create(email="manager@bench.test", defaults={"organization": org})
    if created:
        Membership.objects.create(organization=org, team=Team.objects.get(organization=org, slug=MANAGED_TEAM),
                                  user=manager, role=Role.MANAGER)
    for team in Team.objects.filter(organization=org):
        if team.id not in team_budgets([team.id]):  # a budget is the team's cost_limit policy
            team_budget_set(scope=unscoped_operator_scope(org), actor=None, team=team,
                            monthly_limit_usd=MONTHLY_BUDGET_USD, alert_at=Decimal("0.8"))
    return owner, manager


def pages(org):
    """Every Console page of issue 6, with ids from the manager's team."""
    from apps.escalations.models import Escalation
    from apps.events.models import Event

    team = dict(organization=org, team__slug=MANAGED_TEAM)
    escalation = Escalation.objects.filter(**team, status=Escalation.Status.OPEN).order_by("created_at").first()
    event = Event.objects.filter(**team).order_by("-ts").first()
    developer = Event.objects.filter(**team, ts__gte=event.ts.replace(hour=0)).values_list(
        "user__email", flat=True).first()
    urls = [
        ("dashboard 7d", "/"),
        ("dashboard 30d", "/?period=30d"),
        ("events", "/events/"),
        ("events action=block", "/events/?action=block"),
        ("events action=escalate", "/events/?action=escalate"),
        ("events policy=dlp-filter 30d", "/events/?policy=dlp-filter&since=30d"),
        ("events model+user", f"/events/?model=gpt-4o&user={developer}"),
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
    parser.add_argument("--events", type=int, default=1_000_000, help="generate up to this many (default 1M)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from dataset import database_url, ensure_events, open_database

    open_database(database_url(), fresh=False)
    org = ensure_events(args.events)
    from django.conf import settings
    from django.test import Client

    from apps.escalations.models import Escalation
    from apps.events.models import Event, PolicyEntry, UsageDailyRollup, UsageRollup

    settings.ALLOWED_HOSTS = ["*"]
    owner, manager = console_actors(org)
    counts = {
        "events": Event.objects.filter(organization=org).count(),
        "policy entries": PolicyEntry.objects.count(),
        "hourly usage rows": UsageRollup.objects.filter(organization=org).count(),
        "daily usage rows": UsageDailyRollup.objects.filter(organization=org).count(),
        "escalations": Escalation.objects.filter(organization=org).count(),
        "open escalations": Escalation.objects.filter(organization=org, status=Escalation.Status.OPEN).count(),
    }
    print("\n" + ", ".join(f"{n:,} {what}" for what, n in counts.items()) + f"; {args.repeat} requests per page\n")
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
