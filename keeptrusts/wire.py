"""Shapes both sides share, defined once (DESIGN §7): error body, event, gateway config.

Imported by the gateway (no Django) and the control plane alike.
"""

from __future__ import annotations

from itertools import repeat

ACTIONS_BY_STRENGTH = ("block", "escalate", "redact", "log", "allow")
EVENT_ACTIONS = ACTIONS_BY_STRENGTH + ("error",)
POLICY_ACTIONS = ("block", "escalate", "redact", "log", "allow")


_STRENGTH = {action: rank for rank, action in enumerate(ACTIONS_BY_STRENGTH)}
_WEAKEST = len(ACTIONS_BY_STRENGTH) - 1


def strongest_action(actions) -> str:
    """block > escalate > redact > log > allow (anything else counts as allow)."""
    return ACTIONS_BY_STRENGTH[min(map(_STRENGTH.get, actions, repeat(_WEAKEST)), default=_WEAKEST)]


# Error codes of DESIGN §6, with their HTTP status and OpenAI error `type`.
ERRORS = {
    "invalid_gateway_key": (401, "authentication_error"),
    "invalid_api_token": (401, "authentication_error"),
    "invalid_gateway_token": (401, "authentication_error"),
    "insufficient_scope": (403, "permission_error"),
    "permission_denied": (403, "permission_error"),
    "model_not_allowed": (403, "permission_error"),
    "policy_blocked": (403, "permission_error"),
    "budget_exceeded": (402, "insufficient_quota"),
    "rate_limited": (429, "rate_limit_error"),
    "too_many_auth_failures": (429, "rate_limit_error"),
    "invalid_request": (400, "invalid_request_error"),
    "invalid_parameter": (400, "invalid_request_error"),
    "not_found": (404, "invalid_request_error"),
    "request_too_large": (413, "invalid_request_error"),
    "upstream_unavailable": (502, "api_error"),
    "upstream_timeout": (504, "api_error"),
    "internal_error": (500, "api_error"),
}


def error_body(code: str, message: str, param: str | None = None) -> dict:
    """OpenAI's error shape; the same body everywhere in the product."""
    _, error_type = ERRORS.get(code, (500, "api_error"))
    return {"error": {"message": message, "type": error_type, "code": code, "param": param}}


def error_status(code: str) -> int:
    return ERRORS.get(code, (500, "api_error"))[0]


# --------------------------------------------------------------------------
# Event (DESIGN §7). msgspec validates a 5,000-event batch in a few ms, which
# is why ingest does not run DRF serializers per event.
# --------------------------------------------------------------------------
import msgspec  # noqa: E402


class PolicyEntry(msgspec.Struct, forbid_unknown_fields=False):
    name: str
    type: str
    action: str  # block | escalate | redact | log | allow
    phase: str = "input"  # input | output | request (allowed_models, cost_limit, rate_limit)
    score: float | None = None
    findings: dict[str, int] = {}
    reasons: list[str] = []


class Event(msgspec.Struct, forbid_unknown_fields=False):
    id: str  # ULID; its timestamp part is the event time
    ts: str  # ISO-8601 UTC, e.g. 2026-11-27T08:00:00.123Z
    user: str  # the key owner's email
    key_id: str  # the key's public id from the gateway config
    model: str
    action: str  # strongest of the policy entries; `error` for malformed/upstream failure
    team: str = ""  # set by the control plane from the gateway token / key
    gateway: str = ""  # gateway id; set by the control plane from the token
    endpoint: str = "/v1/chat/completions"
    status: int = 200
    policies: list[PolicyEntry] = []
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None  # control plane computes it from prices when absent
    priced: bool = True
    latency_ms: float = 0.0
    upstream_ms: float | None = None
    stream: bool = False
    prompt_excerpt: str | None = None
    response_excerpt: str | None = None
    error_code: str | None = None


class EventBatch(msgspec.Struct):
    events: list[msgspec.Raw]  # decoded one by one so one bad event rejects only itself


MAX_EVENTS_PER_BATCH = 5000


# --------------------------------------------------------------------------
# Gateway config (GET /v1/gateway/config, ETag) and budget lease.
# --------------------------------------------------------------------------
class TeamBudget(msgspec.Struct):
    monthly_limit_usd: float
    month: str  # YYYY-MM (UTC)
    spent_usd: float  # month to date, as the control plane knows it
    alert_at: float | None = None
    action: str = "block"
    scope: str = "team"  # team | user
    policy: str = "team-budget"  # the cost_limit policy of the team's YAML it comes from


class TeamConfig(msgspec.Struct):
    slug: str
    policy_version: int
    policy_yaml: str  # the team's applied policy set, verbatim
    allowed_models: list[str] | None = None
    budget: TeamBudget | None = None


class KeyRecord(msgspec.Struct):
    key_id: str
    sha256: str  # hex digest of the plaintext key
    user: str
    team: str
    status: str = "active"  # active | revoked | expired
    expires_at: str | None = None


class ModelPrice(msgspec.Struct):
    input: float  # USD per 1M input tokens
    output: float  # USD per 1M output tokens


class GatewayConfig(msgspec.Struct):
    version: str  # equals the ETag
    organization: str
    gateway_id: str
    teams: list[TeamConfig]
    keys: list[KeyRecord]
    prices: dict[str, ModelPrice]
    excerpt_mode: str = "redacted"  # none | redacted | full
    poll_seconds: int = 5


class LeaseRequest(msgspec.Struct):
    team: str
    requested_usd: float
    user: str | None = None  # for cost_limit scope: user


class Lease(msgspec.Struct):
    team: str
    granted_usd: float  # may be less than requested, 0 when the budget is spent
    remaining_usd: float  # what is left for the team after this grant
    month: str
    user: str | None = None
    unlimited: bool = False  # the team has no budget: granted = requested, remaining_usd is a large sentinel


# Headers a gateway sends on every config poll (shown on the Console's Gateways page).
HEADER_GATEWAY_VERSION = "X-KT-Gateway-Version"
HEADER_POLICY_SOURCE = "X-KT-Policy-Source"  # file | control-plane
HEADER_POLICY_HASH = "X-KT-Policy-Hash"  # sha256 hex of the policy text in force
