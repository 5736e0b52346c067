import difflib

from apps.tenancy.scope import Scope

from .models import PolicyTemplate, TeamPolicyVersion


def team_policy_current(team) -> TeamPolicyVersion | None:
    """The version in force for a team (the newest), or None before any is applied."""
    return TeamPolicyVersion.objects.filter(team=team).order_by("-version").first()


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
