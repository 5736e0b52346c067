"""Console > Escalations: the review queue, oldest first, with triage (DESIGN §9)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from apps.console.selectors import event_detail, false_positive_rates
from apps.core.views import ConsoleView
from apps.tenancy.models import Role
from apps.tenancy.selectors import members_of

from . import services
from .forms import STATUS_FILTERS, AssignForm, BulkTriageForm, TriageForm, status_filter
from .selectors import escalation_list, escalation_tallies

QUEUE_PAGE = 100


def with_age(escalations, sla_hours: int, now=None):
    """Annotate each escalation with its age and whether it is past the review SLA."""
    now = now or timezone.now()
    sla = timedelta(hours=sla_hours)
    for escalation in escalations:
        escalation.age = now - escalation.created_at
        escalation.late = escalation.status == escalation.Status.OPEN and escalation.age > sla
    return escalations


def triage(request, scope, escalation, action: str, note: str = ""):
    """Apply one triage action through the escalation services (they check the
    manager role, compare-and-set the status and write the audit entry)."""
    common = {"scope": scope, "actor": request.user, "escalation": escalation, "request": request}
    if action == "assign_me":
        return services.escalation_assign(assignee=request.user, **common)
    service = {"confirm": services.escalation_confirm, "dismiss": services.escalation_dismiss,
               "resolve": services.escalation_resolve}[action]
    return service(note=note, **common)


class EscalationListView(ConsoleView):
    template_name = "escalations/escalation_list.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.MANAGER}

    def queue(self):
        """The filtered queue and its size (from the escalation counts unless filtered by assignee)."""
        status = status_filter(self.request.GET.get("status") or self.request.POST.get("status"))
        qs = escalation_list(scope=self.scope, status=status)
        policy = self.request.GET.get("policy")
        if policy:
            qs = qs.filter(policy=policy)
        if self.request.GET.get("assignee") == "me":
            qs = qs.filter(assignee=self.request.user)
            return qs, status, qs.count()
        return qs, status, escalation_tallies(scope=self.scope, status=status, policy=policy).total()

    def get_context_data(self, **kwargs):
        qs, status, total = self.queue()
        rows = with_age(list(qs[:QUEUE_PAGE]), self.scope.organization.review_sla_hours)
        return super().get_context_data(
            escalations=rows, total=total, status=status or "all", statuses=STATUS_FILTERS,
            sla_hours=self.scope.organization.review_sla_hours, bulk_form=kwargs.pop("bulk_form", None) or TriageForm(),
            rates=false_positive_rates(scope=self.scope), can_review=self.scope.has_role(Role.MANAGER), **kwargs,
        )

    def post(self, request):
        """Bulk triage of the selected escalations; each one is its own audited transition."""
        form = BulkTriageForm(request.POST, queue=escalation_list(scope=self.scope))
        if not form.is_valid():
            messages.error(request, "Select at least one escalation and an action.")
            return redirect(request.get_full_path())
        done, refused = 0, []
        for escalation in escalation_list(scope=self.scope).filter(pk__in=form.cleaned_data["ids"]):
            try:
                triage(request, self.scope, escalation, form.cleaned_data["action"], form.cleaned_data["note"])
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                refused.append(f"#{escalation.pk}: {_message(exc)}")
        if done:
            messages.success(request, f"{dict(form.fields['action'].choices)[form.cleaned_data['action']]}: "
                                      f"{done} escalation{'s' if done != 1 else ''}.")
        for reason in refused:
            messages.error(request, reason)
        return redirect(request.get_full_path())


def _message(exc) -> str:
    return exc.messages[0] if isinstance(exc, ValidationError) else str(exc)


class EscalationDetailView(ConsoleView):
    template_name = "escalations/escalation_detail.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.MANAGER}

    def get_escalation(self, pk):
        return self.get_scoped_object(escalation_list(scope=self.scope), pk=pk)

    def get_context_data(self, pk, **kwargs):
        escalation = with_age([self.get_escalation(pk)], self.scope.organization.review_sla_hours)[0]
        return super().get_context_data(
            escalation=escalation,
            event=event_detail(scope=self.scope, event_id=escalation.event_id) if escalation.event_id else None,
            sla_hours=self.scope.organization.review_sla_hours,
            form=kwargs.pop("form", None) or TriageForm(),
            assign_form=AssignForm(initial={"assignee": escalation.assignee_id}, members=members_of(escalation.team)),
            can_review=self.scope.has_role(Role.MANAGER, escalation.team_id), **kwargs,
        )

    def post(self, request, pk):
        escalation = self.get_escalation(pk)
        try:
            if "assignee" in request.POST:
                form = AssignForm(request.POST, members=members_of(escalation.team))
                if not form.is_valid():
                    raise ValidationError("Pick a member of the team.")
                assignee = members_of(escalation.team).filter(pk=form.cleaned_data["assignee"]).first()
                services.escalation_assign(scope=self.scope, actor=request.user, escalation=escalation,
                                           assignee=assignee, request=request)
                messages.success(request, f"Assigned to {assignee.email}." if assignee else "Unassigned.")
            else:
                form = TriageForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(pk=pk, form=form))
                escalation = triage(request, self.scope, escalation, form.cleaned_data["action"],
                                    form.cleaned_data["note"])
                messages.success(request, f"Escalation #{escalation.pk}: {escalation.get_status_display().lower()}"
                                 if form.cleaned_data["action"] != "assign_me" else "Assigned to you.")
        except ValidationError as exc:
            messages.error(request, _message(exc))
        return redirect("console:escalation-detail", pk=pk)
