import difflib

from django.db.models import OuterRef, Subquery

from apps.tenancy.scope import Scope

from .models import PolicyTemplate, TeamPolicyVersion


def team_policy_current(team) -> TeamPolicyVersion | None:
    """The version in force for a team (the newest), or None before any is applied."""
    return TeamPolicyVersion.objects.filter(team=team).order_by("-version").first()


def team_policies_current(team_ids):
    """The version in force of each of these teams that has one, in one query (a queryset, so
    callers add the select_related or values they need)."""
    newest = TeamPolicyVersion.objects.filter(team_id=OuterRef("team_id")).order_by("-version").values("version")[:1]
    return TeamPolicyVersion.objects.filter(team_id__in=list(team_ids), version=Subquery(newest))


def template_list(*, scope: Scope):
    """Built-in templates and the actor's org's own."""
    from django.db.models import Q

    return PolicyTemplate.objects.filter(Q(organization__isnull=True) | Q(organization=scope.organization))


def team_policy_versions(*, scope: Scope):
    """Policy versions of the visible teams (a team's policies are visible to all its members)."""
    return TeamPolicyVersion.objects.filter(team_id__in=scope.team_ids).select_related("team", "template", "created_by")


def policy_diff(old_text: str, new_text: str, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """Unified diff as (css class, line) pairs for the Console."""
    lines = difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), old_label, new_label, lineterm="")
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return [(kinds.get(line[:1], "ctx") if not line.startswith(("+++", "---")) else "file", line) for line in lines]
