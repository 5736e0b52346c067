from django.urls import path, re_path

from apps.core.api import not_found_view

from . import gateway

app_name = "api"

urlpatterns = [
    path("gateway/events", gateway.GatewayEventsView.as_view(), name="gateway-events"),
    path("gateway/config", gateway.GatewayConfigView.as_view(), name="gateway-config"),
    path("gateway/budget/lease", gateway.BudgetLeaseView.as_view(), name="gateway-lease"),
    re_path(r"^.*$", not_found_view),
]
