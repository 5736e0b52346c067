from django.db.models import Count, Q

from apps.tenancy.scope import Scope

from .models import Escalation


def escalation_list(*, scope: Scope, status: str | None = None):
    """The review queue, oldest first. Developers see escalations of their own requests."""
    qs = scope.filter(Escalation.objects.filter(organization=scope.organization), user_field="user")
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("team", "user", "assignee").order_by("created_at", "id")


def escalation_false_positive_rates(*, scope: Scope) -> dict[str, float]:
    """Per policy: dismissed ÷ triaged (DESIGN §8)."""
    rows = (escalation_list(scope=scope).exclude(status=Escalation.Status.OPEN).order_by().values("policy")
            .annotate(triaged=Count("id"), dismissed=Count("id", filter=Q(status=Escalation.Status.DISMISSED))))
    return {r["policy"]: r["dismissed"] / r["triaged"] for r in rows if r["triaged"]}
