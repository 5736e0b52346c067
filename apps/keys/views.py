from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from . import selectors, services
from .forms import ApiTokenForm, GatewayKeyForm


class GatewayKeyListView(ConsoleView):
    """Settings > Gateway Keys: list, self-service create (secret shown once), revoke."""

    template_name = "keys/gatewaykey_list.html"
    required_role = {"GET": Role.VIEWER, "POST": Role.DEVELOPER}

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            keys=selectors.gateway_key_list(scope=self.scope),
            form=form or GatewayKeyForm(scope=self.scope, actor=self.request.user),
            **kwargs,
        )

    def post(self, request):
        form = GatewayKeyForm(request.POST, scope=self.scope, actor=request.user)
        if form.is_valid():
            try:
                key, plaintext = services.gateway_key_create(
                    scope=self.scope, actor=request.user, request=request, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
            else:
                context = self.get_context_data(created=key, plaintext=plaintext)
                response = render(request, self.template_name, context)
                response["Cache-Control"] = "no-store"  # the secret must not be cached
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class GatewayKeyRevokeView(ConsoleView):
    required_role = {"POST": Role.DEVELOPER}

    def post(self, request, key_id):
        key = self.get_scoped_object(selectors.gateway_key_list(scope=self.scope), key_id=key_id)
        if services.gateway_key_revoke(scope=self.scope, actor=request.user, key=key, request=request):
            messages.success(request, f"Revoked {key.display}. Gateways reject it within 10 seconds.")
        return redirect("keys:list")


class ApiTokenListView(ConsoleView):
    template_name = "keys/apitoken_list.html"

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            tokens=selectors.api_token_list(scope=self.scope).prefetch_related("teams"),
            form=form or ApiTokenForm(scope=self.scope),
            **kwargs,
        )

    def post(self, request):
        form = ApiTokenForm(request.POST, scope=self.scope)
        if form.is_valid():
            token, plaintext = services.api_token_create(
                scope=self.scope, actor=request.user, request=request, **form.cleaned_data)
            response = render(request, self.template_name, self.get_context_data(created=token, plaintext=plaintext))
            response["Cache-Control"] = "no-store"
            return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(ConsoleView):
    def post(self, request, key_id):
        token = self.get_scoped_object(selectors.api_token_list(scope=self.scope), key_id=key_id)
        if services.api_token_revoke(scope=self.scope, actor=request.user, token=token, request=request):
            messages.success(request, f"Revoked {token.display}.")
        return redirect("keys:tokens")
