from django.db import models
from django.utils import timezone


class ModelPrice(models.Model):
    """An organization's override of a packaged model price (USD per 1M tokens)."""

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100)
    input_per_million = models.DecimalField(max_digits=10, decimal_places=4)
    output_per_million = models.DecimalField(max_digits=10, decimal_places=4)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["model"]
        constraints = [models.UniqueConstraint(fields=["organization", "model"], name="modelprice_unique_in_org")]

    def __str__(self):
        return f"{self.model} ${self.input_per_million}/${self.output_per_million} per 1M"


class BudgetMonth(models.Model):
    """Month-to-date spend of a team (`subject` "") or of one member (`subject` = email).

    Incremented by ingest in the same transaction as the events, recomputed from
    the usage rollup by the periodic task. Its row lock serializes lease grants.
    """

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month, UTC
    subject = models.CharField(max_length=254, blank=True, default="")
    spent_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    alerted_at = models.DateTimeField(null=True, blank=True)  # alert_at crossing, once a month
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "month", "subject"], name="budgetmonth_key")]


class BudgetLease(models.Model):
    """What one gateway holds of a team's (or member's) monthly budget.

    `granted_usd` is every slice granted this month; `settled_usd` what that
    gateway's events have cost since. Unspent = granted - settled, and the sum of
    unspent plus spent never exceeds the limit.
    """

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="+")
    gateway = models.ForeignKey("gateways.Gateway", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    subject = models.CharField(max_length=254, blank=True, default="")
    granted_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    settled_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gateway", "team", "month", "subject"], name="budgetlease_key")]

    @property
    def unspent_usd(self):
        return max(self.granted_usd - self.settled_usd, 0)
