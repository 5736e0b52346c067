"""Console > Events: the API's filters, keyset pages over HTMX, a live tail and
the event detail (DESIGN §9). One FilterSet (apps.events.api.filters) drives
both this table and /v1/events; the CSV export is the API's streaming export."""

from dataclasses import replace
from urllib.parse import urlencode

from django.http import Http404

from apps.console.selectors import event_detail
from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from .api.filters import EventFilterSet
from .models import Action
from .selectors import event_page, event_queryset
from .ulids import ulid_datetime

PAGE_SIZE = 50
TAIL_SECONDS = 5
DEFAULT_SINCE = "7d"
SINCE_CHOICES = [("1h", "Last hour"), ("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days")]
FILTERS = ("since", "action", "policy", "model", "user")


class EventListView(ConsoleView):
    template_name = "events/event_list.html"

    def get(self, request, *args, **kwargs):
        self.filter_values = {name: request.GET.get(name, "").strip() for name in FILTERS}
        if "since" not in request.GET:
            self.filter_values["since"] = DEFAULT_SINCE
        params = {k: v for k, v in self.filter_values.items() if v}
        if len(self.scope.team_ids) == 1 and len(request.full_scope.team_ids) > 1:
            params["team"] = self.scope.teams().get().slug  # the team switcher narrows the export too
        self.params = params
        self.filterset = EventFilterSet(params, queryset=event_queryset(self.scope), team_ids=self.scope.team_ids)
        response = super().get(request, *args, **kwargs)
        if self.is_partial_request():
            part = "tail" if request.GET.get("newer_than") else "page"
            response.template_name = f"{self.template_name}#{part}"
        return response

    def get_context_data(self, **kwargs):
        rows, next_cursor, error = [], None, ""
        if self.filterset.is_valid():
            queryset, entries = self.filterset.page_source()
            newer_than = self.request.GET.get("newer_than", "")
            moment = ulid_datetime(newer_than) if newer_than else None
            if moment is not None:
                queryset = queryset.filter(ts__gte=moment, id__gt=newer_than.upper())
                if entries is not None:  # the entry walk stops at the tail's start too
                    entries = replace(entries, since=max(moment, entries.since or moment))
            cursor = self.request.GET.get("cursor") or None
            if cursor and ulid_datetime(cursor) is None:
                cursor, error = None, "That page link is out of date; showing the newest events."
            rows, next_cursor = event_page(queryset, entries=entries, scope=self.scope, limit=PAGE_SIZE,
                                           cursor=cursor)
        else:
            field, message = self.filterset.first_error()
            error = f"{field}: {message}"
        newest = rows[0]["id"] if rows else self.request.GET.get("newer_than", "")
        query = urlencode(self.params)
        return super().get_context_data(
            rows=rows, next_cursor=next_cursor, tailing=bool(self.request.GET.get("newer_than")), error=error, values=self.filter_values, query=query,
            newest=newest, since_choices=SINCE_CHOICES, actions=Action.values, tail_seconds=TAIL_SECONDS,
            show_user_filter=self.scope.has_role(Role.VIEWER) and any(
                role != Role.DEVELOPER for role in self.scope.team_roles.values()),
            export_url=f"/v1/events/export?{urlencode({**self.params, 'format': 'csv'})}", **kwargs,
        )


class EventDetailView(ConsoleView):
    template_name = "events/event_detail.html"

    def get_context_data(self, event_id, **kwargs):
        event = event_detail(scope=self.scope, event_id=event_id)
        if event is None:
            raise Http404("No such event (or it belongs to a team you cannot see).")
        return super().get_context_data(event=event, **kwargs)
