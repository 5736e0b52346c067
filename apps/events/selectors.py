"""Reads of the event store, always given the actor's scope (STYLE §1, §3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import orjson
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDay, TruncHour

from apps.gateways.models import Gateway
from apps.tenancy.models import Role, Team, User
from apps.tenancy.scope import Scope

from .models import Action, Event, PolicyEntry, PolicyRollup, UsageDailyRollup, UsageRollup
from .ulids import ulid_datetime

GROUP_KEYS = ("user", "model", "team", "gateway", "policy", "action", "day", "hour", "key")
PARTITIONING_KEYS = {"user", "model", "team", "gateway", "key", "day", "hour"}
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50


def event_queryset(scope: Scope):
    """Events the actor may see: their teams' events; developers only their own."""
    if scope.is_empty:
        return Event.objects.none()
    return scope.filter(Event.objects.filter(organization=scope.organization), user_field="user")


# --------------------------------------------------------------------------
# Serialization (one dict per event; the API, export and stream share it)
# --------------------------------------------------------------------------
@dataclass
class Labels:
    """id -> label maps for a page of events, loaded with one query each."""

    teams: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    gateways: dict = field(default_factory=dict)

    @classmethod
    def for_scope(cls, scope: Scope) -> "Labels":
        labels = cls()
        labels.teams = dict(Team.objects.filter(id__in=scope.team_ids).values_list("id", "slug"))
        labels.gateways = dict(Gateway.objects.filter(organization=scope.organization).values_list("id", "key_id"))
        return labels

    def user(self, user_id) -> str | None:
        if user_id not in self.users:
            self.users.update(User.objects.filter(id=user_id).values_list("id", "email"))
        return self.users.get(user_id)

    def preload_users(self, user_ids) -> None:
        missing = set(user_ids) - set(self.users)
        if missing:
            self.users.update(User.objects.filter(id__in=missing).values_list("id", "email"))


EVENT_FIELDS = (
    "id", "ts", "team_id", "gateway_id", "user_id", "key_id", "model", "endpoint", "status", "action",
    "tokens_in", "tokens_out", "cost_usd", "priced", "latency_ms", "upstream_ms", "stream",
    "prompt_excerpt", "response_excerpt", "error_code",
)


ENTRY_FIELDS = ("event_id", "name", "type", "action", "phase", "score", "findings")


def policies_for(rows: list[dict], team_ids=None) -> dict[str, list[dict]]:
    """The policy entries of a page of events, in one query."""
    if not rows:
        return {}
    ids = [r["id"] for r in rows]
    oldest, newest = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    by_event = defaultdict(list)
    if connection.vendor == "postgresql":  # one array parameter instead of thousands of placeholders
        sql = (f"SELECT {', '.join(ENTRY_FIELDS)} FROM events_policyentry "
               "WHERE event_id = ANY(%s) AND ts >= %s AND ts <= %s")
        params = [ids, oldest, newest]
        if team_ids is not None:
            sql += " AND team_id = ANY(%s)"
            params.append(list(team_ids))
        with connection.cursor() as cursor:
            cursor.execute(sql + " ORDER BY id", params)
            for event_id, name, type_, action, phase, score, findings in cursor.fetchall():
                if isinstance(findings, (str, bytes)):  # Django leaves jsonb as text for JSONField
                    findings = orjson.loads(findings)
                by_event[event_id].append({"name": name, "type": type_, "action": action, "phase": phase,
                                           "score": score, "findings": findings})
        return by_event
    entries = PolicyEntry.objects.filter(event_id__in=ids, ts__gte=oldest, ts__lte=newest)
    if team_ids is not None:
        entries = entries.filter(team_id__in=team_ids)
    for e in entries.order_by("id").values(*ENTRY_FIELDS):
        by_event[e.pop("event_id")].append(e)
    return by_event


