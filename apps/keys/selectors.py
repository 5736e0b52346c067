from apps.tenancy.scope import Scope

from .models import ApiToken, GatewayKey


def gateway_key_list(*, scope: Scope):
    """Keys the actor may see: all of their managed teams' keys, and their own."""
    return scope.filter(GatewayKey.objects.select_related("user", "team")).filter(organization=scope.organization)


def api_token_list(*, scope: Scope):
    """API tokens are personal; admins see the whole org's."""
    qs = ApiToken.objects.filter(organization=scope.organization).select_related("user")
    if scope.org_role:
        return qs
    return qs.filter(user_id=scope.user_id)


def api_token_scope(token: ApiToken, user_scope: Scope) -> Scope:
    """A token sees its creator's teams now, narrowed to the teams it was made for."""
    team_ids = list(token.teams.values_list("id", flat=True))
    return user_scope.narrowed(team_ids) if team_ids else user_scope
