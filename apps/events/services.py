"""Event ingestion (DESIGN §8).

`batch_accept` runs in the request: it validates a gateway's batch event by
event (msgspec, no DRF serializer per event), drops duplicates it can see, and
commits ONE pending `IngestBatch` row; the Celery task gets only its id.

`batch_process` runs in the worker, in one transaction: it inserts the events
(COPY into a temp table, then INSERT … ON CONFLICT DO NOTHING RETURNING on
PostgreSQL; a check-then-insert under SQLite's single writer), and from the
rows actually inserted writes policy entries, both hourly rollups, budget
state and escalations, then marks the batch done. A re-run — redelivery after
a killed worker, or the sweeper — finds the batch done (or inserts nothing new),
so every event is stored and counted exactly once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import msgspec
from django.db import connection, transaction
from django.utils import timezone as dj_timezone

from apps.costs.selectors import model_prices
from apps.keys.models import GatewayKey
from keeptrusts import wire
from keeptrusts.prices import cost_usd as priced_cost

from .models import Event, IngestBatch, PolicyEntry
from .ulids import ulid_ms

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=30)
MAX_FUTURE = timedelta(minutes=5)
EXCERPT_MAX_CHARS = 2000
SIX_PLACES = Decimal("0.000001")

_event_decoder = msgspec.json.Decoder(wire.Event)
_batch_decoder = msgspec.json.Decoder(wire.EventBatch)


class BatchRejected(Exception):
    """The whole batch is unusable (not JSON, no `events` list, too many events)."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


# --------------------------------------------------------------------------
# Accept (request side)
# --------------------------------------------------------------------------
def batch_accept(*, gateway, body: bytes) -> dict:
    """Validate and durably queue a batch. Returns the 202 body."""
    try:
        batch = _batch_decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise BatchRejected(f"The body is not a batch: {exc}. Send {{\"events\": [event, …]}}.", "events") from None
    if len(batch.events) > wire.MAX_EVENTS_PER_BATCH:
        raise BatchRejected(
            f"{len(batch.events)} events in one batch; at most {wire.MAX_EVENTS_PER_BATCH} are accepted. Split it.",
            "events",
        )
    decoded = []
    for raw in batch.events:
        try:
            decoded.append(_event_decoder.decode(raw))
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            decoded.append(f"invalid event: {exc}")
    context = _BatchContext.load(gateway, {e.key_id for e in decoded if not isinstance(e, str)})
    accepted, rejected, seen = [], [], set()
    duplicates = 0
    for index, event in enumerate(decoded):
        if isinstance(event, str):
            rejected.append({"index": index, "error": event})
            continue
        try:
            row = context.normalize(event)
        except EventRejected as exc:
            rejected.append({"index": index, "error": str(exc)})
            continue
        if row["id"] in seen:
            duplicates += 1
            continue
        seen.add(row["id"])
        accepted.append(row)
    stored = _already_stored(accepted)
    if stored:
        duplicates += len(stored)
        accepted = [row for row in accepted if row["id"] not in stored]
    if accepted:
        with transaction.atomic():
            queued = IngestBatch.objects.create(
                organization_id=gateway.organization_id, gateway=gateway,
                payload=msgspec.msgpack.encode(accepted), event_count=len(accepted),
            )
            transaction.on_commit(lambda: _enqueue(queued.pk))
    return {"accepted": len(accepted), "duplicates": duplicates, "rejected": rejected}


def _enqueue(batch_id: int) -> None:
    from .tasks import ingest_batch

    try:
        ingest_batch.delay(batch_id)
    except Exception:  # broker down: the batch is committed; the sweeper picks it up
        log.warning("could not enqueue ingest batch %s; the sweeper will retry it", batch_id, exc_info=True)


class EventRejected(ValueError):
    pass


