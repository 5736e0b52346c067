"""Budget writes: month-to-date spend (ingest, periodic recompute) and leases (DESIGN §6, §8)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from apps.events.rollups import upsert_add

from .models import BudgetLease, BudgetMonth
from .policy_facts import team_budget, with_budget, without_budget
from .selectors import month_of, team_budget_rules

ZERO = Decimal(0)
CENT = Decimal("0.000001")
UNLIMITED_REMAINING = 1e9


def budget_record_spend(rows: list[dict]) -> None:
    """Add inserted events' cost to the team's and each member's month, and to the
    pushing gateway's lease; then open any alert_at escalation now crossed."""
    spend = defaultdict(lambda: ZERO)  # (org, team, month, subject) -> cost
    settled = defaultdict(lambda: ZERO)  # (gateway, team, month, subject) -> cost
    for row in rows:
        if not row["cost"]:
            continue
        month = month_of(row["ts"])
        for subject in ("", row["email"]):
            spend[(row["organization_id"], row["team_id"], month, subject)] += row["cost"]
            if row["gateway_id"]:
                settled[(row["gateway_id"], row["team_id"], month, subject)] += row["cost"]
    if not spend:
        return
    now = timezone.now()
    upsert_add(
        "costs_budgetmonth",
        ("organization_id", "team_id", "month", "subject", "updated_at"),
        ("spent_usd",),
        [k + (now, v) for k, v in sorted(spend.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3]))],
        conflict=("team_id", "month", "subject"),
    )
    _settle_leases(settled)
    _open_crossed_alerts({(k[1], k[2]) for k in spend})


def _settle_leases(settled: dict) -> None:
    """Count spend against the leases that exist (usually a few per gateway and team)."""
    if not settled:
        return
    gateways = {k[0] for k in settled}
    teams = {k[1] for k in settled}
    months = {k[2] for k in settled}
    leases = BudgetLease.objects.filter(gateway_id__in=gateways, team_id__in=teams, month__in=months)
    for lease in sorted(leases.only("id", "gateway_id", "team_id", "month", "subject"), key=lambda lease: lease.pk):
        cost = settled.get((lease.gateway_id, lease.team_id, lease.month, lease.subject))
        if cost:
            BudgetLease.objects.filter(pk=lease.pk).update(settled_usd=F("settled_usd") + cost)


def _open_crossed_alerts(team_months) -> None:
    from apps.escalations.services import escalation_open_budget_alert
    from apps.tenancy.models import Team

    teams = {t.pk: t for t in Team.objects.filter(pk__in={tm[0] for tm in team_months})}
    for team_id, month in sorted(team_months):
        team = teams[team_id]
        rules = [r for r in team_budget_rules(team) if r.alert_at]
        if not rules:
            continue
        for state in BudgetMonth.objects.filter(team=team, month=month):
            for rule in rules:
                if (rule.scope == "user") != bool(state.subject):
                    continue
                threshold = rule.limit_usd * rule.alert_at
                if state.spent_usd >= threshold:
                    escalation_open_budget_alert(team=team, month=month, subject=state.subject, rule=rule,
                                                 spent=state.spent_usd)


def budget_recompute_month(team, month: date | None = None) -> None:
    """Recompute month-to-date spend from the usage rollup (the source of truth)."""
    from apps.events.models import UsageRollup

    month = month or month_of()
    start = datetime(month.year, month.month, 1, tzinfo=dt_timezone.utc)
    rows = (UsageRollup.objects.filter(team=team, hour__gte=start, hour__lt=_next_month_start(month))
            .values("user__email").annotate(cost=Sum("cost_usd")))
    per_user = {r["user__email"]: r["cost"] or ZERO for r in rows}
    totals = {"": sum(per_user.values(), ZERO), **per_user}
    with transaction.atomic():
        for subject, spent in totals.items():
            BudgetMonth.objects.update_or_create(
                team=team, month=month, subject=subject,
                defaults={"organization_id": team.organization_id, "spent_usd": spent, "updated_at": timezone.now()},
            )


def _next_month_start(month: date):
    year, mon = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return datetime(year, mon, 1, tzinfo=dt_timezone.utc)