def event_dict(row: dict, policies: list[dict], labels: Labels) -> dict:
    return {
        "id": row["id"],
        "ts": iso(row["ts"]),
        "team": labels.teams.get(row["team_id"]),
        "gateway": labels.gateways.get(row["gateway_id"]),
        "user": labels.user(row["user_id"]),
        "key_id": row["key_id"],
        "model": row["model"],
        "endpoint": row["endpoint"],
        "status": row["status"],
        "action": row["action"],
        "policies": policies,
        "tokens_in": row["tokens_in"],
        "tokens_out": row["tokens_out"],
        "cost_usd": float(row["cost_usd"]),
        "priced": row["priced"],
        "latency_ms": row["latency_ms"],
        "upstream_ms": row["upstream_ms"],
        "stream": row["stream"],
        "prompt_excerpt": row["prompt_excerpt"] or None,
        "response_excerpt": row["response_excerpt"] or None,
        "error_code": row["error_code"] or None,
    }


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def events_as_dicts(rows: list[dict], scope: Scope, labels: Labels | None = None) -> list[dict]:
    labels = labels or Labels.for_scope(scope)
    labels.preload_users({r["user_id"] for r in rows})
    policies = policies_for(rows, scope.team_ids)
    return [event_dict(r, policies.get(r["id"], []), labels) for r in rows]


# --------------------------------------------------------------------------
# Pages (keyset pagination, newest first)
# --------------------------------------------------------------------------
def before_cursor(queryset, cursor: str):
    """Events strictly older than the cursor event (ts comes from the ULID)."""
    moment = ulid_datetime(cursor)
    return queryset.filter(Q(ts__lt=moment) | Q(ts=moment, id__lt=cursor))


