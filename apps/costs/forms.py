from decimal import Decimal

from django import forms

from .models import TeamBudget


class TeamBudgetForm(forms.ModelForm):
    """Settings > Budgets: the alert threshold is entered as a percentage."""

    alert_percent = forms.IntegerField(
        label="Alert at (% of the limit)", required=False, min_value=1, max_value=100,
        help_text="Opens an escalation once a month when spend crosses it. Leave empty for no alert.")

    class Meta:
        model = TeamBudget
        fields = ["monthly_limit_usd", "scope", "action"]
        labels = {"monthly_limit_usd": "Monthly limit (USD)", "scope": "Applies to", "action": "When reached"}
        help_texts = {"action": "Block refuses further calls until the month ends; log only records them."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monthly_limit_usd"].min_value = Decimal("0")
        if self.instance.pk and self.instance.alert_at is not None:
            self.initial["alert_percent"] = int(self.instance.alert_at * 100)

    def clean_monthly_limit_usd(self):
        value = self.cleaned_data["monthly_limit_usd"]
        if value is not None and value < 0:
            raise forms.ValidationError("The limit cannot be negative; use 0 to stop all paid calls.")
        return value

    def alert_at(self) -> Decimal | None:
        percent = self.cleaned_data.get("alert_percent")
        return None if percent is None else (Decimal(percent) / 100).quantize(Decimal("0.001"))
