from .models import Membership
from .scope import Scope


def membership_list(*, scope: Scope):
    """Memberships of the visible teams, plus org-wide roles for admins."""
    if scope.is_empty:
        return Membership.objects.none()
    qs = Membership.objects.filter(organization=scope.organization).select_related("user", "team")
    if scope.org_role:
        return qs.order_by("team__name", "user__email")
    return qs.filter(team_id__in=scope.team_ids).order_by("team__name", "user__email")


def members_of(team):
    """People who can hold a key in `team`."""
    from .models import User

    return User.objects.filter(memberships__team=team).distinct().order_by("email")
