from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.core.views import ConsoleView
from apps.costs.policy_facts import team_budget
from apps.tenancy.models import Role

from . import selectors, services
from .forms import ApplyForm, TemplateForm


def yaml_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class TemplateListView(ConsoleView):
    template_name = "policies/template_list.html"

    def get_context_data(self, **kwargs):
        teams = list(self.scope.teams())
        current = {version.team_id: version for version in
                   selectors.team_policies_current(self.scope.team_ids).select_related("template", "created_by")}
        return super().get_context_data(
            templates=selectors.template_list(scope=self.scope),
            team_rows=[(team, current.get(team.id)) for team in teams],
            **kwargs,
        )



class TemplateEditView(ConsoleView):
    """Create or edit an org template, with live lint next to the editor."""

    template_name = "policies/template_edit.html"
    required_role = {"GET": Role.MANAGER, "POST": Role.MANAGER}

    def get_template_obj(self, pk):
        if pk is None:
            return None
        template = self.get_scoped_object(selectors.template_list(scope=self.scope), pk=pk)
        if template.is_builtin:
            raise PermissionDenied("Built-in templates are read-only; save a copy as an org template.")
        return template

    def get(self, request, pk=None):
        template = self.get_template_obj(pk)
        copy_of = request.GET.get("from")
        initial = {}
        if template:
            initial = {"name": template.name, "description": template.description, "yaml_text": template.yaml_text}
        elif copy_of and copy_of.isdigit():
            source = self.get_scoped_object(selectors.template_list(scope=self.scope), pk=int(copy_of))
            initial = {"name": f"{source.name} (copy)", "description": source.description, "yaml_text": source.yaml_text}
        return self.render_to_response(self.get_context_data(form=TemplateForm(initial=initial), template=template))

    def post(self, request, pk=None):
        template = self.get_template_obj(pk)
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                saved = services.template_save(scope=self.scope, actor=request.user, template=template,
                                               request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)  # keyed by field: yaml_text or name
            else:
                messages.success(request, f"Saved template '{saved.name}'.")
                return redirect("policies:detail", pk=saved.pk)
        return self.render_to_response(self.get_context_data(form=form, template=template), status=400)


class TemplateLintView(ConsoleView):
    """HTMX: lint the editor's YAML and return the CLI's messages, line by line."""

    required_role = {"POST": Role.VIEWER}

    def post(self, request):
        result = services.policy_lint(request.POST.get("yaml_text", ""), "template.yaml")
        return render(request, "policies/template_edit.html#lint", {"result": result})


class TemplateDetailView(ConsoleView):
    template_name = "policies/template_detail.html"

    def get_context_data(self, form=None, **kwargs):
        template = self.get_scoped_object(selectors.template_list(scope=self.scope), pk=self.kwargs["pk"])
        return super().get_context_data(template=template, form=form or ApplyForm(scope=self.scope),
                                        lint=services.policy_lint(template.yaml_text, f"{template.slug}.yaml"), **kwargs)

    def post(self, request, pk):
        """Apply the template to a team: a new version, then show its diff."""
        template = self.get_scoped_object(selectors.template_list(scope=self.scope), pk=pk)
        form = ApplyForm(request.POST, scope=self.scope)
        if form.is_valid():
            team = form.cleaned_data["team"]
            try:
                version = services.team_policy_apply(scope=self.scope, actor=request.user, team=team,
                                                     yaml_text=template.yaml_text, template=template,
                                                     note=form.cleaned_data["note"] or f"Applied template '{template.name}'",
                                                     request=request)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                kept = (f" It kept its budget of ${team_budget(version.yaml_text).limit_usd:,.2f} a month "
                        "(Settings > Budgets): the template has no cost_limit." if version.yaml_text != template.yaml_text
                        else "")
                messages.success(request, f"'{team.slug}' now runs version {version.version}.{kept} "
                                          "Gateways pick it up with their next config pull (within seconds).")
                return redirect(reverse("policies:team", args=[team.slug]) + f"?version={version.version}")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TemplateDownloadView(ConsoleView):
    def get(self, request, pk):
        template = self.get_scoped_object(selectors.template_list(scope=self.scope), pk=pk)
        return yaml_download(template.yaml_text, f"{template.slug}.yaml")


class TeamPolicyView(ConsoleView):
    """A team's policy history: every version, the diff of one against the one before."""

    template_name = "policies/team_policy.html"

    def get_context_data(self, **kwargs):
        team = self.get_scoped_object(self.scope.teams(), slug=self.kwargs["slug"])
        versions = list(selectors.team_policy_versions(scope=self.scope).filter(team=team).order_by("-version"))
        if not versions:
            return super().get_context_data(team=team, versions=[], **kwargs)
        wanted = self.request.GET.get("version", "")
        shown = next((v for v in versions if str(v.version) == wanted), versions[0])
        previous = next((v for v in versions if v.version < shown.version), None)
        diff = selectors.policy_diff(previous.yaml_text if previous else "", shown.yaml_text,
                                     f"v{previous.version}" if previous else "(none)", f"v{shown.version}")
        return super().get_context_data(team=team, versions=versions, shown=shown, previous=previous, diff=diff,
                                        **kwargs)


class TeamPolicyDownloadView(ConsoleView):
    """The YAML a gateway would run: `kt gateway run --policy-config <this file>`."""

    def get(self, request, slug, version):
        team = self.get_scoped_object(self.scope.teams(), slug=slug)
        policy = self.get_scoped_object(selectors.team_policy_versions(scope=self.scope), team=team, version=version)
        return yaml_download(policy.yaml_text, f"{team.slug}-policy-v{policy.version}.yaml")
