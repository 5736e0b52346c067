from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("switch-team/", views.SwitchTeamView.as_view(), name="switch-team"),
    path("events/", views.SectionView.as_view(
        title="Events", intro="Every governed call, with the policies that acted on it."), name="events"),
    path("escalations/", views.SectionView.as_view(
        title="Escalations", intro="Items a policy escalated for human review, oldest first."), name="escalations"),
    path("costs/", views.SectionView.as_view(
        title="Cost Center", intro="Spend by user, model and day against each team's budget."), name="costs"),
    path("settings/budgets/", views.BudgetsView, name="budgets"),
]
