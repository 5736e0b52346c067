"""Console > Cost Center and Settings > Budgets (DESIGN §9)."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from apps.console.selectors import spend_breakdown, spend_export_rows, team_budget_states
from apps.console.views import FilteredConsoleView
from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from .forms import TeamBudgetForm
from .selectors import team_budgets
from .services import team_budget_remove, team_budget_set


class CostCenterView(FilteredConsoleView):
    template_name = "costs/cost_center.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("format") == "csv":
            return self.export()
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            spend=spend_breakdown(scope=self.scope, period=self.period, gateway_id=self.gateway_id),
            budgets=team_budget_states(scope=self.scope), **kwargs,
        )

    def export(self):
        """The filtered spend as CSV, streamed (day × team × user × model)."""
        rows = spend_export_rows(scope=self.scope, period=self.period, gateway_id=self.gateway_id)
        writer = csv.writer(_Echo())
        header = ["day", "team", "user", "model", "requests", "tokens_in", "tokens_out", "cost_usd"]

        def lines():
            yield writer.writerow(header)
            for r in rows:
                yield writer.writerow([f"{r['day']:%Y-%m-%d}", r["team__slug"], r["user__email"], r["model"],
                                       r["calls"], r["tokens_input"], r["tokens_output"], f"{r['cost']:.6f}"])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="keeptrusts-spend-'
                                           f'{self.period.start:%Y%m%d}-{self.period.days[-1]:%Y%m%d}.csv"')
        return response


class _Echo:
    def write(self, value):
        return value


class BudgetSettingsView(ConsoleView):
    """Managers set their team's monthly limit and alert threshold. It is the team's
    cost_limit policy: saving makes a new policy version (with its diff in the
    team's history) that gateways get with their next config pull."""

    template_name = "costs/budget_settings.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.MANAGER}

    def get_context_data(self, **kwargs):
        forms = kwargs.pop("forms", {})
        rows = []
        budgets = team_budgets(self.scope.team_ids)
        states = {s.team.id: s for s in team_budget_states(scope=self.scope, budgets=budgets)}
        for team in self.scope.teams():
            budget = budgets.get(team.id)
            editable = self.scope.has_role(Role.MANAGER, team.id)
            form = forms.get(team.id) or (TeamBudgetForm.for_budget(budget, prefix=f"t{team.id}") if editable else None)
            rows.append({"team": team, "budget": budget, "form": form, "state": states.get(team.id)})
        return super().get_context_data(rows=rows, **kwargs)

    def post(self, request):
        raw = request.POST.get("team", "")
        team = self.get_scoped_object(self.scope.teams(), pk=int(raw) if raw.isdigit() else 0)
        if not self.scope.has_role(Role.MANAGER, team.id):
            raise PermissionDenied(f"Setting {team.name}'s budget needs the manager role in it.")
        if "remove" in request.POST:
            return self.remove(team)
        form = TeamBudgetForm(request.POST, prefix=f"t{team.id}")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(forms={team.id: form}), status=400)
        try:
            version = team_budget_set(scope=self.scope, team=team, actor=request.user, request=request,
                                      monthly_limit_usd=form.cleaned_data["monthly_limit_usd"], alert_at=form.alert_at(),
                                      budget_scope=form.cleaned_data["scope"], action=form.cleaned_data["action"])
        except ValidationError as exc:  # unchanged, or the team's policy set does not lint
            form.add_error(None, exc.messages[0])
            return self.render_to_response(self.get_context_data(forms={team.id: form}), status=400)
        history = reverse("policies:team", args=[team.slug]) + f"?version={version.version}"
        messages.success(request, format_html(
            "{}: {} — saved as policy version {} (<a href=\"{}\">see the change</a>). "
            "Gateways apply it with their next config pull (within seconds).",
            team.name, version.note.removeprefix("Budget: "), version.version, history))
        return redirect("console:budgets")

    def remove(self, team):
        try:
            version = team_budget_remove(scope=self.scope, team=team, actor=self.request.user, request=self.request)
        except ValidationError as exc:  # no budget (any more): someone removed it first
            messages.error(self.request, exc.messages[0])
            return redirect("console:budgets")
        history = reverse("policies:team", args=[team.slug]) + f"?version={version.version}"
        messages.success(self.request, format_html(
            "{}: budget removed — saved as policy version {} (<a href=\"{}\">see the change</a>). "
            "Gateways stop enforcing it with their next config pull.", team.name, version.version, history))
        return redirect("console:budgets")
