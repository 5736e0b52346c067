"""Writes for gateway keys and API tokens. Every write is checked against the
actor's scope here, so the Console, the API and operator commands share the rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.audit.services import audit_record
from apps.tenancy.models import Membership, Role, Team
from apps.tenancy.scope import Scope

from .models import ApiToken, GatewayKey, Scopes


def can_manage_keys_for(scope: Scope, *, user, team: Team) -> bool:
    """Developers manage their own keys; managers those of their teams' members."""
    if team.id not in scope.team_roles:
        return False
    if user.pk == scope.user_id:
        return True
    return scope.has_role(Role.MANAGER, team.id)


def gateway_key_create(*, scope: Scope, actor, user, team: Team, name: str = "", expires_at=None, request=None):
    """Issue a gateway key for `user` in `team`. Returns (key, plaintext)."""
    if team.organization_id != scope.organization.id or team.id not in scope.team_roles:
        raise Team.DoesNotExist  # another org's or an invisible team: not found, not forbidden
    if not Membership.objects.filter(user=user, team=team).exists() and not _org_wide(user, team):
        raise ValidationError(f"{user.email} is not a member of team '{team.slug}'. Add them under Settings > Members first.")
    if not can_manage_keys_for(scope, user=user, team=team):
        raise PermissionDenied("Only a manager of this team can create keys for other members.")
    with transaction.atomic():
        key = GatewayKey(organization=team.organization, team=team, user=user, name=name,
                         expires_at=expires_at, created_by=actor if getattr(actor, "pk", None) else None)
        plaintext = key.issue()
        key.save()
        audit_record(organization=team.organization, actor=actor, action="gateway_key.created", target=key,
                     request=request, team=team, user=user.email, expires_at=expires_at.isoformat() if expires_at else None)
    return key, plaintext


def _org_wide(user, team: Team) -> bool:
    return Membership.objects.filter(user=user, organization=team.organization, team__isnull=True).exists()


def gateway_key_revoke(*, scope: Scope, actor, key: GatewayKey, request=None) -> bool:
    if not can_manage_keys_for(scope, user=key.user, team=key.team):
        raise PermissionDenied("Only the key's owner or a manager of its team can revoke it.")
    with transaction.atomic():
        changed = key.revoke()
        if changed:
            audit_record(organization=key.organization, actor=actor, action="gateway_key.revoked", target=key,
                         request=request, team=key.team, user=key.user.email)
    return changed


def parse_scopes(raw: str | list[str] | None) -> list[str]:
    if not raw:
        return list(Scopes.DEFAULT)
    items = raw.split(",") if isinstance(raw, str) else raw
    scopes = [s.strip() for s in items if s.strip()]
    unknown = [s for s in scopes if s not in Scopes.ALL]
    if unknown:
        raise ValidationError(f"unknown scope {', '.join(unknown)}; accepted: {', '.join(Scopes.ALL)}")
    return scopes


def api_token_create(*, scope: Scope, actor, name: str = "", scopes=None, teams=(), expires_at=None, request=None):
    """Issue an API token for `actor`, limited to `teams` (all visible teams when empty)."""
    scopes = parse_scopes(scopes)
    teams = list(teams)
    if any(team.id not in scope.team_roles for team in teams):
        raise Team.DoesNotExist
    with transaction.atomic():
        token = ApiToken(organization=scope.organization, user=actor, name=name, scopes=scopes, expires_at=expires_at)
        plaintext = token.issue()
        token.save()
        token.teams.set(teams)
        audit_record(organization=scope.organization, actor=actor, action="api_token.created", target=token,
                     request=request, scopes=scopes, teams=[t.slug for t in teams])
    return token, plaintext


def api_token_revoke(*, scope: Scope, actor, token: ApiToken, request=None) -> bool:
    if token.user_id != scope.user_id and not scope.has_role(Role.ADMIN):
        raise PermissionDenied("Only the token's owner or an admin can revoke it.")
    with transaction.atomic():
        changed = token.revoke()
        if changed:
            audit_record(organization=token.organization, actor=actor, action="api_token.revoked",
                         target=token, request=request)
    return changed
