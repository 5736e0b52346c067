from django.db import models
from django.utils import timezone


class TeamBudget(models.Model):
    """A team's monthly budget (Settings > Budgets). A team fact: it applies on
    every gateway of the team, on top of any `cost_limit` in a policy file."""

    class Scope(models.TextChoices):
        TEAM = "team", "Whole team"
        USER = "user", "Each member"

    class Action(models.TextChoices):
        BLOCK = "block", "Block"
        LOG = "log", "Log only"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField("tenancy.Team", on_delete=models.CASCADE, related_name="budget")
    monthly_limit_usd = models.DecimalField(max_digits=12, decimal_places=2)
    alert_at = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True,
                                   help_text="Fraction of the limit (e.g. 0.8) that opens an escalation once a month.")
    scope = models.CharField(max_length=10, choices=Scope, default=Scope.TEAM)
    action = models.CharField(max_length=10, choices=Action, default=Action.BLOCK)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.team} ${self.monthly_limit_usd}/month"
