"""The Events API (DESIGN §7): list / group_by, detail, export, stream."""

import csv
import io

import orjson
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from rest_framework.renderers import JSONRenderer
from drf_spectacular.utils import OpenApiParameter, extend_schema

from apps.core.api import ApiError, invalid_parameter
from apps.core.api_views import ScopedAPIView

from .. import stream
from ..export import copy_export
from ..selectors import (
    DEFAULT_LIMIT, EVENT_FIELDS, GROUP_KEYS, MAX_LIMIT, GroupQuery, event_groups, event_page,
    event_queryset, events_as_dicts,
)
from ..ulids import ulid_ms
from .filters import EventFilterSet
from .serializers import EventPageSerializer, EventSerializer

FILTER_PARAMS = ("since", "until", "action", "policy", "model", "user", "team", "gateway", "key")
LIST_PARAMS = FILTER_PARAMS + ("limit", "cursor", "group_by")
EXPORT_FORMATS = ("csv", "jsonl")
EXPORT_CHUNK = 5000


def json_response(body, status=200) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


FILTER_DOCS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=str(EventFilterSet.base_filters[name].extra.get(
        "help_text", "")))
    for name in FILTER_PARAMS
]


class EventsBaseView(ScopedAPIView):
    allowed_params = FILTER_PARAMS

    def perform_content_negotiation(self, request, force=False):
        # These views write their own bodies (JSON, CSV, JSONL, SSE); `Accept` and
        # `format` pick nothing here, and errors are always JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def scoped_queryset(self, scope):
        return event_queryset(scope)

    def check_params(self, request):
        for name in request.query_params:
            if name not in self.allowed_params:
                raise invalid_parameter(name, "unknown parameter", ", ".join(self.allowed_params))

    def filtered(self, request):
        self.check_params(request)
        filterset = EventFilterSet(request.query_params, queryset=self.get_queryset(), team_ids=self.scope.team_ids)
        if not filterset.is_valid():
            param, message = filterset.first_error()
            raise ApiError("invalid_parameter", f"{param}: {message}", param=param)
        return filterset


def int_param(request, name, default, low, high) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(name, f"{raw!r} is not a whole number", f"{low}–{high}") from None
    if not low <= value <= high:
        raise invalid_parameter(name, f"{value} is out of range", f"{low}–{high}")
    return value


def cursor_param(request) -> str | None:
    cursor = request.query_params.get("cursor") or None
    if cursor and ulid_ms(cursor) is None:
        raise invalid_parameter("cursor", f"{cursor!r} is not a cursor from a previous page",
                                "the next_cursor value of the previous response")
    return cursor