class _BatchContext:
    """What validating one batch needs, loaded with a fixed number of queries."""

    def __init__(self, gateway, keys, prices, excerpt_mode):
        self.gateway = gateway
        self.keys = keys  # key_id -> (team_id, team slug, user_id, email)
        self.prices = prices
        self.excerpt_mode = excerpt_mode
        now = datetime.now(timezone.utc)
        self.oldest_ms = int((now - MAX_AGE).timestamp() * 1000)
        self.newest_ms = int((now + MAX_FUTURE).timestamp() * 1000)

    @classmethod
    def load(cls, gateway, key_ids):
        team_ids = list(gateway.teams.values_list("id", flat=True))
        keys = {
            k["key_id"]: (k["team_id"], k["team__slug"], k["user_id"], k["user__email"])
            for k in GatewayKey.objects.filter(key_id__in=list(key_ids), team_id__in=team_ids).values(
                "key_id", "team_id", "team__slug", "user_id", "user__email"
            )
        }
        organization = gateway.organization
        return cls(gateway, keys, model_prices(organization.pk), organization.excerpt_mode)

    def normalize(self, event: wire.Event) -> dict:
        ms = ulid_ms(event.id)
        if ms is None:
            raise EventRejected(f"id {event.id!r} is not a ULID")
        if ms < self.oldest_ms:
            raise EventRejected(f"event {event.id} is older than 30 days; it cannot be stored")
        if ms > self.newest_ms:
            raise EventRejected(f"event {event.id} is more than 5 minutes in the future; check the gateway's clock")
        key = self.keys.get(event.key_id)
        if key is None:
            raise EventRejected(f"key_id {event.key_id!r} is not a key of this gateway's teams")
        team_id, team_slug, user_id, email = key
        if event.team and event.team != team_slug:
            raise EventRejected(f"team {event.team!r} does not match key {event.key_id} (team {team_slug!r})")
        if event.action not in wire.EVENT_ACTIONS:
            raise EventRejected(f"action {event.action!r}; accepted: {', '.join(wire.EVENT_ACTIONS)}")
        if event.tokens_in < 0 or event.tokens_out < 0:
            raise EventRejected("tokens_in and tokens_out must be >= 0")
        policies = []
        for entry in event.policies:
            if entry.action not in wire.POLICY_ACTIONS:
                raise EventRejected(
                    f"policy {entry.name!r} action {entry.action!r}; accepted: {', '.join(wire.POLICY_ACTIONS)}"
                )
            policies.append({
                "name": entry.name[:100], "type": entry.type[:40], "action": entry.action,
                "phase": entry.phase[:10], "score": entry.score, "findings": entry.findings, "reasons": entry.reasons,
            })
        if event.cost_usd is None:
            cost, priced = priced_cost(event.model, event.tokens_in, event.tokens_out, self.prices)
        else:
            if event.cost_usd < 0:
                raise EventRejected("cost_usd must be >= 0")
            cost, priced = event.cost_usd, event.priced
        return {
            "id": event.id.upper(), "ms": ms, "organization_id": self.gateway.organization_id,
            "team_id": team_id, "gateway_id": self.gateway.pk, "user_id": user_id, "email": email,
            "key_id": event.key_id, "model": event.model[:100], "endpoint": event.endpoint[:100],
            "status": event.status, "action": event.action, "tokens_in": event.tokens_in,
            "tokens_out": event.tokens_out, "cost_usd": round(cost, 6), "priced": priced,
            "latency_ms": event.latency_ms, "upstream_ms": event.upstream_ms, "stream": event.stream,
            "prompt_excerpt": self._excerpt(event.prompt_excerpt),
            "response_excerpt": self._excerpt(event.response_excerpt),
            "error_code": (event.error_code or "")[:40], "policies": policies,
        }

    def _excerpt(self, text: str | None) -> str:
        if not text or self.excerpt_mode == "none":
            return ""
        return text[:EXCERPT_MAX_CHARS]


def _already_stored(rows: list[dict]) -> set[str]:
    """Ids of the batch already in the log (one indexed, partition-pruned query)."""
    if not rows:
        return set()
    ids = [r["id"] for r in rows]
    oldest, newest = _dt(min(r["ms"] for r in rows)), _dt(max(r["ms"] for r in rows))
    if connection.vendor == "postgresql":  # one array parameter instead of 5,000 placeholders
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM events_event WHERE id = ANY(%s) AND ts >= %s AND ts <= %s",
                           [ids, oldest, newest])
            return {r[0] for r in cursor.fetchall()}
    stored = set()
    for start in range(0, len(ids), 500):
        stored.update(Event.objects.filter(id__in=ids[start:start + 500], ts__gte=oldest, ts__lte=newest)
                      .values_list("id", flat=True))
    return stored


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


# --------------------------------------------------------------------------
# Process (worker side)
# --------------------------------------------------------------------------
def batch_process(batch_id: int) -> int | None:
    """Store a pending batch exactly once. Returns the number of events inserted,
    or None when the batch is already done or another worker holds it."""
    from apps.costs.services import budget_record_spend
    from apps.escalations.services import escalations_open_for_events

    from .rollups import rollups_add

    with transaction.atomic():
        batch = (IngestBatch.objects.select_for_update(skip_locked=True)
                 .filter(pk=batch_id, status=IngestBatch.Status.PENDING).first())
        if batch is None:
            return None
        rows = msgspec.msgpack.decode(bytes(batch.payload))
        for row in rows:
            row["ts"] = _dt(row["ms"])
            row["cost"] = Decimal(str(row["cost_usd"])).quantize(SIX_PLACES)
        rows.sort(key=lambda r: r["id"])  # one lock order for every writer: no deadlocks
        inserted_ids = _insert_events(rows, batch.pk)
        inserted = [row for row in rows if row["id"] in inserted_ids]
        _insert_policy_entries(inserted)
        rollups_add(inserted)
        budget_record_spend(inserted)
        escalations_open_for_events(inserted)
        IngestBatch.objects.filter(pk=batch.pk).update(
            status=IngestBatch.Status.DONE, payload=b"", inserted_count=len(inserted),
            processed_at=dj_timezone.now(), attempts=batch.attempts + 1, seq=_next_seq(),
        )
    return len(inserted)


