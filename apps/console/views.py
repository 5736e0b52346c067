from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from apps.core.views import TEAM_SESSION_KEY, ConsoleView
from apps.gateways.selectors import gateway_list
from apps.keys.selectors import gateway_key_list
from apps.keys.models import GatewayKey
from apps.tenancy.models import Role
from apps.tenancy.scope import scope_for


class DashboardView(ConsoleView):
    template_name = "console/dashboard.html"

    def get_context_data(self, **kwargs):
        keys = gateway_key_list(scope=self.scope)
        return super().get_context_data(
            teams=self.scope.teams(),
            active_keys=keys.filter(pk__in=GatewayKey.active().values("pk")).count(),
            gateways=gateway_list(scope=self.scope),
            **kwargs,
        )


class SectionView(ConsoleView):
    """A Console section whose full page arrives with a later part of the product."""

    template_name = "console/section.html"
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, **kwargs)


class SwitchTeamView(View):
    """The team switcher: narrows every page to one visible team, or all of them."""

    def post(self, request):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("login"))
        scope = scope_for(request.user)
        raw = request.POST.get("team", "")
        team_id = int(raw) if raw.isdigit() else None
        if team_id in scope.team_roles:
            request.session[TEAM_SESSION_KEY] = team_id
        else:
            request.session.pop(TEAM_SESSION_KEY, None)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return HttpResponseRedirect(target)


BudgetsView = SectionView.as_view(
    title="Budgets", required_role={"GET": Role.VIEWER},
    intro="Each team's monthly limit and alert threshold. The demo teams have a $2,000 monthly budget.")
