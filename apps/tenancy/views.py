from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from apps.core.views import ConsoleView

from . import selectors, services
from .forms import MemberForm, RoleForm
from .models import Role


class MemberListView(ConsoleView):
    """Settings > Members: admins and managers add people and set roles."""

    template_name = "tenancy/member_list.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.MANAGER}

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            memberships=selectors.membership_list(scope=self.scope),
            form=form or MemberForm(scope=self.scope),
            role_choices=Role.choices,
            **kwargs,
        )

    def post(self, request):
        form = MemberForm(request.POST, scope=self.scope)
        if form.is_valid():
            try:
                membership, password = services.membership_add(scope=self.scope, actor=request.user, request=request,
                                                               **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            else:
                response = render(request, self.template_name,
                                  self.get_context_data(added=membership, initial_password=password))
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MemberRoleView(ConsoleView):
    required_role = {"POST": Role.MANAGER}

    def post(self, request, pk):
        membership = self.get_scoped_object(selectors.membership_list(scope=self.scope), pk=pk)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose one of: " + ", ".join(r.value for r in Role))
            return redirect("tenancy:members")
        try:
            services.membership_set_role(scope=self.scope, actor=request.user, membership=membership,
                                         role=form.cleaned_data["role"], request=request)
        except (PermissionDenied, ValidationError) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{membership.user.email} is now {membership.role}.")
        return redirect("tenancy:members")


class MemberRemoveView(ConsoleView):
    required_role = {"POST": Role.MANAGER}

    def post(self, request, pk):
        membership = self.get_scoped_object(selectors.membership_list(scope=self.scope), pk=pk)
        services.membership_remove(scope=self.scope, actor=request.user, membership=membership, request=request)
        messages.success(request, f"Removed {membership.user.email}.")
        return redirect("tenancy:members")



