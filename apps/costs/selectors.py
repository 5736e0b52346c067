"""Reads for prices and budgets."""

from datetime import date, datetime, timezone
from decimal import Decimal

from django.db.models import Sum

from apps.policies.selectors import team_policy_current
from keeptrusts.prices import packaged_prices
from keeptrusts.wire import ModelPrice as WirePrice

from .models import BudgetLease, BudgetMonth, ModelPrice, TeamBudget
from .policy_facts import BudgetRule, cost_limits

CONSOLE_BUDGET_NAME = "team-budget"


def month_of(moment: datetime | None = None) -> date:
    moment = moment or datetime.now(timezone.utc)
    return date(moment.year, moment.month, 1)


def model_prices(organization_id: int) -> dict[str, WirePrice]:
    """Packaged prices with the organization's overrides on top."""
    prices = dict(packaged_prices())
    for row in ModelPrice.objects.filter(organization_id=organization_id):
        prices[row.model] = WirePrice(input=float(row.input_per_million), output=float(row.output_per_million))
    return prices


def team_budget_rules(team) -> list[BudgetRule]:
    """The Console budget and any cost_limit of the team's policy set; the stricter wins."""
    rules = []
    budget = TeamBudget.objects.filter(team=team).first()
    if budget is not None:
        rules.append(BudgetRule(
            name=CONSOLE_BUDGET_NAME, limit_usd=budget.monthly_limit_usd, alert_at=budget.alert_at,
            scope=budget.scope, action=budget.action, source="console",
        ))
    current = team_policy_current(team)
    if current is not None:
        rules.extend(cost_limits(current.yaml_text))
    return rules


def budget_month_to_date(team, subject: str = "", month: date | None = None) -> Decimal:
    row = BudgetMonth.objects.filter(team=team, month=month or month_of(), subject=subject).first()
    return row.spent_usd if row else Decimal(0)


def budget_unspent_leases(team, subject: str, month: date) -> Decimal:
    total = Decimal(0)
    for lease in BudgetLease.objects.filter(team=team, month=month, subject=subject):
        total += lease.unspent_usd
    return total


def team_spend_by_subject(team, month: date) -> dict[str, Decimal]:
    return dict(BudgetMonth.objects.filter(team=team, month=month).values_list("subject").annotate(s=Sum("spent_usd")))
