from django.urls import path

from . import views

app_name = "keys"
urlpatterns = [
    path("keys/", views.GatewayKeyListView.as_view(), name="list"),
    path("keys/<str:key_id>/revoke/", views.GatewayKeyRevokeView.as_view(), name="revoke"),
    path("tokens/", views.ApiTokenListView.as_view(), name="tokens"),
    path("tokens/<str:key_id>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
]
