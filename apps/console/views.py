from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View

from apps.core.views import TEAM_SESSION_KEY, ConsoleView
from apps.gateways.selectors import gateway_list
from apps.keys.models import GatewayKey
from apps.keys.selectors import gateway_key_list
from apps.tenancy.scope import scope_for

from . import selectors
from .forms import ConsoleFilterForm


class FilteredConsoleView(ConsoleView):
    """A read page with team / gateway / period filters. `self.scope` is narrowed
    to the team picked in the filter (only ever one the actor may see)."""

    with_gateway_filter = True

    def dispatch(self, request, *args, **kwargs):
        self.filters = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.teams = teams = list(self.scope.teams())
        gateways = list(gateway_list(scope=self.scope)) if self.with_gateway_filter else None
        self.filters = ConsoleFilterForm(request.GET or None, teams=teams, gateways=gateways,
                                         initial={"period": "7d"})
        team_id = self.filters.value("team")
        if team_id:
            self.scope = self.scope.narrowed([team_id])
        self.gateway_id = self.filters.value("gateway") if self.with_gateway_filter else None
        self.period = self.filters.chosen_period()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, period=self.period, **kwargs)


class DashboardView(FilteredConsoleView):
    template_name = "console/dashboard.html"

    def get_context_data(self, **kwargs):
        keys = gateway_key_list(scope=self.scope)
        gateways = list(gateway_list(scope=self.scope))
        return super().get_context_data(
            teams=self.scope.teams(),
            active_keys=keys.filter(pk__in=GatewayKey.active().values("pk")).count(),
            gateways=gateways,
            metrics=selectors.dashboard(scope=self.scope, period=self.period, gateway_id=self.gateway_id),
            events_url=self.events_url(gateways), **kwargs,
        )


    def events_url(self, gateways) -> str:
        """The Events page for the chosen period, team and gateway (it exports them as CSV)."""
        params = {"since": f"{self.period.start:%Y-%m-%dT%H:%M:%SZ}", "until": f"{self.period.end:%Y-%m-%dT%H:%M:%SZ}"}
        team_id = self.filters.value("team")
        if team_id:
            params["team"] = next(team.slug for team in self.teams if team.pk == team_id)
        if self.gateway_id:
            params["gateway"] = next((g.key_id for g in gateways if g.pk == self.gateway_id), "")
        return f"{reverse('console:events')}?{urlencode(params)}"


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

