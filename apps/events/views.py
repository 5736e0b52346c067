"""Console > Events: the API's filters, keyset pages over HTMX, a live tail and
the event detail (DESIGN §9). One FilterSet (apps.events.api.filters) drives
both this table and /v1/events; the CSV export is the API's streaming export."""

from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from apps.console.selectors import event_detail
from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from . import stream
from .api.filters import EventFilterSet
from .models import Action
from .selectors import event_page, event_queryset
from .ulids import ulid_datetime

PAGE_SIZE = 50
TAIL_SECONDS = 5  # the polling fallback when the browser cannot hold a stream
TAIL_STREAM_SECONDS = 55  # then the browser reconnects with Last-Event-ID, freeing the thread in between
TAIL_HEARTBEAT_SECONDS = 5  # a write every 5 s at least: a tab that left frees its slot within seconds
LIVE_TAILS = stream.StreamSlots(settings.KT_LIVE_TAIL_STREAMS)
DEFAULT_SINCE = "7d"
SINCE_CHOICES = [("1h", "Last hour"), ("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days")]
FILTERS = ("since", "until", "team", "gateway", "action", "policy", "model", "user")


class EventFilteredView(ConsoleView):
    """The Events page's filters, read from the query string and scoped to the actor."""

    def get(self, request, *args, **kwargs):
        self.read_filters(request)
        return super().get(request, *args, **kwargs)

    def read_filters(self, request):
        self.filter_values = {name: request.GET.get(name, "").strip() for name in FILTERS}
        if "since" not in request.GET:
            self.filter_values["since"] = DEFAULT_SINCE
        params = {k: v for k, v in self.filter_values.items() if v}
        if len(self.scope.team_ids) == 1 and len(request.full_scope.team_ids) > 1:
            params["team"] = self.scope.teams().get().slug  # the team switcher narrows the export too
        self.params = params
        self.filterset = EventFilterSet(params, queryset=event_queryset(self.scope), team_ids=self.scope.team_ids)


class EventListView(EventFilteredView):
    template_name = "events/event_list.html"

    def get(self, request, *args, **kwargs):
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
        tailing = bool(self.request.GET.get("newer_than"))
        return super().get_context_data(
            rows=rows, next_cursor=next_cursor, tailing=tailing, error=error, values=self.filter_values, query=query,
            newest=newest, since_choices=SINCE_CHOICES, teams=self.scope.teams() if len(self.scope.team_ids) > 1 else None, actions=Action.values, tail_seconds=TAIL_SECONDS,
            show_user_filter=self.scope.has_role(Role.VIEWER) and any(
                role != Role.DEVELOPER for role in self.scope.team_roles.values()),
            export_url=f"/v1/events/export?{urlencode({**self.params, 'format': 'csv'})}",
            stream_url="" if tailing else self.stream_url(),
            **kwargs,
        )


    def stream_url(self) -> str:
        """Where the page's live tail connects: the same filters, from the newest stored event."""
        start = "%d:%s" % stream.latest_position()
        return f"{reverse('console:events-stream')}?{urlencode({**self.params, 'last_event_id': start})}"


class EventTailView(EventFilteredView):
    """The live tail: the Events page's filters over server-sent events, each event
    sent as its table row. Session-authenticated and scoped like the page; the same
    stream as `GET /v1/events/stream`. When every stream slot of this process is
    taken it answers 503 and the page polls instead."""

    def get(self, request, *args, **kwargs):
        self.read_filters(request)
        if not self.filterset.is_valid():
            field, message = self.filterset.first_error()
            return HttpResponse(f"{field}: {message}", status=400, content_type="text/plain; charset=utf-8")
        resume = self.request.headers.get("Last-Event-ID") or self.request.GET.get("last_event_id")
        try:
            position = stream.stream_position(resume)
        except stream.BadPosition:
            position = stream.latest_position()  # an id from before a restart of the page: start from now
        events = LIVE_TAILS.hold(stream.event_stream(
            self.filterset.qs, scope=self.scope, position=position, timeout=TAIL_STREAM_SECONDS, data=self.row,
            heartbeat_seconds=TAIL_HEARTBEAT_SECONDS))
        if events is None:
            return HttpResponse("Too many live tails are open on this server; the page polls instead.", status=503,
                                headers={"Retry-After": "30"}, content_type="text/plain; charset=utf-8")
        response = StreamingHttpResponse(events, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response

    def row(self, event: dict) -> bytes:
        html = render_to_string("events/event_list.html#row", {"e": event}, request=self.request)
        return "\n".join(f"data: {line}" for line in html.strip().splitlines()).encode()


class EventDetailView(ConsoleView):
    template_name = "events/event_detail.html"

    def get_context_data(self, event_id, **kwargs):
        event = event_detail(scope=self.scope, event_id=event_id)
        if event is None:
            raise Http404("No such event (or it belongs to a team you cannot see).")
        return super().get_context_data(event=event, **kwargs)
