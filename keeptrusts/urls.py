from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", include("apps.keys.urls")),
    path("settings/gateways/", include("apps.gateways.urls")),
    path("settings/members/", include("apps.tenancy.urls")),
    path("audit/", include("apps.audit.urls")),
    path("templates/", include("apps.policies.urls")),
    path("admin/", admin.site.urls),
    path("v1/", include("apps.events.api.urls")),
    path("", include("apps.console.urls")),
]
