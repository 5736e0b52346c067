from django.conf import settings
from django.db import models
from django.utils import timezone


class Escalation(models.Model):
    """A policy hit or budget alert waiting for human review (DESIGN §8, §9)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed as false positive"
        RESOLVED = "resolved", "Resolved"

    class Kind(models.TextChoices):
        POLICY = "policy", "Policy"
        BUDGET = "budget", "Budget alert"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.POLICY)
    # The event (no FK: events are partitioned); empty for a budget alert.
    event_id = models.CharField(max_length=26, blank=True, default="")
    event_ts = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", help_text="Whose request (or whose budget) it is.")
    policy = models.CharField(max_length=100)
    policy_type = models.CharField(max_length=40)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    findings = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_escalations")
    note = models.TextField(blank=True, default="")
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # Makes creation idempotent: "event:<id>:<policy>" or "budget:<team>:<month>:<subject>:<policy>".
    dedupe_key = models.CharField(max_length=400)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]  # the queue is oldest first
        constraints = [models.UniqueConstraint(fields=["organization", "dedupe_key"], name="escalation_dedupe")]
        # The queue and its counts span every visible team: org-leading indexes are read in
        # order and stop after a page (a team-leading one with `team_id IN (…)` sorts all
        # matches: 150 ms for 60,000 open escalations); the trailing team column lets counts
        # read the index alone (docs/scaling.md).
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="escalation_queue"),
            models.Index(fields=["organization", "status", "created_at", "id", "team"], name="escalation_org_queue"),
            models.Index(fields=["organization", "created_at", "id", "team"], name="escalation_org_created"),
        ]

    def __str__(self):
        return f"{self.policy} {self.status} ({self.event_id or self.dedupe_key})"


class EscalationCount(models.Model):
    """How many escalations of a team, opened on one UTC day, for one policy, are in
    each status. Every escalation is counted in exactly one row (its creation day,
    its current status); the services move it between rows in the transaction that
    opens or triages it, so the dashboard's "escalations in period" and per-policy
    "dismissed ÷ triaged" read a few hundred rows instead of every escalation
    (docs/scaling.md). No user column: a developer's own escalations are counted
    from the escalations themselves (apps.escalations.selectors.escalation_tallies)."""

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="+")
    day = models.DateTimeField()  # midnight UTC of the escalation's created_at
    policy = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Escalation.Status)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day", "policy", "status"], name="escalationcount_key")]
        indexes = [models.Index(fields=["organization", "day"], name="escalationcount_org_day")]

    def __str__(self):
        return f"{self.policy} {self.status} {self.day:%Y-%m-%d}: {self.count}"
