from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Sum

from apps.tenancy.scope import Scope

from .models import Escalation, EscalationCount


def escalation_list(*, scope: Scope, status: str | None = None):
    """The review queue, oldest first. Developers see escalations of their own requests."""
    qs = scope.filter(Escalation.objects.filter(organization=scope.organization), user_field="user")
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("team", "user", "assignee").order_by("created_at", "id")


def escalation_tallies(*, scope: Scope, start: datetime | None = None, end: datetime | None = None,
                       status: str | None = None, policy: str | None = None) -> Counter:
    """Escalations the actor may see per (policy, status), opened in [start, end) (whole
    UTC days). Read from the daily escalation counts: a few hundred rows, not every
    escalation. The counts have no user, so in teams where the actor is a developer
    their own escalations are counted directly."""
    tallies = Counter()
    if scope.is_empty:
        return tallies
    counted = scope.filter(EscalationCount.objects.filter(organization=scope.organization), user_field=None)
    own = Escalation.objects.filter(organization=scope.organization, team_id__in=scope.own_only_team_ids,
                                    user_id=scope.user_id)
    if start:
        counted, own = counted.filter(day__gte=start), own.filter(created_at__gte=start)
    if end:
        counted, own = counted.filter(day__lt=end), own.filter(created_at__lt=end)
    if status:
        counted, own = counted.filter(status=status), own.filter(status=status)
    if policy:
        counted, own = counted.filter(policy=policy), own.filter(policy=policy)
    for row in counted.values("policy", "status").annotate(n=Sum("count")).order_by():
        tallies[(row["policy"], row["status"])] += row["n"]
    if scope.own_only_team_ids:
        for row in own.values("policy", "status").annotate(n=Count("id")).order_by():
            tallies[(row["policy"], row["status"])] += row["n"]
    return +tallies  # drops the (policy, status) pairs whose escalations all moved on


@dataclass
class PolicyRate:
    """One policy's triaged escalations and how many were dismissed as false positives."""

    policy: str
    triaged: int
    dismissed: int

    @property
    def rate(self) -> float | None:
        return self.dismissed / self.triaged if self.triaged else None


def policy_rates(tallies: Counter) -> dict[str, PolicyRate]:
    """Per policy, from `escalation_tallies`: triaged (any status but open) and dismissed counts."""
    rates: dict[str, PolicyRate] = {}
    for (policy, status), n in tallies.items():
        if status == Escalation.Status.OPEN:
            continue
        rate = rates.setdefault(policy, PolicyRate(policy, 0, 0))
        rate.triaged += n
        if status == Escalation.Status.DISMISSED:
            rate.dismissed += n
    return rates


def escalation_false_positive_rates(*, scope: Scope) -> dict[str, float]:
    """Per policy: dismissed ÷ triaged (DESIGN §8)."""
    return {policy: r.rate for policy, r in policy_rates(escalation_tallies(scope=scope)).items()}