def event_page(queryset, *, scope: Scope, limit: int, cursor: str | None,
               entries: "EntryMatch | None" = None) -> tuple[list[dict], str | None]:
    """The newest `limit` events of `queryset` (older than `cursor`) that also have
    a policy entry matching `entries`, and the next page's cursor."""
    if entries is not None and entries.walkable():
        rows = _walk_entries(queryset, entries, limit + 1, cursor)
    else:
        if entries is not None:
            queryset = queryset.filter(id__in=entries.event_ids())
        if cursor:
            queryset = before_cursor(queryset, cursor)
        rows = list(queryset.order_by("-ts", "-id").values(*EVENT_FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1]["id"] if more and rows else None
    return events_as_dicts(rows, scope), next_cursor


@dataclass(frozen=True)
class EntryMatch:
    """Events with a policy entry of this policy (name or type) and/or entry action,
    in these teams and times: the `policy` filter, and `action=escalate|redact|log`."""

    policy: str | None = None
    action: str | None = None
    team_ids: tuple | None = None
    since: datetime | None = None
    until: datetime | None = None

    def event_ids(self):
        """The matching entries' event ids, as a subquery."""
        entries = PolicyEntry.objects.all()
        if self.team_ids is not None:
            entries = entries.filter(team_id__in=self.team_ids)
        if self.policy:
            entries = entries.filter(Q(name=self.policy) | Q(type=self.policy))
        if self.action:
            entries = entries.filter(action=self.action)
        if self.since:
            entries = entries.filter(ts__gte=self.since)
        if self.until:
            entries = entries.filter(ts__lt=self.until)
        return entries.values("event_id")

    def walkable(self) -> bool:
        """Can the `(team, name|type, action, ts DESC)` indexes hand out the matches newest first?"""
        return connection.vendor == "postgresql" and bool(self.team_ids) and bool(self.policy or self.action)

    @cached_property
    def index_keys(self) -> dict[str, list[tuple]]:
        """(team, action, value) to look up in the name and in the type index. Without a
        policy, the types that took `action` in the window come from the policy rollup
        (written with the entries, so it lists every one)."""
        actions = [self.action] if self.action else list(Action.values)
        if self.policy:
            keys = [(team, action, self.policy) for team in self.team_ids for action in actions]
            return {"name": keys, "type": keys}
        rollup = PolicyRollup.objects.filter(team_id__in=self.team_ids, action=self.action)
        if self.since:
            rollup = rollup.filter(hour__gte=self.since.replace(minute=0, second=0, microsecond=0))
        if self.until:
            rollup = rollup.filter(hour__lt=self.until)
        types = rollup.values_list("team_id", "policy_type").distinct().order_by()
        return {"name": [], "type": [(team, self.action, type_) for team, type_ in types]}

    def newest(self, count: int, before: tuple | None) -> list[tuple]:
        """The newest `count` matching entries strictly before `before` = (ts, event_id), as
        (ts, event_id) newest first (an event with two matching entries appears twice).

        One ordered index scan per (team, action, name or type), each stopping after
        `count` rows; the `LATERAL` keeps the plan the same size whatever the number of
        keys. Collecting the whole window's matches first (the subquery form) took
        575 ms at 10 M events for a week of `policy=content-filter&action=block`."""
        conditions, params = [], []
        if self.since:
            conditions.append("p.ts >= %s")
            params.append(self.since)
        if self.until:
            conditions.append("p.ts < %s")
            params.append(self.until)
        if before:
            conditions.append("p.ts <= %s AND (p.ts < %s OR p.event_id < %s)")
            params += [before[0], before[0], before[1]]
        where = "".join(f" AND {c}" for c in conditions)
        branches, branch_params = [], []
        for column, keys in self.index_keys.items():
            if not keys:
                continue
            teams, actions, values = (list(column_values) for column_values in zip(*keys))
            branches.append(
                "SELECT c.ts, c.event_id FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS k(team_id, action, v), "
                "LATERAL (SELECT p.ts, p.event_id FROM events_policyentry p WHERE p.team_id = k.team_id "
                f"AND p.action = k.action AND p.{column} = k.v{where} ORDER BY p.ts DESC, p.event_id DESC LIMIT %s) c")
            branch_params += [teams, actions, values, *params, count]
        if not branches:
            return []
        sql = f"SELECT ts, event_id FROM ({' UNION ALL '.join(branches)}) m ORDER BY ts DESC, event_id DESC LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*branch_params, count])
            return cursor.fetchall()


def _walk_entries(queryset, entries: EntryMatch, want: int, cursor: str | None) -> list[dict]:
    """Up to `want` events of `queryset`, newest first, found by walking the matching
    policy entries newest first and loading their events a batch at a time: the
    cost follows the page, not the number of matches in the window."""
    before = (ulid_datetime(cursor), cursor) if cursor else None
    rows, seen, batch = [], set(), want
    while len(rows) < want:
        matches = entries.newest(batch, before)
        ids = []
        for _, event_id in matches:
            if event_id not in seen:  # an event with two matching entries comes twice
                seen.add(event_id)
                ids.append(event_id)
        if ids:
            found = {row["id"]: row for row in queryset.filter(
                id__in=ids, ts__gte=matches[-1][0], ts__lte=matches[0][0]).values(*EVENT_FIELDS)}
            rows += [found[event_id] for event_id in ids if event_id in found]
        if len(matches) < batch:
            break  # no older matches
        before = matches[-1]
        batch = min(batch * 4, 5000)  # the other filters rejected some: take bigger steps
    return rows[:want]


# --------------------------------------------------------------------------
# group_by: from the rollups for whole hours, raw events for the edges
# --------------------------------------------------------------------------
COUNTERS = ("requests", "blocked", "redacted", "escalated", "tokens_in", "tokens_out", "cost_usd")


@dataclass
class GroupQuery:
    keys: list[str]
    since: datetime | None
    until: datetime | None
    filters: dict  # team/user/model/gateway/key/action/policy (cleaned values, may be None)


def _rollup_counters():
    """Counters summed from a rollup's `requests` by its action column."""
    return {
        "c_requests": Sum("requests"),
        "c_blocked": Sum("requests", filter=Q(action="block")),
        "c_redacted": Sum("requests", filter=Q(action="redact")),
        "c_escalated": Sum("requests", filter=Q(action="escalate")),
    }


def _raw_counters():
    return {
        "c_requests": Count("id"),
        "c_blocked": Count("id", filter=Q(action="block")),
        "c_redacted": Count("id", filter=Q(action="redact")),
        "c_escalated": Count("id", filter=Q(action="escalate")),
    }


def event_groups(*, scope: Scope, query: GroupQuery, base_events) -> list[dict]:
    """Groups of `query.keys` over [since, until). Whole days come from the daily
    rollup, whole hours from the hourly one, and the edges from raw events;
    `base_events` is the scoped, filtered raw queryset (edges, and filters the
    rollups cannot answer)."""
    by_policy = "policy" in query.keys
    source = _rollup_source(scope, query, by_policy)
    totals: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for tier, start, end in plan_segments(query.since, query.until, source, daily="hour" not in query.keys):
        if tier == "raw":
            rows = _raw_groups(scope, query, base_events, start, end, by_policy)
        else:
            rows = _rollup_groups(scope, query, tier, start, end)
        _add_rows(totals, query.keys, rows)
    return _present(scope, query.keys, totals)


def _floor_hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment):
    floor = _floor_hour(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


def _floor_day(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _ceil_day(moment):
    floor = _floor_day(moment)
    return floor if floor == moment else floor + timedelta(days=1)


def plan_segments(since, until, source, *, daily: bool):
    """Split [since, until) into (tier, start, end) pieces: raw edges, whole hours,
    whole days (None = unbounded). Rollups are written with the events, so an open
    `until` needs no edge: they are exact up to now."""
    if source is None:
        return [("raw", since, until)]
    hour_start = _ceil_hour(since) if since else None
    hour_end = _floor_hour(until) if until else None
    if hour_start and hour_end and hour_start >= hour_end:
        return [("raw", since, until)]
    segments = []
    if since and since != hour_start:
        segments.append(("raw", since, hour_start))
    if until and until != hour_end:
        segments.append(("raw", hour_end, until))
    day_start = _ceil_day(since) if since else None
    day_end = _floor_day(until) if until else None
    if daily and source is UsageRollup and not (day_start and day_end and day_start >= day_end):
        segments.append((UsageDailyRollup, day_start, day_end))
        if hour_start and hour_start != day_start:
            segments.append((UsageRollup, hour_start, day_start))
        if hour_end and hour_end != day_end:
            segments.append((UsageRollup, day_end, hour_end))
    else:
        segments.append((source, hour_start, hour_end))
    return segments


def _rollup_source(scope: Scope, query: GroupQuery, by_policy: bool):
    f = {k: v for k, v in query.filters.items() if v}
    if by_policy:
        developer_somewhere = any(role == Role.DEVELOPER for role in scope.team_roles.values())
        dims_ok = set(query.keys) <= {"policy", "action", "team", "day", "hour"}
        filters_ok = set(f) <= {"team", "policy", "action"}
        return PolicyRollup if dims_ok and filters_ok and not developer_somewhere else None
    filters_ok = "policy" not in f and f.get("action") in (None, "block", "allow", "error")
    return UsageRollup if filters_ok else None


DIM_COLUMNS = {
    "usage": {"user": "user_id", "model": "model", "team": "team_id", "gateway": "gateway_id", "key": "key_id",
              "action": "action", "hour": "hour"},
    "policy": {"policy": "policy", "action": "action", "team": "team_id", "hour": "hour"},
    "event": {"user": "user_id", "model": "model", "team": "team_id", "gateway": "gateway_id", "key": "key_id",
              "action": "action"},
    "entry": {"policy": "name", "action": "action", "team": "team_id", "user": "event__user_id",
              "model": "event__model", "gateway": "event__gateway_id", "key": "event__key_id"},
}


def _dimension_annotations(keys, kind: str, time_field: str):
    columns = DIM_COLUMNS[kind]
    annotations, names = {}, []
    for key in keys:
        name = f"g_{key}"
        if key == "day":
            annotations[name] = TruncDay(time_field, tzinfo=timezone.utc)
        elif key == "hour":
            annotations[name] = TruncHour(time_field, tzinfo=timezone.utc) if kind in ("event", "entry") else F(
                columns["hour"])
        else:
            annotations[name] = F(columns[key])
        names.append(name)
    return annotations, names


def _rollup_groups(scope, query, model, start, end):
    kind = "policy" if model is PolicyRollup else "usage"
    time_field = "day" if model is UsageDailyRollup else "hour"
    qs = model.objects.filter(organization=scope.organization)
    qs = scope.filter(qs, user_field="user" if kind == "usage" else None)
    if start is not None:
        qs = qs.filter(**{f"{time_field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{time_field}__lt": end})
    f = query.filters
    if f.get("team"):
        qs = qs.filter(team__slug=f["team"])
    if kind == "usage":
        if f.get("user"):
            qs = qs.filter(user__email__iexact=f["user"])
        if f.get("model"):
            qs = qs.filter(model=f["model"])
        if f.get("key"):
            qs = qs.filter(key_id=f["key"])
        if f.get("gateway"):
            qs = qs.filter(gateway_id__in=Gateway.objects.filter(
                Q(key_id=f["gateway"]) | Q(name=f["gateway"]), organization=scope.organization).values("id"))
        if f.get("action"):
            qs = qs.filter(action=f["action"])
    else:
        if f.get("policy"):
            qs = qs.filter(Q(policy=f["policy"]) | Q(policy_type=f["policy"]))
        if f.get("action"):
            qs = qs.filter(action=f["action"])
    annotations, names = _dimension_annotations(query.keys, kind, time_field)
    return (qs.annotate(**annotations).values(*names).order_by()
            .annotate(**_rollup_counters(), c_tokens_in=Sum("tokens_in"),
                      c_tokens_out=Sum("tokens_out"), c_cost_usd=Sum("cost_usd")))


def _raw_groups(scope, query, base_events, since, until, by_policy):
    events = base_events
    if since is not None:
        events = events.filter(ts__gte=since)
    if until is not None:
        events = events.filter(ts__lt=until)
    if not by_policy:
        annotations, names = _dimension_annotations(query.keys, "event", "ts")
        return (events.annotate(**annotations).values(*names).order_by()
                .annotate(**_raw_counters(), c_tokens_in=Sum("tokens_in"),
                          c_tokens_out=Sum("tokens_out"), c_cost_usd=Sum("cost_usd")))
    entries = PolicyEntry.objects.filter(event__in=events.values("id"), team_id__in=scope.team_ids)
    if since is not None:
        entries = entries.filter(ts__gte=since)
    if until is not None:
        entries = entries.filter(ts__lt=until)
    f = query.filters
    if f.get("policy"):
        entries = entries.filter(Q(name=f["policy"]) | Q(type=f["policy"]))
    if f.get("action"):
        entries = entries.filter(action=f["action"])
    annotations, names = _dimension_annotations(query.keys, "entry", "ts")
    return (entries.annotate(**annotations).values(*names).order_by()
            .annotate(**_raw_counters(), c_tokens_in=Sum("event__tokens_in"),
                      c_tokens_out=Sum("event__tokens_out"), c_cost_usd=Sum("event__cost_usd")))


def _add_rows(totals, keys, rows) -> None:
    for row in rows:
        group = tuple(_normal(k, row[f"g_{k}"]) for k in keys)
        target = totals[group]
        for counter in COUNTERS:
            target[counter] += row[f"c_{counter}"] or 0


def _normal(key, value):
    if key == "gateway":
        return value or None  # rollups store "no gateway" as 0
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    return value


def _present(scope, keys, totals) -> list[dict]:
    labels = Labels.for_scope(scope)
    if "user" in keys:
        labels.preload_users({g[keys.index("user")] for g in totals})
    out = []
    for group, counters in totals.items():
        row = {}
        for key, value in zip(keys, group):
            row[key] = _label(key, value, labels)
        row.update({c: counters[c] for c in COUNTERS})
        row["cost_usd"] = float(Decimal(str(row["cost_usd"])).quantize(Decimal("0.000001")))
        out.append(row)
    time_keys = [k for k in keys if k in ("day", "hour")]
    out.sort(key=lambda r: (tuple(r[k] for k in time_keys), -r["requests"], tuple(str(r[k]) for k in keys)))
    return out


def _label(key, value, labels: Labels):
    if key == "user":
        return labels.user(value)
    if key == "team":
        return labels.teams.get(value)
    if key == "gateway":
        return labels.gateways.get(value) if value else None
    if key == "day":
        return value.date().isoformat()
    if key == "hour":
        return iso(value)[:-5] + "Z" if value else None
    return value
