from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.TemplateListView.as_view(), name="list"),
    path("new/", views.TemplateEditView.as_view(), name="new"),
    path("lint/", views.TemplateLintView.as_view(), name="lint"),
    path("<int:pk>/", views.TemplateDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.TemplateEditView.as_view(), name="edit"),
    path("<int:pk>/download/", views.TemplateDownloadView.as_view(), name="download"),
    path("teams/<slug:slug>/", views.TeamPolicyView.as_view(), name="team"),
    path("teams/<slug:slug>/v<int:version>.yaml", views.TeamPolicyDownloadView.as_view(), name="team-download"),
]
