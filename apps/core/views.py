"""The Console's base view: every page resolves the actor's scope here, once.

Subclasses read `self.scope` (narrowed to the team picked in the switcher) and
declare `required_role` per method; another team's or org's object is a 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView

from apps.tenancy.models import Role
from apps.tenancy.scope import scope_for

TEAM_SESSION_KEY = "console_team_id"


def console_scope(request):
    """The scope of the Console user, narrowed to the team chosen in the switcher."""
    if not hasattr(request, "_console_scope"):
        full = scope_for(request.user)
        team_id = request.session.get(TEAM_SESSION_KEY)
        request.full_scope = full
        request._console_scope = full.narrowed([team_id]) if team_id in full.team_roles else full
    return request._console_scope


class ConsoleView(LoginRequiredMixin, TemplateView):
    required_role = {"GET": Role.VIEWER, "POST": Role.VIEWER}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = console_scope(request)
        if self.scope.is_empty:
            raise PermissionDenied("You are not a member of any team yet. Ask an admin to add you under Settings > Members.")
        needed = self.required_role.get(request.method, Role.OWNER)
        if not self.scope.has_role(needed):
            raise PermissionDenied(f"This needs the {Role(needed).label.lower()} role.")
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_object(self, queryset, **lookup):
        """Fetch one object through a scoped queryset; anything outside it is a 404."""
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise Http404("Not found.")
        return obj

    def is_partial_request(self) -> bool:
        return bool(getattr(self.request, "htmx", False)) and not self.request.htmx.boosted
