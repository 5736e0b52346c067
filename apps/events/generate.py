"""Believable synthetic traffic for demos and benchmarks (`manage.py generate_events`).

Developers with uneven activity, a working-hours rhythm, a realistic model mix,
token counts and latencies by model, and policy outcomes in the proportions of
a tuned rollout (mostly allowed; some redactions, blocks, escalations, errors).
Rows go straight into the log (COPY on PostgreSQL, flat memory), then the
rollups, the budget state and the escalations are rebuilt from the log for the
covered hours, so `group_by` agrees with raw counts exactly and the Console
has everything ingest would have written. Escalations older than a week are
triaged (confirmed, dismissed as false positive or resolved), as a team that
works its queue would have left them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.db import connection, transaction

from apps.keys.models import GatewayKey
from apps.tenancy.models import Membership, Organization, Role, Team
from keeptrusts.prices import cost_usd, packaged_prices

from .models import Event, PolicyEntry
from .partitions import ensure_partitions
from .services import ENTRY_COLUMNS, EVENT_COLUMNS
from .ulids import ulid_new

# model, weight, median tokens in, median tokens out, ms per output token
MODELS = [
    ("gpt-4o-mini", 30, 600, 250, 8), ("gpt-4o", 22, 900, 350, 14), ("claude-sonnet-4", 14, 1200, 450, 16),
    ("claude-3-5-haiku", 8, 500, 200, 7), ("gemini-2.5-flash", 8, 700, 300, 6), ("gpt-4.1", 6, 1500, 500, 15),
    ("o4-mini", 4, 800, 900, 12), ("llama-3.3-70b", 4, 700, 300, 10), ("text-embedding-3-small", 4, 300, 0, 0),
]
# outcome, weight, policy entries (name, type, action, findings)
OUTCOMES = [
    ("allow", 835, []),
    ("redact", 60, [("team-pii-protection", "pii-detector", "redact", {"email": 1})]),
    ("redact", 15, [("team-pii-protection", "pii-detector", "redact", {"name": 2, "phone": 1})]),
    ("block", 18, [("team-content-safety", "content-filter", "block", {"harmful": 1})]),
    ("block", 12, [("team-security", "prompt-injection", "block", {"instruction_override": 1})]),
    ("block", 8, [("dlp-filter", "dlp-filter", "block", {"aws_access_key": 1})]),
    ("block", 4, [("allowed_models", "allowed_models", "block", {})]),
    ("escalate", 30, [("team-quality-gate", "quality-scorer", "escalate", {})]),
    ("log", 8, [("team-security", "prompt-injection", "log", {"role_spoofing": 1})]),
    ("error", 10, []),
]
ENDPOINTS = {"text-embedding-3-small": "/v1/embeddings"}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 10, 14, 15, 14, 10, 13, 15, 15, 13, 10, 6, 4, 3, 2, 2, 1]


@dataclass
class Member:
    user_id: int
    email: str
    team_id: int
    key_id: str
    gateway_id: int | None
    weight: float


def members_of(org: Organization, developers: int, rng: random.Random) -> list[Member]:
    """Every key holder of the org; creates developers (with keys) until there are enough."""
    from apps.gateways.models import Gateway
    from apps.tenancy.models import User

    teams = list(Team.objects.filter(organization=org).order_by("id"))
    if not teams:
        teams = [Team.objects.create(organization=org, name="Platform", slug="platform")]
    existing = GatewayKey.objects.filter(organization=org, revoked_at__isnull=True).count()
    for n in range(existing, developers):
        team = teams[n % len(teams)]
        email = f"dev{n + 1:03d}@{org.slug}.example"
        user, created = User.objects.get_or_create(email=email, defaults={"organization": org})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(organization=org, team=team, user=user,
                                         defaults={"role": Role.DEVELOPER})
        key = GatewayKey(organization=org, team=team, user=user, name="generated")
        key.issue()
        key.save()
    gateways = {}
    for team in teams:
        gateway = Gateway.objects.filter(organization=org, teams=team).order_by("id").first()
        if gateway is None:
            gateway = Gateway(organization=org, name=f"{team.slug}-gw")
            gateway.issue()
            gateway.save()
            gateway.teams.set([team])
        gateways[team.id] = gateway.pk
    members = []
    for i, key in enumerate(GatewayKey.objects.filter(organization=org, revoked_at__isnull=True)
                            .select_related("user").order_by("id")):
        weight = 1 / (1 + i) ** 0.7 * rng.uniform(0.5, 1.5)  # a few heavy users, a long tail
        members.append(Member(key.user_id, key.user.email, key.team_id, key.key_id, gateways.get(key.team_id), weight))
    return members


def _lognormal(rng, median, sigma=0.7):
    return max(1, int(median * math.exp(rng.gauss(0, sigma))))


def generate_rows(org, members, count: int, start: datetime, end: datetime, rng: random.Random):
    """Yield (event values, [entry values]) in time order (flat memory)."""
    prices = packaged_prices()
    span = (end - start).total_seconds()
    models, model_weights = MODELS, [m[1] for m in MODELS]
    outcomes, outcome_weights = OUTCOMES, [o[1] for o in OUTCOMES]
    member_weights = [m.weight for m in members]
    hour_table = [h for h, w in enumerate(HOUR_WEIGHTS) for _ in range(w)]
    # Times: spread evenly, then pulled into working hours and sorted by chunk.
    chunk = 20000
    for first in range(0, count, chunk):
        n = min(chunk, count - first)
        stamps = []
        for _ in range(n):
            moment = start + timedelta(seconds=rng.random() * span)
            if moment.weekday() >= 5 and rng.random() < 0.7:
                moment -= timedelta(days=2)  # fewer calls at the weekend
            moment = moment.replace(hour=rng.choice(hour_table), minute=rng.randrange(60), second=rng.randrange(60),
                                    microsecond=rng.randrange(1000) * 1000)
            if start <= moment < end:
                stamps.append(moment)
            else:
                stamps.append(start + timedelta(seconds=rng.random() * span))
        stamps.sort()
        chosen_members = rng.choices(members, weights=member_weights, k=n)
        chosen_models = rng.choices(models, weights=model_weights, k=n)
        chosen_outcomes = rng.choices(outcomes, weights=outcome_weights, k=n)
        for moment, member, model, outcome in zip(stamps, chosen_members, chosen_models, chosen_outcomes):
            name, _, tin_median, tout_median, ms_per_token = model
            action, _, policies = outcome
            event_id = ulid_new(moment, rng.getrandbits(80))
            tokens_in = _lognormal(rng, tin_median)
            blocked_before_upstream = action == "block" and policies[0][1] != "content-filter"
            tokens_out = 0 if blocked_before_upstream or action == "error" or not tout_median else _lognormal(
                rng, tout_median)
            upstream = 0.0 if blocked_before_upstream else 180 + tokens_out * ms_per_token * rng.uniform(0.7, 1.3)
            latency = upstream + rng.uniform(2, 12)
            cost, priced = cost_usd(name, tokens_in if not blocked_before_upstream else 0, tokens_out, prices)
            status = {"block": 403, "error": 502}.get(action, 200)
            entries = [(event_id, moment, member.team_id, p[0], p[1], p[2],
                        "output" if p[1] == "quality-scorer" else "input",
                        round(rng.uniform(0.2, 0.65), 3) if p[1] == "quality-scorer" else round(rng.uniform(0.6, 0.99), 3),
                        p[3], []) for p in policies]
            if action not in ("error",) and not blocked_before_upstream and name != "text-embedding-3-small" and (
                    not entries or entries[0][4] != "quality-scorer"):
                entries.append((event_id, moment, member.team_id, "team-quality-gate", "quality-scorer", "allow",
                                "output", round(rng.uniform(0.7, 0.99), 3), {}, []))
            values = (
                event_id, moment, org.pk, member.team_id, member.gateway_id, member.user_id, member.key_id, name,
                ENDPOINTS.get(name, "/v1/chat/completions"), status, action, tokens_in, tokens_out,
                Decimal(str(round(cost, 6))), priced, round(latency, 1), round(upstream, 1) if upstream else None,
                rng.random() < 0.4, "", "", "upstream_unavailable" if action == "error" else "", None,
            )
            yield values, entries


def generate_events(*, org: Organization, count: int, days: int, developers: int = 40, seed: int | None = None,
                    progress=None) -> int:
    rng = random.Random(seed)
    end = datetime.now(timezone.utc) - timedelta(seconds=5)
    start = end - timedelta(days=days)
    members = members_of(org, developers, rng)
    ensure_partitions(start, end + timedelta(days=62))
    written = 0
    buffer_events, buffer_entries = [], []
    for values, entries in generate_rows(org, members, count, start, end, rng):
        buffer_events.append(values)
        buffer_entries.extend(entries)
        if len(buffer_events) >= 20000:
            _write(buffer_events, buffer_entries)
            written += len(buffer_events)
            buffer_events, buffer_entries = [], []
            if progress:
                progress(written)
    if buffer_events:
        _write(buffer_events, buffer_entries)
        written += len(buffer_events)
    rollups_rebuild(org, start, end + timedelta(days=1))
    escalations_open_from_log(org, start, end + timedelta(days=1), triaged_before=end - timedelta(days=7))
    from apps.costs.services import budget_recompute_month

    for team in Team.objects.filter(organization=org):
        budget_recompute_month(team)
    return written


def _write(events, entries) -> None:
    import msgspec

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY events_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                    for row in events:
                        copy.write_row(row)
                with cursor.cursor.copy(f"COPY events_policyentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                    for e in entries:
                        copy.write_row(e[:8] + (msgspec.json.encode(e[8]).decode(), "[]"))
            return
        Event.objects.bulk_create([Event(**dict(zip(EVENT_COLUMNS, row))) for row in events], batch_size=500)
        PolicyEntry.objects.bulk_create([PolicyEntry(**dict(zip(ENTRY_COLUMNS, e))) for e in entries], batch_size=500)


def rollups_rebuild(org: Organization, start: datetime, end: datetime) -> None:
    """Recompute the rollups of `org` for the whole days touching [start, end) from the log."""
    first = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if connection.vendor == "postgresql":
        hour, day = "date_trunc('hour', {})", "date_trunc('day', {})"
    else:
        hour, day = "strftime('%%Y-%%m-%%d %%H:00:00', {})", "strftime('%%Y-%%m-%%d 00:00:00', {})"
    adapt = connection.ops.adapt_datetimefield_value
    params = [org.pk, adapt(first), adapt(end)]
    usage_columns = ("organization_id, team_id, {time}, user_id, model, gateway_id, key_id, action, requests, "
                     "tokens_in, tokens_out, cost_usd, latency_ms_sum")
    usage_select = ("SELECT organization_id, team_id, {bucket}, user_id, model, COALESCE(gateway_id, 0), key_id, "
                    "action, COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(cost_usd), SUM(latency_ms) "
                    "FROM events_event WHERE organization_id = %s AND ts >= %s AND ts < %s "
                    "GROUP BY organization_id, team_id, {bucket}, user_id, model, COALESCE(gateway_id, 0), key_id, action")
    with transaction.atomic(), connection.cursor() as cursor:
        for table, time in (("events_usagerollup", "hour"), ("events_usagedailyrollup", "day"),
                            ("events_policyrollup", "hour")):
            cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s AND {time} >= %s AND {time} < %s", params)
        for table, time, bucket in (("events_usagerollup", "hour", hour), ("events_usagedailyrollup", "day", day)):
            cursor.execute(f"INSERT INTO {table} ({usage_columns.format(time=time)}) "
                           + usage_select.format(bucket=bucket.format("ts")), params)
        cursor.execute(
            "INSERT INTO events_policyrollup (organization_id, team_id, hour, policy, policy_type, action, requests, "
            "tokens_in, tokens_out, cost_usd) "
            f"SELECT e.organization_id, p.team_id, {hour.format('p.ts')}, p.name, p.type, p.action, COUNT(*), "
            "SUM(e.tokens_in), SUM(e.tokens_out), SUM(e.cost_usd) FROM events_policyentry p "
            "JOIN events_event e ON e.id = p.event_id AND e.ts = p.ts "
            "WHERE e.organization_id = %s AND p.ts >= %s AND p.ts < %s "
            f"GROUP BY e.organization_id, p.team_id, {hour.format('p.ts')}, p.name, p.type, p.action",
            params,
        )


def escalations_open_from_log(org: Organization, start: datetime, end: datetime, *, triaged_before: datetime) -> int:
    """One escalation per `escalate` policy entry of `org` in [start, end), as ingest opens
    them (idempotent on the dedupe key). Those of events before `triaged_before` are
    triaged, picked by the last character of the random ULID part: ~30 % dismissed as
    false positives, the rest confirmed or resolved, three hours after the event. The
    escalation counts are recomputed in the same transaction."""
    from apps.escalations.services import escalation_counts_rebuild

    if connection.vendor == "postgresql":
        later = "p.ts + interval '3 hours'"
    else:
        later = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', p.ts, '+3 hours')"
    triaged = "p.ts < %s"
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO escalations_escalation (organization_id, team_id, kind, event_id, event_ts, user_id, policy, "
            "policy_type, score, reasons, findings, status, note, dedupe_key, created_at, updated_at, triaged_at) "
            "SELECT e.organization_id, p.team_id, 'policy', p.event_id, p.ts, e.user_id, p.name, p.type, p.score, "
            "p.reasons, p.findings, "
            f"CASE WHEN NOT {triaged} THEN 'open' WHEN substr(p.event_id, 26, 1) <= '9' THEN 'dismissed' "
            "WHEN substr(p.event_id, 26, 1) <= 'M' THEN 'confirmed' ELSE 'resolved' END, '', "
            "'event:' || p.event_id || ':' || p.name, p.ts, "
            f"CASE WHEN {triaged} THEN {later} ELSE p.ts END, CASE WHEN {triaged} THEN {later} END "
            "FROM events_policyentry p JOIN events_event e ON e.id = p.event_id AND e.ts = p.ts "
            "WHERE e.organization_id = %s AND p.action = 'escalate' AND p.ts >= %s AND p.ts < %s "
            "ON CONFLICT DO NOTHING",
            [adapt(triaged_before)] * 3 + [org.pk, adapt(start), adapt(end)],
        )
        opened = cursor.rowcount
        escalation_counts_rebuild(org.pk)
        return opened
