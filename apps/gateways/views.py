from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from . import selectors, services
from .forms import GatewayForm


def control_plane_url(request) -> str:
    return getattr(settings, "KT_PUBLIC_URL", "") or request.build_absolute_uri("/").rstrip("/")


class GatewayListView(ConsoleView):
    """Settings > Gateways: register (token + copy-ready `kt gateway run` shown once), status, revoke."""

    template_name = "gateways/gateway_list.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.MANAGER}

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            gateways=selectors.gateway_list(scope=self.scope),
            form=form or GatewayForm(scope=self.scope),
            **kwargs,
        )

    def post(self, request):
        form = GatewayForm(request.POST, scope=self.scope)
        if form.is_valid():
            try:
                gateway, token = services.gateway_register(scope=self.scope, actor=request.user, request=request,
                                                           **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, str(exc))
            else:
                command = services.gateway_run_command(token, control_plane_url(request))
                context = self.get_context_data(created=gateway, plaintext=token, command=command)
                response = render(request, self.template_name, context)
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class GatewayRevokeView(ConsoleView):
    required_role = {"POST": Role.MANAGER}

    def post(self, request, key_id):
        gateway = self.get_scoped_object(selectors.gateway_list(scope=self.scope), key_id=key_id)
        if services.gateway_revoke(scope=self.scope, actor=request.user, gateway=gateway, request=request):
            messages.success(request, f"Revoked gateway {gateway.name}; its token stops working at once.")
        return redirect("gateways:list")
