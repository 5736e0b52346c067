"""Base API views: scoping is structural (STYLE §3).

`ScopedAPIView` resolves the actor's scope once; subclasses implement
`scoped_queryset(scope)` and cannot override `get_queryset`, so a view cannot
forget scoping; required token scopes are declared per method.
"""

from rest_framework.views import APIView

from apps.keys.models import ApiToken
from apps.keys.selectors import api_token_scope
from apps.tenancy.scope import EMPTY_SCOPE, Scope, scope_for

from .api import ApiError, GatewayTokenAuthentication


class ScopedAPIView(APIView):
    """Resolves the actor's scope once; every read goes through `scoped_queryset`.

    `required_scopes` maps a method to the token scopes any of which allows it
    (session users act with their roles alone).
    """

    required_scopes: dict[str, tuple[str, ...]] = {"GET": ("events:read",)}
    scope: Scope = EMPTY_SCOPE

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides get_queryset; implement scoped_queryset(scope) instead.")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.scope = self.resolve_scope(request)
        self.check_token_scope(request)

    def resolve_scope(self, request) -> Scope:
        user_scope = scope_for(request.user)
        if isinstance(request.auth, ApiToken):
            return api_token_scope(request.auth, user_scope)
        return user_scope

    def check_token_scope(self, request):
        if not isinstance(request.auth, ApiToken):
            return
        needed = self.required_scopes.get(request.method, self.required_scopes.get("GET", ()))
        if needed and not any(request.auth.has_scope(s) for s in needed):
            raise ApiError(
                "insufficient_scope",
                f"This token lacks the {' or '.join(needed)} scope. Create a token with "
                f"--scopes {','.join(needed)} (Console Settings > API Tokens).",
            )

    def scoped_queryset(self, scope: Scope):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped_queryset(self.scope)

    def get_object_or_404(self, **lookup):
        obj = self.get_queryset().filter(**lookup).first()
        if obj is None:
            raise ApiError("not_found", "No such object (or it belongs to a team this token cannot see).")
        return obj


class GatewayAPIView(APIView):
    """Endpoints called by gateways with their kt_gwt_ token."""

    authentication_classes = [GatewayTokenAuthentication]

    @property
    def gateway(self):
        return self.request.auth
