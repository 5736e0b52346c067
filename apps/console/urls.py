"""Every Console page, in one namespace (`console:`); the views live in their domain apps."""

from django.urls import path

from apps.costs.views import BudgetSettingsView, CostCenterView
from apps.escalations.views import EscalationDetailView, EscalationListView
from apps.events.views import EventDetailView, EventListView, EventTailView

from . import views

app_name = "console"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("switch-team/", views.SwitchTeamView.as_view(), name="switch-team"),
    path("events/", EventListView.as_view(), name="events"),
    path("events/stream/", EventTailView.as_view(), name="events-stream"),
    path("events/<str:event_id>/", EventDetailView.as_view(), name="event-detail"),
    path("escalations/", EscalationListView.as_view(), name="escalations"),
    path("escalations/<int:pk>/", EscalationDetailView.as_view(), name="escalation-detail"),
    path("costs/", CostCenterView.as_view(), name="costs"),
    path("settings/budgets/", BudgetSettingsView.as_view(), name="budgets"),
]
