from django.urls import path

from . import views

app_name = "gateways"
urlpatterns = [
    path("", views.GatewayListView.as_view(), name="list"),
    path("<str:key_id>/revoke/", views.GatewayRevokeView.as_view(), name="revoke"),
]