@dataclass
class LeaseGrant:
    granted: Decimal
    remaining: Decimal | None  # None: the team has no budget
    month: date


def budget_lease_grant(*, gateway, team, requested: Decimal, user_email: str | None = None) -> LeaseGrant:
    """Grant a gateway a slice of what remains this month.

    Every applicable rule (Console budget, team-scope cost_limit; per-member
    rules when `user_email` is given) bounds the grant by limit - spent - the
    unspent leases of every gateway. The BudgetMonth rows of the subjects are
    locked (in one order) for the whole decision, so concurrent leases cannot
    together exceed what remains.
    """
    month = month_of()
    rules = team_budget_rules(team)
    applicable = [(r, "") for r in rules if r.scope != "user"]
    if user_email:
        applicable += [(r, user_email) for r in rules if r.scope == "user"]
    if not applicable:
        return LeaseGrant(granted=requested, remaining=None, month=month)
    subjects = sorted({subject for _, subject in applicable})
    with transaction.atomic():
        for subject in subjects:
            BudgetMonth.objects.get_or_create(team=team, month=month, subject=subject,
                                              defaults={"organization_id": team.organization_id})
        states = {s.subject: s for s in BudgetMonth.objects.select_for_update()
                  .filter(team=team, month=month, subject__in=subjects).order_by("subject")}
        leases = list(BudgetLease.objects.filter(team=team, month=month, subject__in=subjects))
        unspent = defaultdict(lambda: ZERO)
        for lease in leases:
            unspent[lease.subject] += lease.unspent_usd
        remaining = min(
            max(rule.limit_usd - states[subject].spent_usd - unspent[subject], ZERO) for rule, subject in applicable
        )
        granted = min(max(requested, ZERO), remaining).quantize(CENT)
        if granted > 0:
            for subject in subjects:
                lease, _ = BudgetLease.objects.get_or_create(
                    gateway=gateway, team=team, month=month, subject=subject,
                    defaults={"organization_id": team.organization_id},
                )
                BudgetLease.objects.filter(pk=lease.pk).update(
                    granted_usd=F("granted_usd") + granted, updated_at=timezone.now()
                )
    return LeaseGrant(granted=granted, remaining=remaining - granted, month=month)


def team_budget_set(*, scope, actor, team, monthly_limit_usd, alert_at, budget_scope="team", action="block",
                    request=None):
    """Settings > Budgets: the budget becomes the team's cost_limit policy in a new
    policy version (audited as `budget.set` with the values before and after), so
    the history shows its diff and gateways get it with their next config pull."""
    from apps.policies.services import team_policy_change

    limit = Decimal(monthly_limit_usd).quantize(Decimal("0.01"))
    before = {}

    def change(current: str) -> str:
        rule = team_budget(current)
        before.update(_budget_facts(rule) if rule else {})
        return with_budget(current, monthly_limit=limit, alert_at=alert_at, scope=budget_scope, action=action)

    after = {"monthly_limit_usd": str(limit), "alert_at": str(alert_at) if alert_at is not None else None,
             "scope": budget_scope, "action": action}
    return team_policy_change(
        scope=scope, actor=actor, team=team, change=change, request=request, audit_action="budget.set",
        note=f"Budget: ${limit:,.2f} a month" + (f", alert at {alert_at:.0%}" if alert_at else ""),
        before=before, after=after,  # `before` is filled in by change()
    )


def team_budget_remove(*, scope, actor, team, request=None):
    """Settings > Budgets "Remove": the team's budget policy is disabled in a new policy
    version (audited as `budget.removed`); gateways stop enforcing it with their next pull."""
    from apps.policies.services import team_policy_change

    before = {}

    def change(current: str) -> str:
        rule = team_budget(current)
        if rule is None:
            raise ValidationError(f"{team.name} has no budget to remove.")
        before.update(_budget_facts(rule))
        return without_budget(current)

    return team_policy_change(scope=scope, actor=actor, team=team, change=change, request=request,
                              audit_action="budget.removed", note="Budget removed", before=before)


def _budget_facts(rule) -> dict:
    return {"monthly_limit_usd": str(rule.limit_usd), "alert_at": str(rule.alert_at) if rule.alert_at is not None else None,
            "scope": rule.scope, "action": rule.action}
