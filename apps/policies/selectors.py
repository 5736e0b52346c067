from .models import TeamPolicyVersion


def team_policy_current(team) -> TeamPolicyVersion | None:
    """The version in force for a team (the newest), or None before any is applied."""
    return TeamPolicyVersion.objects.filter(team=team).order_by("-version").first()