def group_by_param(request) -> list[str]:
    raw = request.query_params.get("group_by", "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    bad = [k for k in keys if k not in GROUP_KEYS]
    if bad or (raw and not keys):
        raise invalid_parameter("group_by", f"unknown key {', '.join(bad) or raw!r}", ", ".join(GROUP_KEYS))
    if len(set(keys)) != len(keys):
        raise invalid_parameter("group_by", "a key is repeated", ", ".join(GROUP_KEYS))
    return keys


class EventListView(EventsBaseView):
    allowed_params = LIST_PARAMS

    @extend_schema(
        summary="List events, or group them",
        description=(
            "Without `group_by`: `{data: [event…], next_cursor}` newest first. With `group_by` (comma-separated "
            "user, model, team, gateway, policy, action, day, hour, key): `{group_by, data: [{<keys>, requests, "
            "blocked, redacted, escalated, tokens_in, tokens_out, cost_usd}]}`."),
        parameters=FILTER_DOCS + [
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1–{MAX_LIMIT}, default {DEFAULT_LIMIT}"),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="next_cursor of the previous page"),
            OpenApiParameter("group_by", OpenApiTypes.STR, description=", ".join(GROUP_KEYS)),
        ],
        responses={200: EventPageSerializer},
    )
    def get(self, request):
        filterset = self.filtered(request)
        keys = group_by_param(request)
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        cursor = cursor_param(request)
        if keys:
            data = filterset.form.cleaned_data
            query = GroupQuery(keys=keys, since=data.get("since"), until=data.get("until"),
                               filters={k: data.get(k) for k in FILTER_PARAMS if k not in ("since", "until")})
            groups = event_groups(scope=self.scope, query=query, base_events=filterset.qs)
            return json_response({"group_by": keys, "data": groups})
        events, entries = filterset.page_source()
        rows, next_cursor = event_page(events, entries=entries, scope=self.scope, limit=limit, cursor=cursor)
        return json_response({"data": rows, "next_cursor": next_cursor})


class EventDetailView(EventsBaseView):
    @extend_schema(summary="One event", responses={200: EventSerializer})
    def get(self, request, event_id):
        self.check_params(request)
        moment_ms = ulid_ms(event_id)
        if moment_ms is None:
            raise ApiError("not_found", f"No event {event_id!r}: event ids are ULIDs.")
        rows = list(self.get_queryset().filter(id=event_id.upper()).values(*EVENT_FIELDS)[:1])
        if not rows:
            raise ApiError("not_found", f"No event {event_id} (or it belongs to a team this token cannot see).")
        return json_response(events_as_dicts(rows, self.scope)[0])


CSV_COLUMNS = ("id", "ts", "team", "gateway", "user", "key_id", "model", "endpoint", "status", "action",
               "policies", "tokens_in", "tokens_out", "cost_usd", "priced", "latency_ms", "upstream_ms", "stream")


def csv_policies(policies) -> str:
    return ";".join(f"{p['name']}:{p['action']}" + (f":{p['score']:.2f}" if p.get("score") is not None else "")
                    for p in policies)


class EventExportView(EventsBaseView):
    allowed_params = FILTER_PARAMS + ("format",)

    @extend_schema(summary="Export events (streamed csv or jsonl)", parameters=FILTER_DOCS + [
        OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS))], responses={200: OpenApiTypes.BINARY})
    def get(self, request):
        fmt = request.query_params.get("format", "csv")
        if fmt not in EXPORT_FORMATS:
            raise invalid_parameter("format", f"unknown format {fmt!r}", ", ".join(EXPORT_FORMATS))
        filterset = self.filtered(request)
        if connection.vendor == "postgresql":
            response = StreamingHttpResponse(copy_export(filterset.qs, fmt), content_type=(
                "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"))
            response["Content-Disposition"] = f'attachment; filename="events.{fmt}"'
            return response
        chunks = self.chunks(filterset.qs)
        if fmt == "csv":
            response = StreamingHttpResponse(self.as_csv(chunks), content_type="text/csv; charset=utf-8")
        else:
            response = StreamingHttpResponse(self.as_jsonl(chunks), content_type="application/x-ndjson")
        response["Content-Disposition"] = f'attachment; filename="events.{fmt}"'
        return response

    def chunks(self, queryset):
        """Keyset-paginated chunks, newest first: flat memory however many rows."""
        cursor = None
        while True:
            rows, cursor = event_page(queryset, scope=self.scope, limit=EXPORT_CHUNK, cursor=cursor)
            if rows:
                yield rows
            if cursor is None:
                return

    @staticmethod
    def as_jsonl(chunks):
        for rows in chunks:
            yield b"".join(orjson.dumps(row) + b"\n" for row in rows)

    @staticmethod
    def as_csv(chunks):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for rows in chunks:
            for row in rows:
                writer.writerow([csv_policies(row["policies"]) if c == "policies" else row[c] for c in CSV_COLUMNS])
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode()


class EventStreamView(EventsBaseView):
    """Server-sent events, in commit order (apps.events.stream). Each SSE id is
    `<batch seq>:<event id>`; reconnecting with `Last-Event-ID` resumes right after
    it (no loss, no repeat)."""

    allowed_params = FILTER_PARAMS + ("last_event_id", "timeout")
    poll_seconds = stream.POLL_SECONDS
    heartbeat_seconds = stream.HEARTBEAT_SECONDS
    max_seconds = 300  # then the client reconnects with Last-Event-ID (frees the worker thread)

    @extend_schema(summary="Live events (text/event-stream)", parameters=FILTER_DOCS + [
        OpenApiParameter("timeout", OpenApiTypes.INT, description="seconds before the server ends the stream "
                         "(1–300, default 300); clients reconnect with Last-Event-ID")],
        responses={200: OpenApiTypes.STR})
    def get(self, request):
        filterset = self.filtered(request)
        timeout = int_param(request, "timeout", self.max_seconds, 1, 300)
        resume = request.META.get("HTTP_LAST_EVENT_ID") or request.query_params.get("last_event_id")
        try:
            position = stream.stream_position(resume)
        except stream.BadPosition as exc:
            raise invalid_parameter("Last-Event-ID", str(exc), "the id: line of the last event received") from None
        events = stream.event_stream(filterset.qs, scope=self.scope, position=position, timeout=timeout,
                                     data=lambda event: b"data: " + orjson.dumps(event),
                                     poll_seconds=self.poll_seconds, heartbeat_seconds=self.heartbeat_seconds)
        response = StreamingHttpResponse(events, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
