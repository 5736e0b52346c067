"""Membership writes: adding people to teams and changing roles, audited."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.audit.services import audit_record

from .models import ORG_WIDE_ROLES, ROLE_RANK, Membership, Role, Team, User
from .scope import Scope


def _check_can_grant(scope: Scope, team: Team | None, role: str) -> None:
    """Admins grant anything below owner (owners grant owner); managers grant up to manager in their teams."""
    if role in ORG_WIDE_ROLES or team is None:
        needed = Role.OWNER if role == Role.OWNER else Role.ADMIN
        if not scope.org_role or ROLE_RANK[Role(scope.org_role)] < ROLE_RANK[needed]:
            raise PermissionDenied(f"Only an {needed.label.lower()} can grant the {role} role.")
        return
    if not scope.has_role(Role.MANAGER, team.id):
        raise PermissionDenied("Only a manager of this team or an admin can change its members.")


def membership_add(*, scope: Scope, actor, email: str, team: Team | None, role: str, request=None):
    """Add a person (new or existing in the org) with `role` in `team` (None = org-wide).

    Returns (membership, initial_password): the password is set only for a new
    user and shown once to the person who added them.
    """
    role = Role(role)
    if team is not None and team.id not in scope.team_roles:
        raise Team.DoesNotExist
    _check_can_grant(scope, team, role)
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        initial_password = None
        if user is None:
            initial_password = secrets.token_urlsafe(12)
            user = User.objects.create_user(email=email, password=initial_password, organization=scope.organization)
        elif user.organization_id != scope.organization.id:
            raise ValidationError(f"{email} belongs to another organization.")
        membership_team = None if role in ORG_WIDE_ROLES else team
        membership, created = Membership.objects.get_or_create(
            organization=scope.organization, user=user, team=membership_team, defaults={"role": role}
        )
        if not created:
            raise ValidationError(f"{email} is already a member there; change their role instead.")
        audit_record(organization=scope.organization, actor=actor, action="membership.added", target=user,
                     request=request, team=membership_team, role=role)
    return membership, initial_password


def membership_set_role(*, scope: Scope, actor, membership: Membership, role: str, request=None) -> Membership:
    role = Role(role)
    if membership.organization_id != scope.organization.id:
        raise Membership.DoesNotExist
    if membership.team_id is not None and membership.team_id not in scope.team_roles:
        raise Membership.DoesNotExist
    if (role in ORG_WIDE_ROLES) != (membership.team_id is None):
        raise ValidationError("Owner and admin are organization-wide roles; team roles are manager, developer and viewer.")
    _check_can_grant(scope, membership.team, role)
    _check_can_grant(scope, membership.team, membership.role)  # a manager cannot demote an admin
    if membership.user_id == scope.user_id and ROLE_RANK[role] < ROLE_RANK[Role(membership.role)]:
        raise ValidationError("You cannot lower your own role; ask another admin.")
    old = membership.role
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(organization=scope.organization, actor=actor, action="membership.role_changed",
                     target=membership.user, request=request, team=membership.team, old_role=old, new_role=role)
    return membership


def membership_remove(*, scope: Scope, actor, membership: Membership, request=None) -> None:
    if membership.organization_id != scope.organization.id:
        raise Membership.DoesNotExist
    _check_can_grant(scope, membership.team, membership.role)
    with transaction.atomic():
        audit_record(organization=scope.organization, actor=actor, action="membership.removed",
                     target=membership.user, request=request, team=membership.team, role=membership.role)
        membership.delete()
