"""The one place that decides what an actor may see (DESIGN §3).

Every Console view, API endpoint, export and task goes through `scope_for`.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import ORG_WIDE_ROLES, ROLE_RANK, Membership, Organization, Role, Team


@dataclass(frozen=True)
class Scope:
    """What one actor may see.

    `team_roles` maps each visible team id to the actor's role there. In a
    team where the actor is a developer, they see only their own rows.
    """

    organization: Organization | None
    user_id: int | None
    team_roles: dict[int, str] = field(default_factory=dict)
    org_role: str | None = None

    @property
    def team_ids(self) -> list[int]:
        return sorted(self.team_roles)

    @property
    def own_only_team_ids(self) -> list[int]:
        """Teams where the actor is a developer: they see only their own rows there."""
        return sorted(tid for tid, role in self.team_roles.items() if role == Role.DEVELOPER)

    @property
    def is_empty(self) -> bool:
        return self.organization is None or not self.team_roles

    def role_in(self, team_id: int | None) -> str | None:
        if team_id is None:
            return self.org_role
        return self.team_roles.get(team_id)

    def has_role(self, minimum: str, team_id: int | None = None) -> bool:
        """Does the actor hold at least `minimum` (in `team_id`, or anywhere when None)?"""
        if team_id is None:
            roles = list(self.team_roles.values()) + ([self.org_role] if self.org_role else [])
        else:
            roles = [self.role_in(team_id)]
        return any(role and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(minimum)] for role in roles)

    def teams(self) -> QuerySet[Team]:
        return Team.objects.filter(id__in=self.team_ids).order_by("name")

    def narrowed(self, team_ids) -> "Scope":
        """A scope limited to some of the visible teams (API tokens, the team switcher)."""
        kept = {tid: role for tid, role in self.team_roles.items() if tid in set(team_ids)}
        return Scope(self.organization, self.user_id, kept, self.org_role)

    def filter(self, queryset: QuerySet, *, team_field: str = "team", user_field: str | None = "user") -> QuerySet:
        """Restrict a queryset of team-owned rows to what the actor may see.

        Rows of teams where the actor is a developer are limited to the
        actor's own (`user_field`); pass user_field=None for rows that belong
        to the team as a whole (a developer sees none of those unless they are
        at least a viewer there).
        """
        if self.is_empty:
            return queryset.none()
        seeing_all = [tid for tid, role in self.team_roles.items() if role != Role.DEVELOPER]
        own_only = self.own_only_team_ids
        condition = Q(**{f"{team_field}__in": seeing_all})
        if own_only and user_field:
            condition |= Q(**{f"{team_field}__in": own_only, user_field: self.user_id})
        return queryset.filter(condition)


EMPTY_SCOPE = Scope(None, None)


def scope_for(user) -> Scope:
    """The teams `user` may see and their role in each."""
    if user is None or not user.is_authenticated or user.organization_id is None:
        return EMPTY_SCOPE
    org = user.organization
    memberships = list(Membership.objects.filter(user=user, organization=org))
    org_role = next((m.role for m in memberships if m.team_id is None and m.role in ORG_WIDE_ROLES), None)
    if org_role:
        team_roles = {tid: org_role for tid in Team.objects.filter(organization=org).values_list("id", flat=True)}
    else:
        team_roles = {}
    for m in memberships:
        if m.team_id is not None:
            current = team_roles.get(m.team_id)
            if current is None or ROLE_RANK[Role(m.role)] > ROLE_RANK[Role(current)]:
                team_roles[m.team_id] = m.role
    return Scope(org, user.pk, team_roles, org_role)


def unscoped_operator_scope(organization: Organization) -> Scope:
    """Owner-level scope over one org, for operator commands run on the server.

    Deliberately crosses team boundaries: only management commands use it.
    """
    team_ids = Team.objects.filter(organization=organization).values_list("id", flat=True)
    return Scope(organization, None, {tid: Role.OWNER for tid in team_ids}, Role.OWNER)