def _next_seq() -> int:
    """The batch's commit-order number, for `kt events tail`. The advisory lock is
    held to commit, so batches commit in seq order (SQLite: one writer anyway)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(7468211)")
        cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM events_ingestbatch")
        return cursor.fetchone()[0]


EVENT_COLUMNS = (
    "id", "ts", "organization_id", "team_id", "gateway_id", "user_id", "key_id", "model", "endpoint", "status",
    "action", "tokens_in", "tokens_out", "cost_usd", "priced", "latency_ms", "upstream_ms", "stream",
    "prompt_excerpt", "response_excerpt", "error_code", "batch_id",
)


def _event_values(row: dict, batch_id: int | None) -> tuple:
    return (
        row["id"], row["ts"], row["organization_id"], row["team_id"], row["gateway_id"], row["user_id"],
        row["key_id"], row["model"], row["endpoint"], row["status"], row["action"], row["tokens_in"],
        row["tokens_out"], row["cost"], row["priced"], row["latency_ms"], row["upstream_ms"], row["stream"],
        row["prompt_excerpt"], row["response_excerpt"], row["error_code"], batch_id,
    )


def _insert_events(rows: list[dict], batch_id: int | None) -> set[str]:
    if not rows:
        return set()
    if connection.vendor == "postgresql":
        return _insert_events_postgres(rows, batch_id)
    return _insert_events_portable(rows, batch_id)


def _insert_events_postgres(rows, batch_id) -> set[str]:
    columns = ", ".join(EVENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kt_ingest_events (LIKE events_event INCLUDING DEFAULTS) "
            "ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(f"COPY kt_ingest_events ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_event_values(row, batch_id))
        cursor.execute(
            f"INSERT INTO events_event ({columns}) SELECT {columns} FROM kt_ingest_events ORDER BY id "
            "ON CONFLICT (id, ts) DO NOTHING RETURNING id"
        )
        return {r[0] for r in cursor.fetchall()}


def _insert_events_portable(rows, batch_id) -> set[str]:
    """SQLite: the transaction holds the only write lock, so check-then-insert is exact."""
    ids = [row["id"] for row in rows]
    existing = set()
    for start in range(0, len(ids), 500):
        existing.update(Event.objects.filter(id__in=ids[start:start + 500]).values_list("id", flat=True))
    fresh = [row for row in rows if row["id"] not in existing]
    Event.objects.bulk_create(
        [Event(**dict(zip(EVENT_COLUMNS, _event_values(row, batch_id)))) for row in fresh], batch_size=500
    )
    return {row["id"] for row in fresh}


ENTRY_COLUMNS = ("event_id", "ts", "team_id", "name", "type", "action", "phase", "score", "findings", "reasons")


def _insert_policy_entries(rows: list[dict]) -> None:
    entries = [
        (row["id"], row["ts"], row["team_id"], p["name"], p["type"], p["action"], p["phase"], p["score"],
         p["findings"], p["reasons"])
        for row in rows for p in row["policies"]
    ]
    if not entries:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = f"COPY events_policyentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for entry in entries:
                    copy.write_row(entry[:8] + (msgspec.json.encode(entry[8]).decode(),
                                                msgspec.json.encode(entry[9]).decode()))
        return
    PolicyEntry.objects.bulk_create([PolicyEntry(**dict(zip(ENTRY_COLUMNS, e))) for e in entries], batch_size=500)


def batches_sweep(older_than_seconds: int = 60) -> int:
    """Re-enqueue batches still pending after a while (a lost task or a broker restart)."""
    cutoff = dj_timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(IngestBatch.objects.filter(status=IngestBatch.Status.PENDING, created_at__lt=cutoff)
               .order_by("created_at").values_list("id", flat=True)[:1000])
    for batch_id in ids:
        _enqueue(batch_id)
    return len(ids)


def batches_purge_done(older_than: timedelta = timedelta(days=2)) -> int:
    cutoff = dj_timezone.now() - older_than
    deleted, _ = IngestBatch.objects.filter(status=IngestBatch.Status.DONE, processed_at__lt=cutoff).delete()
    return deleted
