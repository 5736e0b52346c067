from apps.tenancy.scope import Scope

from .models import Gateway


def gateway_list(*, scope: Scope):
    """Gateways serving at least one visible team (developers see those of their teams)."""
    if scope.is_empty:
        return Gateway.objects.none()
    return (Gateway.objects.filter(organization=scope.organization, teams__in=scope.team_ids)
            .distinct().prefetch_related("teams"))
