"""Console writes that the domain apps do not offer yet."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.costs.models import TeamBudget

CENTS = Decimal("0.01")


def team_budget_set(*, team, actor, monthly_limit_usd, alert_at, scope, action, request=None) -> TeamBudget:
    """Create or change a team's monthly budget, audited with the old and new values.
    The gateway config (GET /v1/gateway/config) reads TeamBudget, so gateways pick
    it up with their next pull."""
    with transaction.atomic():
        budget = TeamBudget.objects.select_for_update().filter(team=team).first()
        before = _budget_facts(budget) if budget else None
        if budget is None:
            budget = TeamBudget(organization_id=team.organization_id, team=team)
        budget.monthly_limit_usd = Decimal(monthly_limit_usd).quantize(CENTS)
        budget.alert_at = alert_at
        budget.scope = scope
        budget.action = action
        budget.updated_at = timezone.now()
        budget.save()
        audit_record(organization=team.organization, actor=actor, action="budget.set", target=budget,
                     request=request, team=team, before=before, after=_budget_facts(budget))
    return budget


def _budget_facts(budget: TeamBudget) -> dict:
    return {"monthly_limit_usd": str(budget.monthly_limit_usd),
            "alert_at": str(budget.alert_at) if budget.alert_at is not None else None,
            "scope": budget.scope, "action": budget.action}
