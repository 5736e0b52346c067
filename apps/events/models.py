"""The event store (DESIGN §7, §8).

Events and policy entries are an append-only log. On PostgreSQL both tables
are range-partitioned by month on `ts` (see docs/scaling.md and migration
0002), so their real primary keys are (id, ts); `ts` is taken from the ULID,
which makes (id, ts) exactly as unique as the id and keeps re-sent events
idempotent. Django still sees `id` as the key, which is true in practice.

Foreign keys from the log carry no database constraint: a partitioned table
cannot be the target of one without the partition key, and skipping the
checks keeps bulk ingest fast. Ingest resolves every reference before it
writes (team, user and key come from the gateway config's key records).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# No FK constraint and no per-column index: the composite indexes below serve the queries.
NO_CONSTRAINT = {"db_constraint": False, "db_index": False, "on_delete": models.DO_NOTHING, "related_name": "+"}


class Action(models.TextChoices):
    BLOCK = "block"
    ESCALATE = "escalate"
    REDACT = "redact"
    LOG = "log"
    ALLOW = "allow"
    ERROR = "error"


class Event(models.Model):
    id = models.CharField(max_length=26, primary_key=True)  # ULID
    ts = models.DateTimeField()
    organization = models.ForeignKey("tenancy.Organization", **NO_CONSTRAINT)
    team = models.ForeignKey("tenancy.Team", **NO_CONSTRAINT)
    gateway = models.ForeignKey("gateways.Gateway", null=True, blank=True, **NO_CONSTRAINT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, **NO_CONSTRAINT)
    key_id = models.CharField(max_length=32)
    model = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=100, default="/v1/chat/completions")
    status = models.PositiveSmallIntegerField(default=200)
    action = models.CharField(max_length=10, choices=Action)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, default=0)
    priced = models.BooleanField(default=True)
    latency_ms = models.FloatField(default=0)
    upstream_ms = models.FloatField(null=True, blank=True)
    stream = models.BooleanField(default=False)
    prompt_excerpt = models.TextField(blank=True, default="")
    response_excerpt = models.TextField(blank=True, default="")
    error_code = models.CharField(max_length=40, blank=True, default="")
    # The ingest batch that stored it; `kt events tail` follows batches in commit order.
    batch_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-ts", "-id"]
        # Every API query is scoped to an organization's teams and a time range, newest
        # first. Org-leading indexes let "newest N" scan backwards and stop early even
        # when the actor sees several teams (team_id IN (…) would force a sort);
        # developers (own rows) and the `user` filter use the team/user index.
        indexes = [
            models.Index(fields=["organization", "-ts"], name="event_org_ts"),
            models.Index(fields=["organization", "action", "-ts"], name="event_org_action_ts"),
            models.Index(fields=["organization", "model", "-ts"], name="event_org_model_ts"),
            models.Index(fields=["team", "user", "-ts"], name="event_team_user_ts"),
            models.Index(fields=["batch_id"], name="event_batch"),
        ]

    def __str__(self):
        return f"{self.id} {self.action} {self.model}"


class PolicyEntry(models.Model):
    """What one policy did on one event. Filterable on both databases (DESIGN §8)."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(Event, db_constraint=False, db_index=False, on_delete=models.DO_NOTHING,
                              related_name="policy_entries")
    ts = models.DateTimeField()  # the event's; the partition key, and prunes time-bounded filters
    team = models.ForeignKey("tenancy.Team", **NO_CONSTRAINT)
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action)
    phase = models.CharField(max_length=10, default="input")
    score = models.FloatField(null=True, blank=True)
    findings = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["event"], name="policyentry_event"),
            models.Index(fields=["team", "name", "action", "-ts"], name="policyentry_team_name"),
            models.Index(fields=["team", "type", "action", "-ts"], name="policyentry_team_type"),
        ]
        verbose_name_plural = "policy entries"


class IngestBatch(models.Model):
    """A batch accepted from a gateway. Committing this row is what "durably queued"
    means (DESIGN §8): the Celery task only carries its id, and the sweeper
    re-enqueues rows still pending, so a broker restart loses nothing."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    gateway = models.ForeignKey("gateways.Gateway", on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    payload = models.BinaryField()  # msgpack list of normalized events
    event_count = models.PositiveIntegerField()
    inserted_count = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Assigned when the batch commits, under a lock, so commit order == seq order.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="ingestbatch_pending")]
        verbose_name_plural = "ingest batches"


class RollupCounters(models.Model):
    requests = models.PositiveIntegerField(default=0)
    tokens_in = models.BigIntegerField(default=0)
    tokens_out = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)

    class Meta:
        abstract = True


class UsageCounters(RollupCounters):
    organization = models.ForeignKey("tenancy.Organization", **NO_CONSTRAINT)
    team = models.ForeignKey("tenancy.Team", **NO_CONSTRAINT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, **NO_CONSTRAINT)
    model = models.CharField(max_length=100)
    gateway_id = models.BigIntegerField(default=0)  # 0 = none; a plain column, no FK
    key_id = models.CharField(max_length=32)
    action = models.CharField(max_length=10, choices=Action)
    latency_ms_sum = models.FloatField(default=0)

    class Meta:
        abstract = True


class UsageRollup(UsageCounters):
    """Hourly totals keyed by (team, user, model, gateway, key) and the event's
    overall action. Every event lands in exactly one row, so groups of these
    keys add up to raw counts."""

    hour = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "hour", "user", "model", "gateway_id", "key_id", "action"],
                name="usagerollup_key",
            )
        ]


class UsageDailyRollup(UsageCounters):
    """The same totals per UTC day: a 30-day `group_by` reads ~30 rows per key
    combination instead of ~720 (docs/scaling.md)."""

    day = models.DateTimeField()  # midnight UTC

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "user", "model", "gateway_id", "key_id", "action"],
                name="usagedailyrollup_key",
            )
        ]


class PolicyRollup(RollupCounters):
    """Hourly totals keyed by (team, policy, entry action): an event counts once
    per policy entry, so neither rollup double-counts the other's key."""

    organization = models.ForeignKey("tenancy.Organization", **NO_CONSTRAINT)
    team = models.ForeignKey("tenancy.Team", **NO_CONSTRAINT)
    hour = models.DateTimeField()
    policy = models.CharField(max_length=100)
    policy_type = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "hour", "policy", "policy_type", "action"], name="policyrollup_key")
        ]
