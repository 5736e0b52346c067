from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from apps.core.api import not_found_view

from . import gateway, keys, views

app_name = "api"

urlpatterns = [
    path("events", views.EventListView.as_view(), name="events"),
    path("events/export", views.EventExportView.as_view(), name="events-export"),
    path("events/stream", views.EventStreamView.as_view(), name="events-stream"),
    path("events/<str:event_id>", views.EventDetailView.as_view(), name="event"),
    path("keys", keys.KeyListView.as_view(), name="keys"),
    path("keys/<str:key_id>/revoke", keys.KeyRevokeView.as_view(), name="key-revoke"),
    path("gateway/events", gateway.GatewayEventsView.as_view(), name="gateway-events"),
    path("gateway/config", gateway.GatewayConfigView.as_view(), name="gateway-config"),
    path("gateway/budget/lease", gateway.BudgetLeaseView.as_view(), name="gateway-lease"),
    path("openapi.json", SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
         name="openapi"),
    re_path(r"^.*$", not_found_view),
]
