"""Reads behind the Console's dashboard and Cost Center (DESIGN §8, §9).

Everything here reads the rollups (daily usage, hourly per policy), never raw events (except the first
governed call of each key, one indexed lookup per key), and everything goes
through the actor's scope: managers see their teams, developers their own rows.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from apps.costs.models import BudgetMonth
from apps.costs.selectors import month_of, team_budgets
from apps.escalations.models import Escalation
from apps.escalations.selectors import PolicyRate, escalation_tallies, policy_rates
from apps.events.models import Event, PolicyRollup, UsageDailyRollup
from apps.keys.selectors import gateway_key_list
from apps.tenancy.models import Membership, Role
from apps.tenancy.scope import Scope

from .charts import ACTION_COLORS, share, stacked_by_day
from .forms import Period

ZERO = Decimal(0)
ONBOARDING_KEYS_SHOWN = 50
# Aliases differ from the rollup's column names: Django refuses to shadow them.
SPEND_COUNTERS = {"calls": Sum("requests"), "tokens_input": Sum("tokens_in"), "tokens_output": Sum("tokens_out"),
                  "cost": Sum("cost_usd")}


def usage_rollups(*, scope: Scope, start: datetime, end: datetime, gateway_id: int | None = None):
    """Daily usage rows the actor may see; the Console's periods are whole UTC days."""
    qs = scope.filter(UsageDailyRollup.objects.filter(organization=scope.organization), user_field="user")
    qs = qs.filter(day__gte=start, day__lt=end)
    return qs.filter(gateway_id=gateway_id) if gateway_id else qs


def policy_rollups(*, scope: Scope, start: datetime, end: datetime):
    """Per-policy rows are team facts (no user), so developers see none."""
    qs = scope.filter(PolicyRollup.objects.filter(organization=scope.organization), user_field=None)
    return qs.filter(hour__gte=start, hour__lt=end)


def _day_rows(qs, series_field: str, value: str) -> list[dict]:
    """One row per (day, series) with the value's sum in "v"."""
    return list(qs.values("day", series_field).annotate(v=Sum(value)).order_by())


def _by_day(rows: list[dict], series_field: str) -> dict[tuple[date, str], float]:
    return {(r["day"].astimezone(timezone.utc).date(), r[series_field]): float(r["v"] or 0) for r in rows}


def false_positive_rates(*, scope: Scope, tallies: Counter | None = None) -> list[PolicyRate]:
    """Dismissed ÷ triaged escalations per policy (DESIGN §8), most triaged first; from
    `escalation_tallies` (all time), which the caller may pass when it has them."""
    tallies = escalation_tallies(scope=scope) if tallies is None else tallies
    return sorted(policy_rates(tallies).values(), key=lambda r: (-r.triaged, r.policy))


@dataclass
class TeamBudgetState:
    team: object
    limit: Decimal | None
    alert_at: Decimal | None
    spent: Decimal
    forecast: Decimal

    @property
    def used(self) -> float | None:
        return share(self.spent, self.limit) if self.limit else None

    @property
    def forecast_used(self) -> float | None:
        return share(self.forecast, self.limit) if self.limit else None

    @property
    def within(self) -> bool | None:
        return None if not self.limit else self.spent <= self.limit

    @property
    def bar_percent(self) -> int:
        return min(100, round((self.used or 0) * 100))


def month_elapsed(now: datetime) -> float:
    """Share of the current UTC month that has passed (never 0, for the run rate)."""
    days = calendar.monthrange(now.year, now.month)[1]
    start = datetime(now.year, now.month, 1, tzinfo=timezone.utc)
    return max((now - start) / timedelta(days=days), 1 / (days * 24))


def team_budget_states(*, scope: Scope, now: datetime | None = None, budgets: dict | None = None) -> list[TeamBudgetState]:
    """Month-to-date spend against each visible team's budget, with the month-end
    forecast from the run rate. Teams where the actor is a developer are left
    out: a team's total is not theirs to see. `budgets` (team id -> budget, from
    `team_budgets`) saves reading the teams' policies again when the caller has them."""
    now = now or datetime.now(timezone.utc)
    team_ids = [tid for tid, role in scope.team_roles.items() if role != Role.DEVELOPER]
    if budgets is None:
        budgets = team_budgets(team_ids)
    spent = dict(BudgetMonth.objects.filter(team_id__in=team_ids, month=month_of(now), subject="")
                 .values_list("team_id", "spent_usd"))
    elapsed = Decimal(str(month_elapsed(now)))
    states = []
    for team in scope.teams().filter(id__in=team_ids):
        budget = budgets.get(team.id)
        mtd = spent.get(team.id) or ZERO
        states.append(TeamBudgetState(
            team=team, limit=budget.limit_usd if budget else None,
            alert_at=budget.alert_at if budget else None, spent=mtd, forecast=(mtd / elapsed).quantize(Decimal("0.01")),
        ))
    return states


@dataclass
class Onboarding:
    user: object
    team: object
    key_issued_at: datetime
    first_call_at: datetime | None

    @property
    def duration(self) -> timedelta | None:
        return self.first_call_at - self.key_issued_at if self.first_call_at else None


def onboarding(*, scope: Scope) -> list[Onboarding]:
    """Per developer and team: first key issued → first governed call after it
    (one indexed lookup per key, in the same query)."""
    first_call = (Event.objects.filter(team_id=OuterRef("team_id"), user_id=OuterRef("user_id"),
                                       ts__gte=OuterRef("created_at")).order_by("ts").values("ts")[:1])
    keys = (gateway_key_list(scope=scope).order_by("-created_at")[:ONBOARDING_KEYS_SHOWN]
            .annotate(first_call=Subquery(first_call)))
    tracked: dict[tuple[int, int], Onboarding] = {}
    for key in keys:
        row = tracked.setdefault((key.team_id, key.user_id),
                                 Onboarding(key.user, key.team, key.created_at, key.first_call))
        if key.created_at < row.key_issued_at:
            row.key_issued_at = key.created_at
        if key.first_call and (row.first_call_at is None or key.first_call < row.first_call_at):
            row.first_call_at = key.first_call
    return sorted(tracked.values(), key=lambda o: o.key_issued_at, reverse=True)


