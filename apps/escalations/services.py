"""Escalation writes (DESIGN §8, §9). Creation is idempotent (dedupe key);
triage is a compare-and-set on the status so two reviewers cannot both win."""

from __future__ import annotations

from collections import Counter
from datetime import timezone as dt_timezone

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.tenancy.models import Role
from apps.tenancy.scope import Scope

from .models import Escalation, EscalationCount

Status = Escalation.Status


def escalations_open_for_events(rows: list[dict]) -> int:
    """One escalation per `escalate` policy entry of the inserted events, counted in
    the escalation counts in the caller's transaction. Returns how many were opened."""
    escalations = {
        f"event:{row['id']}:{entry['name']}": Escalation(
            organization_id=row["organization_id"], team_id=row["team_id"], kind=Escalation.Kind.POLICY,
            event_id=row["id"], event_ts=row["ts"], user_id=row["user_id"], policy=entry["name"],
            policy_type=entry["type"], score=entry["score"], reasons=entry.get("reasons") or [],
            findings=entry.get("findings") or {}, dedupe_key=f"event:{row['id']}:{entry['name']}",
            created_at=row["ts"],
        )
        for row in rows for entry in row["policies"] if entry["action"] == "escalate"
    }
    if not escalations:
        return 0
    # Only new events arrive here, so their keys are new unless an event was purged and sent again.
    stored = set(Escalation.objects.filter(organization_id__in={e.organization_id for e in escalations.values()},
                                           dedupe_key__in=list(escalations)).values_list("dedupe_key", flat=True))
    fresh = [e for key, e in escalations.items() if key not in stored]
    Escalation.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    escalation_counts_add(Counter(escalation_count_key(e, e.status) for e in fresh))
    return len(fresh)


def escalation_open_budget_alert(*, team, month, subject: str, rule, spent) -> bool:
    """Open the month's alert for a budget rule once (`alert_at` crossed)."""
    from apps.tenancy.models import User

    dedupe = f"budget:{team.pk}:{month:%Y-%m}:{subject}:{rule.name}"
    if Escalation.objects.filter(organization_id=team.organization_id, dedupe_key=dedupe).exists():
        return False
    user = User.objects.filter(email=subject).first() if subject else None
    share = spent / rule.limit_usd if rule.limit_usd else 0
    who = f"{subject} has" if subject else f"team {team.slug} has"
    with transaction.atomic():
        escalation, created = Escalation.objects.get_or_create(
            organization_id=team.organization_id, dedupe_key=dedupe,
            defaults={
                "team": team, "kind": Escalation.Kind.BUDGET, "user": user, "policy": rule.name,
                "policy_type": "cost_limit", "score": float(share),
                "reasons": [f"{who} spent ${spent:.2f} of ${rule.limit_usd:.2f} in {month:%B %Y} "
                            f"({share:.0%}, alert at {rule.alert_at:.0%})"],
            },
        )
        if created:
            escalation_counts_add(Counter([escalation_count_key(escalation, escalation.status)]))
    return created


def _triage(*, scope: Scope, actor, escalation: Escalation, to: str, note: str = "", allowed_from=(Status.OPEN,),
            request=None) -> Escalation:
    _require_reviewer(scope, escalation)
    now = timezone.now()
    with transaction.atomic():
        current = Escalation.objects.select_for_update().filter(pk=escalation.pk, status__in=allowed_from).first()
        changed = current and Escalation.objects.filter(pk=current.pk, status=current.status).update(
            status=to, note=note or escalation.note, triaged_by=actor, triaged_at=now, updated_at=now,
        )
        if not changed:
            escalation.refresh_from_db()
            raise ValidationError(f"This escalation is already {escalation.get_status_display().lower()}.")
        escalation_counts_add(Counter({escalation_count_key(current, current.status): -1, escalation_count_key(current, to): 1}))
        audit_record(organization=escalation.organization, actor=actor, action=f"escalation.{to}",
                     target=escalation, request=request, team=escalation.team, note=note)
    escalation.refresh_from_db()
    return escalation


def _require_reviewer(scope: Scope, escalation: Escalation) -> None:
    if escalation.team_id not in scope.team_roles:
        raise Escalation.DoesNotExist
    if not scope.has_role(Role.MANAGER, escalation.team_id):
        raise PermissionDenied("Reviewing escalations needs the manager role in the team.")


def escalation_confirm(*, scope, actor, escalation, note: str = "", request=None) -> Escalation:
    return _triage(scope=scope, actor=actor, escalation=escalation, to=Status.CONFIRMED, note=note, request=request)


def escalation_dismiss(*, scope, actor, escalation, note: str = "", request=None) -> Escalation:
    """Dismiss as a false positive (counts toward the policy's false-positive rate)."""
    return _triage(scope=scope, actor=actor, escalation=escalation, to=Status.DISMISSED, note=note, request=request)


def escalation_resolve(*, scope, actor, escalation, note: str = "", request=None) -> Escalation:
    return _triage(scope=scope, actor=actor, escalation=escalation, to=Status.RESOLVED, note=note,
                   allowed_from=(Status.OPEN, Status.CONFIRMED), request=request)


def escalation_assign(*, scope, actor, escalation, assignee, request=None) -> Escalation:
    _require_reviewer(scope, escalation)
    if assignee is not None and escalation.team_id not in _visible_team_ids(assignee):
        raise ValidationError(f"{assignee.email} cannot see team '{escalation.team.slug}'; assign a member of it.")
    with transaction.atomic():
        Escalation.objects.filter(pk=escalation.pk).update(assignee=assignee, updated_at=timezone.now())
        audit_record(organization=escalation.organization, actor=actor, action="escalation.assigned",
                     target=escalation, request=request, team=escalation.team,
                     assignee=assignee.email if assignee else None)
    escalation.refresh_from_db()
    return escalation


def _visible_team_ids(user) -> list[int]:
    from apps.tenancy.scope import scope_for

    return scope_for(user).team_ids


# --------------------------------------------------------------------------
# Escalation counts (EscalationCount): kept in the transaction of each write above
# --------------------------------------------------------------------------
def escalation_count_key(escalation: Escalation, status: str) -> tuple:
    day = escalation.created_at.astimezone(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return (escalation.organization_id, escalation.team_id, day, escalation.policy, str(status))


def escalation_counts_add(changes: Counter) -> None:
    """Add ±n to the count rows keyed (organization, team, day, policy, status), in key
    order so concurrent writers lock rows in one order."""
    from apps.events.rollups import upsert_add

    rows = [key + (n,) for key, n in sorted(changes.items(), key=lambda item: tuple(map(str, item[0][1:]))) if n]
    upsert_add("escalations_escalationcount", ("organization_id", "team_id", "day", "policy", "status"), ("count",),
               rows, conflict=("team_id", "day", "policy", "status"))


def escalation_counts_rebuild(organization_id: int) -> None:
    """Recompute the organization's counts from its escalations (after escalations were
    written by SQL, as `generate_events` does)."""
    if connection.vendor == "postgresql":
        day = "date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    else:
        day = "strftime('%%Y-%%m-%%d 00:00:00', created_at)"
    with transaction.atomic(), connection.cursor() as cursor:
        EscalationCount.objects.filter(organization_id=organization_id).delete()
        cursor.execute(
            "INSERT INTO escalations_escalationcount (organization_id, team_id, day, policy, status, count) "
            f"SELECT organization_id, team_id, {day}, policy, status, COUNT(*) FROM escalations_escalation "
            f"WHERE organization_id = %s GROUP BY organization_id, team_id, {day}, policy, status",
            [organization_id],
        )
