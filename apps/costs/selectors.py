"""Reads for prices and budgets."""

from datetime import date, datetime, timezone
from decimal import Decimal

from django.db.models import Sum

from apps.policies.selectors import team_policies_current, team_policy_current
from keeptrusts.prices import packaged_prices
from keeptrusts.wire import ModelPrice as WirePrice

from .models import BudgetLease, BudgetMonth, ModelPrice
from .policy_facts import BudgetRule, cost_limits, team_budget


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
    """Every cost_limit of the team's policy set (its budget among them); the stricter wins."""
    current = team_policy_current(team)
    return cost_limits(current.yaml_text) if current is not None else []


def team_budgets(team_ids) -> dict[int, BudgetRule]:
    """The budget (Settings > Budgets) of each of these teams that has one, from
    their current policy versions in one query."""
    versions = team_policies_current(team_ids).values_list("team_id", "yaml_text")
    budgets = {team_id: team_budget(yaml_text) for team_id, yaml_text in versions}
    return {team_id: rule for team_id, rule in budgets.items() if rule is not None}


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