def team_member_ids(scope: Scope) -> set[int]:
    """People in the visible teams (developers: only themselves)."""
    qs = scope.filter(Membership.objects.filter(organization=scope.organization, team__isnull=False),
                      user_field="user")
    return set(qs.values_list("user_id", flat=True))


def dashboard(*, scope: Scope, period: Period, gateway_id: int | None = None, now: datetime | None = None) -> dict:
    usage = usage_rollups(scope=scope, start=period.start, end=period.end, gateway_id=gateway_id)
    # The two charts' rows give the totals too: one read of the daily rollup fewer.
    by_action = _day_rows(usage, "action", "requests")
    by_model = _day_rows(usage, "model", "cost_usd")
    requests = sum(r["v"] or 0 for r in by_action)
    blocked = sum(r["v"] or 0 for r in by_action if r["action"] == "block")
    active_users = set(usage.values_list("user_id", flat=True).distinct().order_by())
    members = team_member_ids(scope)
    all_time = escalation_tallies(scope=scope)
    budgets = team_budget_states(scope=scope, now=now)
    rates = false_positive_rates(scope=scope, tallies=all_time)
    triaged = sum(r.triaged for r in rates)
    onboard = onboarding(scope=scope)
    durations = sorted(o.duration for o in onboard if o.duration is not None)
    top_policies = list(
        policy_rollups(scope=scope, start=period.start, end=period.end).exclude(action="allow")
        .values("policy", "policy_type").annotate(hits=Sum("requests"),
                                                  blocked=Sum("requests", filter=Q(action="block")))
        .order_by("-hits", "policy")[:8]
    )
    with_budget = [b for b in budgets if b.limit]
    return {
        "requests": requests,
        "developers": len(active_users),
        "requests_per_developer": requests / len(active_users) if active_users else None,
        "unique_models": len({r["model"] for r in by_model}),
        "block_rate": share(blocked, requests),
        "cost": sum((r["v"] or ZERO for r in by_model), ZERO),
        "escalation_count": escalation_tallies(scope=scope, start=period.start, end=period.end).total(),
        "open_escalations": sum(n for (_, status), n in all_time.items() if status == Escalation.Status.OPEN),
        "adoption_rate": share(len(active_users & members), len(members)),
        "members": len(members),
        "adopted": len(active_users & members),
        "budgets": budgets,
        "spent_mtd": sum((b.spent for b in budgets), ZERO),
        "budget_mtd": sum((b.limit for b in with_budget), ZERO),
        "within_budget": (sum(1 for b in with_budget if b.within), len(with_budget)),
        "false_positive_rates": rates,
        "false_positive_rate": share(sum(r.dismissed for r in rates), triaged),
        "onboarding": onboard,
        "median_onboarding": durations[len(durations) // 2] if durations else None,
        "top_policies": top_policies,
        "requests_chart": stacked_by_day("Requests per day by action", period.days,
                                         _by_day(by_action, "action"), colors=ACTION_COLORS),
        "spend_chart": stacked_by_day("Spend per day by model", period.days, _by_day(by_model, "model"), money=True),
    }


def spend_breakdown(*, scope: Scope, period: Period, gateway_id: int | None = None) -> dict:
    """The Cost Center: spend by user, model and day."""
    usage = usage_rollups(scope=scope, start=period.start, end=period.end, gateway_id=gateway_id)
    counters = SPEND_COUNTERS
    by_user = list(usage.values("user__email").annotate(**counters).order_by("-cost", "user__email"))
    by_model = list(usage.values("model").annotate(**counters).order_by("-cost", "model"))
    totals = {name: sum((row[name] for row in by_model if row[name] is not None), ZERO if name == "cost" else 0)
              if by_model else None for name in counters}  # what `aggregate` gives, without another read
    return {
        "by_user": by_user,
        "by_model": by_model,
        "totals": totals,
        "by_day_chart": stacked_by_day("Spend per day by model", period.days,
                                       _by_day(_day_rows(usage, "model", "cost_usd"), "model"), money=True),
    }


def spend_export_rows(*, scope: Scope, period: Period, gateway_id: int | None = None):
    """Day × team × user × model rows for the CSV export (iterated, not loaded)."""
    usage = usage_rollups(scope=scope, start=period.start, end=period.end, gateway_id=gateway_id)
    return (usage.values("day", "team__slug", "user__email", "model")
            .annotate(**SPEND_COUNTERS)
            .order_by("day", "team__slug", "user__email", "model").iterator(chunk_size=2000))


def event_detail(*, scope: Scope, event_id: str):
    """One event the actor may see, with its policy entries; None when outside the scope.
    The ULID gives the time, so only one monthly partition is read."""
    from apps.events.models import PolicyEntry
    from apps.events.ulids import ulid_datetime

    moment = ulid_datetime(event_id or "")
    if moment is None:
        return None
    qs = scope.filter(Event.objects.filter(organization=scope.organization), user_field="user")
    event = qs.filter(id=event_id.upper(), ts=moment).select_related("team", "user", "gateway").first()
    if event is not None:
        event.entries = list(PolicyEntry.objects.filter(event_id=event.id, ts=event.ts).order_by("id"))
    return event
