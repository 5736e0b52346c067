from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="members"),
    path("<int:pk>/role/", views.MemberRoleView.as_view(), name="member-role"),
    path("<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member-remove"),
]
