from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.audit.services import audit_record
from apps.tenancy.models import Role
from apps.tenancy.scope import Scope

from .models import Gateway


def gateway_register(*, scope: Scope, actor, teams, name: str = "", request=None):
    """Register a gateway for one or more teams. Returns (gateway, token plaintext)."""
    teams = list(teams)
    if not teams:
        raise ValidationError("Choose at least one team for the gateway.")
    for team in teams:
        if team.id not in scope.team_roles:
            raise team.DoesNotExist
        if not scope.has_role(Role.MANAGER, team.id):
            raise PermissionDenied(f"Registering a gateway for '{team.slug}' needs the manager role there.")
    with transaction.atomic():
        gateway = Gateway(organization=scope.organization, name=name or "-".join(t.slug for t in teams),
                          created_by=actor if getattr(actor, "pk", None) else None)
        plaintext = gateway.issue()
        gateway.save()
        gateway.teams.set(teams)
        audit_record(organization=scope.organization, actor=actor, action="gateway.registered", target=gateway,
                     request=request, teams=[t.slug for t in teams])
    return gateway, plaintext


def gateway_revoke(*, scope: Scope, actor, gateway: Gateway, request=None) -> bool:
    team_ids = list(gateway.teams.values_list("id", flat=True))
    if not all(scope.has_role(Role.MANAGER, tid) for tid in team_ids):
        raise PermissionDenied("Revoking a gateway needs the manager role in each of its teams.")
    with transaction.atomic():
        changed = gateway.revoke()
        if changed:
            audit_record(organization=gateway.organization, actor=actor, action="gateway.revoked",
                         target=gateway, request=request)
    return changed


def gateway_run_command(token: str, api_url: str) -> str:
    """The copy-ready command the Console shows once, right after registration."""
    return (
        f"KT_API_URL={api_url} KT_GATEWAY_TOKEN={token} "
        f"kt gateway run --port 41002"
    )
