from decimal import Decimal

from django import forms

SCOPES = [("team", "Whole team"), ("user", "Each member")]
ACTIONS = [("block", "Block"), ("log", "Log only")]


class TeamBudgetForm(forms.Form):
    """Settings > Budgets: the fields of the team's cost_limit policy; the alert
    threshold is entered as a percentage."""

    monthly_limit_usd = forms.DecimalField(
        label="Monthly limit (USD)", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        error_messages={"min_value": "The limit must be more than $0; to stop paid calls, limit the team's allowed models."})
    alert_percent = forms.IntegerField(
        label="Alert at (% of the limit)", required=False, min_value=1, max_value=99,
        help_text="Opens an escalation once a month when spend crosses it. Leave empty for no alert.")
    scope = forms.ChoiceField(label="Applies to", choices=SCOPES, initial="team")
    action = forms.ChoiceField(label="When reached", choices=ACTIONS, initial="block",
                               help_text="Block refuses further calls until the month ends; log only records them.")

    @classmethod
    def for_budget(cls, budget, **kwargs):
        """The form filled in from a team's current budget (a BudgetRule), if any."""
        initial = {}
        if budget is not None:
            initial = {"monthly_limit_usd": budget.limit_usd.quantize(Decimal("0.01")), "scope": budget.scope,
                       "action": budget.action,
                       "alert_percent": int(budget.alert_at * 100) if budget.alert_at is not None else None}
        return cls(initial=initial, **kwargs)

    def alert_at(self) -> Decimal | None:
        percent = self.cleaned_data.get("alert_percent")
        return None if percent is None else (Decimal(percent) / 100).quantize(Decimal("0.001"))
