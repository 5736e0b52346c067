"""A team's budget is its cost_limit policy (docs/operations.md, "Budgets"): each
TeamBudget row becomes a new version of the team's policy set, then the table goes."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone


def budgets_into_policies(apps, schema_editor):
    TeamBudget = apps.get_model("costs", "TeamBudget")
    if not TeamBudget.objects.exists():
        return  # a fresh database never needs today's YAML editor, whatever it is called later
    from apps.costs.policy_facts import with_budget

    TeamPolicyVersion = apps.get_model("policies", "TeamPolicyVersion")
    for budget in TeamBudget.objects.all():
        current = TeamPolicyVersion.objects.filter(team_id=budget.team_id).order_by("-version").first()
        text = current.yaml_text if current else ""
        # cost_limit needs 0 < monthly_limit and 0 < alert_at < 1; the old form allowed $0 and 100 %.
        new = with_budget(text, monthly_limit=max(budget.monthly_limit_usd, Decimal("0.01")),
                          alert_at=budget.alert_at if budget.alert_at and budget.alert_at < 1 else None,
                          scope=budget.scope, action=budget.action)
        if new != text:
            TeamPolicyVersion.objects.create(
                organization_id=budget.organization_id, team_id=budget.team_id,
                version=(current.version + 1) if current else 1, yaml_text=new, created_at=timezone.now(),
                note=f"Budget: ${budget.monthly_limit_usd:,.2f} a month (moved from Settings > Budgets into the policy set)",
            )


class Migration(migrations.Migration):

    dependencies = [
        ("costs", "0002_budgetlease_budgetmonth_modelprice"),
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(budgets_into_policies, migrations.RunPython.noop),
        migrations.DeleteModel(name="TeamBudget"),
    ]
