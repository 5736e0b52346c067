"""Gateway keys for automation (DESIGN §7): `GET/POST /v1/keys`, `POST /v1/keys/{id}/revoke`.

Writes go through `apps.keys.services`, so the Console's team rules and the
audit log apply unchanged.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.core.api import ApiError
from apps.core.api_views import ScopedAPIView
from apps.keys.models import GatewayKey, Scopes
from apps.keys.selectors import gateway_key_list
from apps.keys.services import gateway_key_create, gateway_key_revoke
from apps.tenancy.models import Team, User

from .serializers import GatewayKeyCreatedSerializer, GatewayKeyCreateSerializer, GatewayKeySerializer

READ = (Scopes.KEYS_READ, Scopes.KEYS_WRITE)
WRITE = (Scopes.KEYS_WRITE,)


def key_dict(key: GatewayKey) -> dict:
    return {
        "id": key.key_id, "display": key.display, "name": key.name, "user": key.user.email, "team": key.team.slug,
        "status": key.status, "created_at": key.created_at, "last_used_at": key.last_used_at,
        "expires_at": key.expires_at,
    }


def _service_errors(call):
    try:
        return call()
    except (Team.DoesNotExist, GatewayKey.DoesNotExist):
        raise ApiError("not_found", "No such team or key (or it is outside your teams).") from None
    except PermissionDenied as exc:
        raise ApiError("permission_denied", str(exc)) from None
    except ValidationError as exc:
        raise ApiError("invalid_request", " ".join(exc.messages)) from None


class KeyListView(ScopedAPIView):
    required_scopes = {"GET": READ, "POST": WRITE}

    def scoped_queryset(self, scope):
        return gateway_key_list(scope=scope)

    @extend_schema(summary="List gateway keys", responses={200: GatewayKeySerializer(many=True)})
    def get(self, request):
        return Response({"data": [key_dict(k) for k in self.get_queryset().order_by("-created_at")]})

    @extend_schema(summary="Create a gateway key", request=GatewayKeyCreateSerializer,
                   responses={201: GatewayKeyCreatedSerializer})
    def post(self, request):
        body = GatewayKeyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        team = Team.objects.filter(organization=self.scope.organization, slug=data["team"]).first()
        if team is None or team.id not in self.scope.team_roles:
            raise ApiError("invalid_parameter", f"team: no team {data['team']!r} among yours; accepted: "
                           + ", ".join(t.slug for t in self.scope.teams()), param="team")
        user = User.objects.filter(organization=self.scope.organization, email__iexact=data["user"]).first()
        if user is None:
            raise ApiError("invalid_parameter", f"user: no member {data['user']!r} in your organization; "
                           "accepted: the email of a member of the team", param="user")
        key, plaintext = _service_errors(lambda: gateway_key_create(
            scope=self.scope, actor=request.user, user=user, team=team, name=data.get("name", ""),
            expires_at=data.get("expires_at"), request=request))
        return Response({
            "id": key.key_id, "key": plaintext, "display": key.display, "user": user.email, "team": team.slug,
            "expires_at": key.expires_at, "created_at": key.created_at,
        }, status=201)


class KeyRevokeView(ScopedAPIView):
    required_scopes = {"POST": WRITE}

    def scoped_queryset(self, scope):
        return gateway_key_list(scope=scope)

    @extend_schema(summary="Revoke a gateway key", request=None, responses={200: GatewayKeySerializer})
    def post(self, request, key_id):
        key = self.get_object_or_404(key_id=key_id)
        _service_errors(lambda: gateway_key_revoke(scope=self.scope, actor=request.user, key=key, request=request))
        key.refresh_from_db()
        return Response(key_dict(key))
