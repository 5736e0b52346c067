"""The gateway's HTTP surface: OpenAI-compatible endpoints plus /healthz and /metrics.

Per request (DESIGN §6): authenticate key → allowed model → rate limit and budget →
input policies → upstream → output policies → respond → enqueue event. Every response
carries `x-request-id`, which is the event id.
"""

from __future__ import annotations

import asyncio
import fnmatch
import gc
import hashlib
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import aiohttp
import orjson
from aiohttp import web

from keeptrusts import __version__, wire
from keeptrusts.gateway import budget as budget_mod
from keeptrusts.gateway.config import DETECTORS, EMPTY, ConfigError, ControlPlaneConfig, GatewayState, TeamState, load_keys_file, load_policy_file
from keeptrusts.gateway.events import ControlPlaneSink, JsonlSink
from keeptrusts.gateway.metrics import Metrics
from keeptrusts.gateway.ratelimit import AuthFailureThrottle, MemoryCounters, RateLimits, RedisCounters
from keeptrusts.gateway import upstream as upstream_mod
from keeptrusts.gateway.upstream import Upstream
from keeptrusts.policy import PolicySet
from keeptrusts.policy.cache import DEFAULT_MAX_ENTRIES as DEFAULT_CACHE_ENTRIES
# Every detector is imported (and the name lexicons loaded) before the first request, not during it.
from keeptrusts.policy.detectors import content, injection, pii, secrets  # noqa: F401
from keeptrusts.prices import cost_usd, packaged_prices

log = logging.getLogger("keeptrusts.gateway")

MAX_BODY_BYTES = 10 * 1024 * 1024
BODY_TIMEOUT_SECONDS = 30.0
EXCERPT_CHARS = 280
KEYS_FILE_CHECK_SECONDS = 2.0


@dataclass
class Settings:
    upstream_url: str
    upstream_api_key: str | None = None
    policy_config: Path | None = None
    keys_file: Path | None = None
    events_file: Path = Path(".keeptrusts/gateway-events.jsonl")
    state_dir: Path = Path(".keeptrusts/gateway")
    api_url: str | None = None
    gateway_token: str | None = None
    redis_url: str | None = None
    auth_failure_limit: int = 20
    max_body_bytes: int = MAX_BODY_BYTES
    excerpt_mode: str = "redacted"
    upstream_timeout: float | None = None
    detection_cache_entries: int = DEFAULT_CACHE_ENTRIES

    @property
    def connected(self) -> bool:
        return bool(self.gateway_token)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = dict(
            upstream_url=env.get("KT_UPSTREAM_URL", "http://127.0.0.1:41099/v1"),
            upstream_api_key=env.get("KT_UPSTREAM_API_KEY") or None,
            api_url=env.get("KT_API_URL", "http://127.0.0.1:8000"),
            gateway_token=env.get("KT_GATEWAY_TOKEN") or None,
            redis_url=env.get("REDIS_URL") or None,
            auth_failure_limit=int(env.get("KT_AUTH_FAILURE_LIMIT", 20)),
            excerpt_mode=env.get("KT_EXCERPT_MODE", "redacted"),
            detection_cache_entries=_non_negative_int(env, "KT_DETECTION_CACHE_ENTRIES", DEFAULT_CACHE_ENTRIES),
        )
        if env.get("KT_GATEWAY_STATE_DIR"):
            values["state_dir"] = Path(env["KT_GATEWAY_STATE_DIR"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _non_negative_int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"{name}={raw!r} is not a whole number ≥ 0; unset it for the default ({default}), or 0 to turn it off")
    return value


# Python collects its youngest generation every 700 net container allocations: several times per
# request here, each walking the live objects of the other in-flight requests. Requests' objects are
# freed by reference counting; at 10,000 they die first (2 young collections instead of 813 in two 5 s
# runs at c=64; docs/performance.md).
YOUNG_COLLECTION_THRESHOLD = 10_000


def freeze_startup_objects() -> None:
    """Called by `kt gateway run` once the app has started (not by tests that build the app in-process).
    What start-up loaded (name lexicons, detector tables, compiled patterns) lives as long as the process.
    Frozen, the collector no longer walks it on every full collection (up to 33–60 ms each at c=64),
    and the youngest generation is collected less often (YOUNG_COLLECTION_THRESHOLD)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 10, 10)


@dataclass(slots=True)
class Call:
    """One authenticated request on its way through; becomes the event."""

    id: str
    started: float
    key: wire.KeyRecord
    endpoint: str
    model: str = ""
    stream: bool = False
    entries: list = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    upstream_ms: float | None = None
    prompt_excerpt: str | None = None
    response_excerpt: str | None = None
    held: list = field(default_factory=list)  # budget holds to settle: (kind, target, amount)
    raw_body: bytes = b""


_formatted_second: list = [None, ""]  # (whole second, its ISO-8601 text): strftime once a second, not per event


def event_timestamp(now: float) -> str:
    """`now` as ISO-8601 UTC with milliseconds, e.g. 2026-11-27T08:00:00.123Z."""
    second = int(now)
    if second != _formatted_second[0]:
        _formatted_second[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))]
    return _formatted_second[1] + f".{int(now * 1000) % 1000:03d}Z"


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the ULID alphabet
_DIGIT_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # every 10-bit value as two digits
_MAX_RANDOMNESS = (1 << 80) - 1
_last_id: list = [0, 0, ""]  # millisecond, randomness and time digits of the latest id


def new_request_id() -> str:
    """A ULID (48-bit milliseconds, 80 random bits, Crockford base32): the request's and its event's id.
    Ids made in one millisecond count up from the first one's randomness, so they sort in the order they were
    made, as python-ulid's do; ~1 µs instead of python-ulid's ~3 µs, on every request."""
    ms = time.time_ns() // 1_000_000
    if ms == _last_id[0] and _last_id[1] < _MAX_RANDOMNESS:
        randomness = _last_id[1] + 1
    else:
        randomness = int.from_bytes(os.urandom(10), "big")
        if ms != _last_id[0]:
            _last_id[2] = _CROCKFORD[ms >> 45] + "".join([_DIGIT_PAIRS[(ms >> shift) & 1023] for shift in (35, 25, 15, 5)]) + _CROCKFORD[ms & 31]
    _last_id[0], _last_id[1] = ms, randomness
    pairs = _DIGIT_PAIRS
    return (_last_id[2] + pairs[randomness >> 70] + pairs[(randomness >> 60) & 1023] + pairs[(randomness >> 50) & 1023]
            + pairs[(randomness >> 40) & 1023] + pairs[(randomness >> 30) & 1023] + pairs[(randomness >> 20) & 1023]
            + pairs[(randomness >> 10) & 1023] + pairs[randomness & 1023])


def json_response(payload, *, status: int = 200, request_id: str, headers: dict | None = None) -> web.Response:
    all_headers = {"x-request-id": request_id}
    if headers:
        all_headers.update(headers)
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return web.Response(body=body, status=status, content_type="application/json", headers=all_headers)


def error_response(code: str, message: str, *, request_id: str, param: str | None = None, status: int | None = None,
                   headers: dict | None = None) -> web.Response:
    return json_response(wire.error_body(code, message, param), status=status or wire.error_status(code),
                         request_id=request_id, headers=headers)


class Gateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.policy_seconds = {phase: self.metrics.histogram("kt_gateway_policy_seconds", (("phase", phase),)) for phase in ("input", "output")}
        self.upstream_seconds = {endpoint: self.metrics.histogram("kt_gateway_upstream_seconds", (("endpoint", endpoint),))
                                 for endpoint in ("/v1/chat/completions", "/v1/embeddings")}
        DETECTORS.cache.resize(settings.detection_cache_entries)
        self.file_policies: PolicySet | None = load_policy_file(settings.policy_config) if settings.policy_config else None
        self.policy_source = "file" if self.file_policies else "control-plane"
        self.state = GatewayState(excerpt_mode=settings.excerpt_mode)
        self.upstream = Upstream(settings.upstream_url, settings.upstream_api_key, timeout=settings.upstream_timeout)
        self.auth_throttle = AuthFailureThrottle(settings.auth_failure_limit)
        self.rate_limiter = RateLimits(RedisCounters(settings.redis_url) if settings.redis_url else MemoryCounters())
        self.control_session: aiohttp.ClientSession | None = None
        self.config: ControlPlaneConfig | None = None
        self.budgets = budget_mod.Budgets(api_url=settings.api_url if settings.connected else None, token=settings.gateway_token,
                                          session_factory=lambda: self.control_session, metrics=self.metrics)
        self.inflight = 0
        # Policy actions by (action, policy, type), counted flat on every request (~1 µs less than labelled
        # series) and copied into kt_gateway_policy_actions_total when /metrics is read.
        self.policy_actions: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self._keys_mtime = 0.0
        self._background: list[asyncio.Task] = []
        self.sink = None
        if not settings.connected:
            self._load_standalone()

    # --- lifecycle ------------------------------------------------------------
    def _load_standalone(self) -> None:
        keys = {}
        if self.settings.keys_file:
            keys = load_keys_file(self.settings.keys_file)
            self._keys_mtime = self.settings.keys_file.stat().st_mtime
        self.state = GatewayState(keys=keys, prices=dict(packaged_prices()), excerpt_mode=self.settings.excerpt_mode,
                                  gateway_id="standalone", version="standalone")
        self.budgets.initial_spend = self._month_spend_from_events_file()

    def _month_spend_from_events_file(self) -> dict:
        """Standalone budgets survive a restart: this month's spend per cost_limit scope from the JSONL file."""
        rules = self.file_policies.cost_limits if self.file_policies else ()
        path = self.settings.events_file
        if not rules or not path.exists():
            return {}
        month = budget_mod.current_month()
        spend: dict = {}
        with path.open("rb") as fh:
            for line in fh:
                try:
                    event = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                if not str(event.get("ts", "")).startswith(month) or not event.get("cost_usd"):
                    continue
                for rule in rules:
                    scope = event.get("user") if rule.scope == "user" else event.get("team")
                    spend[(rule.name, scope)] = spend.get((rule.name, scope), 0.0) + event["cost_usd"]
        return spend

    async def on_startup(self, app: web.Application) -> None:
        # Load the name lexicons, the detectors' tables and the request modules before serving, not on the
        # first requests (~0.3 s, then ~12 ms that a cold burst of clients would otherwise wait for).
        pii.warm_up()
        DETECTORS.warm_up()
        import keeptrusts.gateway.chat, keeptrusts.gateway.streaming  # noqa: E401, F401
        await self.upstream.start()
        self.control_session = aiohttp.ClientSession(json_serialize=None)
        if self.settings.connected:
            self.sink = ControlPlaneSink(self.metrics, api_url=self.settings.api_url, token=self.settings.gateway_token,
                                         spool_dir=self.settings.state_dir / "spool", session_factory=lambda: self.control_session)
            self.config = ControlPlaneConfig(
                api_url=self.settings.api_url, token=self.settings.gateway_token, policy_source=self.policy_source,
                policy_hash_fn=self.policy_hash, cache_path=self.settings.state_dir / "config-cache.json",
                session_factory=lambda: self.control_session, on_change=self._set_state)
            await self.config.start()
        else:
            self.sink = JsonlSink(self.metrics, self.settings.events_file)
            if self.settings.keys_file:
                self._background.append(asyncio.create_task(self._watch_keys_file()))
        await self.sink.start()

    def _set_state(self, state: GatewayState) -> None:
        self.state = state

    async def _watch_keys_file(self) -> None:
        """Standalone: a key added to or removed from --keys-file works within seconds, no restart."""
        path = self.settings.keys_file
        while True:
            await asyncio.sleep(KEYS_FILE_CHECK_SECONDS)
            try:
                mtime = path.stat().st_mtime
                if mtime != self._keys_mtime:
                    self._keys_mtime = mtime
                    self.state.keys = load_keys_file(path)
                    log.info("reloaded %d keys from %s", len(self.state.keys), path)
            except (OSError, ConfigError) as exc:
                log.error("keeping the previous keys: %s", exc)

    async def on_cleanup(self, app: web.Application) -> None:
        for task in self._background:
            task.cancel()
        if self.config:
            await self.config.close()
        if self.sink:
            await self.sink.close()  # flush, or spool what cannot be sent
        await self.upstream.close()
        await self.rate_limiter.close()
        if self.control_session:
            await self.control_session.close()

    def policy_hash(self) -> str:
        if self.file_policies:
            return self.file_policies.sha256
        texts = "".join(f"{slug}\n{team.policies.text if team.policies else ''}\n" for slug, team in sorted(self.state.teams.items()))
        return hashlib.sha256(texts.encode()).hexdigest()

    # --- request path -------------------------------------------------------
    def authenticate(self, request: web.Request, request_id: str) -> wire.KeyRecord | web.Response:
        header = request.headers.get("Authorization", "")
        secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
        record = self.state.lookup_key(secret) if secret else None
        if record is not None and (not self.settings.connected or record.team in self.state.teams):
            return record
        address = request.remote or "unknown"
        wait = self.auth_throttle.blocked_for(address)
        if wait:
            self.metrics.inc("kt_gateway_auth_failures_total", (("reason", "throttled"),))
            return error_response("too_many_auth_failures",
                                  f"Too many failed gateway-key attempts from this address ({self.auth_throttle.limit} in 60 s). "
                                  f"Wait {wait} s, then retry with a valid key from Console Settings > Gateway Keys.",
                                  request_id=request_id, headers={"Retry-After": str(wait)})
        self.auth_throttle.record(address)
        self.metrics.inc("kt_gateway_auth_failures_total", (("reason", "missing" if not secret else "invalid"),))
        if not secret:
            message = ("No gateway key: send it as `Authorization: Bearer kt_gk_…` (with the OpenAI SDK, set OPENAI_API_KEY). "
                       "Get a key in Console Settings > Gateway Keys.")
        else:
            message = ("The gateway key is not valid: it is unknown, revoked or expired. "
                       "Check the gateway key is correct and active in Console Settings > Gateway Keys.")
        return error_response("invalid_gateway_key", message, request_id=request_id)

    def policies_for(self, key: wire.KeyRecord) -> tuple[PolicySet | None, TeamState | None]:
        """The policy set in force for this key (None: the team's policy does not load) and its team."""
        team = self.state.teams.get(key.team)
        if self.file_policies is not None:
            return self.file_policies, team
        if team is None:
            return EMPTY, None
        return team.policies, team

    def allowed_models(self, policies: PolicySet, team: TeamState | None) -> list[str] | None:
        if self.file_policies is None and team is not None and team.allowed_models is not None:
            return team.allowed_models  # the Console's list for a control-plane-managed team
        return list(policies.allowed_models) if policies.allowed_models is not None else None

    def model_allowed(self, model: str, policies: PolicySet, team: TeamState | None) -> bool:
        if self.file_policies is None and team is not None and team.allowed_models is not None:
            return any(fnmatch.fnmatchcase(model, pattern) for pattern in team.allowed_models)
        return policies.model_allowed(model)

    async def read_json(self, request: web.Request, call: Call) -> dict | web.Response:
        if request.content_length is not None and request.content_length > self.settings.max_body_bytes:
            return self.fail(call, "request_too_large", self._too_large_message())
        try:
            if request.content.is_eof():  # the whole body came with the headers: nothing to wait for, no timer
                raw = await request.read()
            else:
                async with asyncio.timeout(BODY_TIMEOUT_SECONDS):  # no extra task per request, unlike wait_for
                    raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self.fail(call, "request_too_large", self._too_large_message())
        except asyncio.TimeoutError:
            return self.fail(call, "invalid_request", f"The request body did not arrive within {BODY_TIMEOUT_SECONDS:g} s; send it again.")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return self.fail(call, "invalid_request", f"The request body is not valid JSON ({exc}). Send a JSON object with `model` and `messages`.")
        if not isinstance(body, dict):
            return self.fail(call, "invalid_request", "The request body must be a JSON object.")
        call.raw_body = raw
        return body

    def _too_large_message(self) -> str:
        limit_mib = self.settings.max_body_bytes / (1024 * 1024)
        return f"The request body is larger than the gateway's {limit_mib:g} MiB limit. Send a shorter prompt or split the input."

    def fail(self, call: Call, code: str, message: str, *, param: str | None = None, action: str = "error",
             headers: dict | None = None) -> web.Response:
        """An error for an authenticated request: answer it and record the event."""
        status = wire.error_status(code)
        self.record(call, status=status, action=action, error_code=code)
        return error_response(code, message, request_id=call.id, param=param, headers=headers)

    async def admit(self, call: Call, policies: PolicySet, team: TeamState | None,
                    prompt_chars: int, max_output_tokens: int | None) -> web.Response | None:
        """allowed model → rate limit → budget. None when the request may go on."""
        if not self.model_allowed(call.model, policies, team):
            allowed = self.allowed_models(policies, team)
            call.entries.append(wire.PolicyEntry(name="allowed_models", type="allowed_models", action="block", phase="request"))
            where = (f"`allowed_models` in {self.settings.policy_config} (the gateway's --policy-config) and restart the gateway"
                     if self.file_policies else "`allowed_models` of the team's policy in the Console (Templates)")
            listed = ", ".join(allowed) if allowed else "none"
            return self.fail(call, "model_not_allowed",
                             f"Model '{call.model}' is not allowed for team {call.key.team}. Allowed models: {listed}. "
                             f"Use one of those, or add the model to {where}.", param="model", action="block")
        if policies.rate_limits:
            over = await self.rate_limiter.admit(policies.rate_limits, call.key.key_id, call.key.user, call.key.team)
            for limit, check in over:
                call.entries.append(wire.PolicyEntry(name=limit.name, type="rate_limit", action=check.action, phase="request",
                                                     reasons=[check.which] if check.which else []))
                if check.action == "block":
                    return self.fail(call, "rate_limited", f"{check.message(limit.name)} (per {limit.scope}; see the Retry-After header)",
                                     param=limit.name, action="block", headers={"Retry-After": str(check.retry_after)})
        worst = budget_mod.worst_case_cost(call.model, self.state.prices, prompt_chars, max_output_tokens)
        leased = team.budget if team is not None and self.settings.connected else None
        for limit in policies.cost_limits:
            if leased is not None and self.file_policies is None and limit.name == leased.policy:
                continue  # the team's budget: enforced below through a lease, across every replica
            ledger = self.budgets.ledger(limit, call.key.user if limit.scope == "user" else call.key.team)
            check = ledger.try_hold(worst)
            if check.action != "block":
                call.held.append(("ledger", ledger, worst))
            if check.exceeded:
                call.entries.append(wire.PolicyEntry(name=limit.name, type="cost_limit", action=check.action, phase="request"))
                if check.action == "block":
                    self.release(call)
                    return self.fail(call, "budget_exceeded", f"Budget '{limit.name}': {check.message()} A lower max_tokens "
                                     "lowers this request's worst case.", param=limit.name, action="block")
        if leased is not None:
            if await self.budgets.hold_team_budget(leased, call.key.team, call.key.user, worst):
                call.held.append(("team", leased, worst))
            else:
                call.entries.append(wire.PolicyEntry(name=leased.policy, type="cost_limit", action=leased.action, phase="request"))
                if leased.action == "block":
                    self.release(call)
                    return self.fail(call, "budget_exceeded",
                                     f"Team {call.key.team}'s monthly budget of ${leased.monthly_limit_usd:,.2f} is used up. "
                                     "Ask your manager to raise it in Console Settings > Budgets.", param=leased.policy, action="block")
        return None

    def settle(self, call: Call, actual: float) -> None:
        for kind, target, amount in call.held:
            if kind == "ledger":
                target.settle(amount, actual)
            else:
                self.budgets.settle_team(target, call.key.team, call.key.user, amount, actual)
        call.held = []

    def release(self, call: Call) -> None:
        self.settle(call, 0.0)

    def record(self, call: Call, *, status: int, action: str | None = None, error_code: str | None = None) -> None:
        """Enqueue the event (never blocks) and count it."""
        if action is None:
            action = wire.strongest_action(e.action for e in call.entries)
        cost, priced = cost_usd(call.model, call.tokens_in, call.tokens_out, self.state.prices)
        if call.held:
            self.settle(call, cost)
        elapsed = time.perf_counter() - call.started
        now = time.time()
        event = wire.Event(
            id=call.id, ts=event_timestamp(now),
            user=call.key.user, key_id=call.key.key_id, model=call.model, action=action, team=call.key.team,
            gateway=self.state.gateway_id, endpoint=call.endpoint, status=status, policies=call.entries,
            tokens_in=call.tokens_in, tokens_out=call.tokens_out, cost_usd=round(cost, 8), priced=priced,
            latency_ms=round(elapsed * 1000, 3), upstream_ms=call.upstream_ms, stream=call.stream,
            prompt_excerpt=call.prompt_excerpt, response_excerpt=call.response_excerpt, error_code=error_code,
        )
        self.sink.emit(event)
        actions = self.policy_actions
        for entry in call.entries:
            actions[entry.action, entry.name, entry.type] += 1
        if call.tokens_in or call.tokens_out:
            policies, _ = self.policies_for(call.key)
            limits = [limit for limit in (policies.rate_limits if policies else ()) if limit.tokens_per_minute]
            if limits:
                asyncio.ensure_future(self.rate_limiter.add_tokens(limits, call.key.key_id, call.key.user, call.key.team,
                                                                   call.tokens_in + call.tokens_out))

    def excerpt(self, decision, raw_text: str, phase: str = "input", *, piece: int | None = None) -> str | None:
        """The event's excerpt per the org setting: none, redacted (every PII and secret replaced, whatever
        the policies' actions — the engine's Decision.excerpt) or full. The head of the text, as the engine gives it."""
        mode = self.state.excerpt_mode
        if mode == "none" or not raw_text:
            return None
        if mode == "full":
            return raw_text[:EXCERPT_CHARS]
        if decision is None:  # no policy looked at this text: the engine still redacts the excerpt
            decision = EMPTY.evaluate_input(raw_text) if phase == "input" else EMPTY.evaluate_output(raw_text)
        return decision.excerpt(EXCERPT_CHARS, piece=piece) or None

    def blocked(self, call: Call, decision) -> web.Response:
        result = decision.blocked_by
        return self.fail(call, "policy_blocked",
                         f"{decision.block_message()} Event id {call.id}: see it with `kt events list --since 1h --action block`; "
                         f"rephrase the {decision.phase}, or ask your manager to tune the policy.", param=result.name, action="block")

    # --- handlers --------------------------------------------------------------
    async def models(self, request: web.Request) -> web.Response:
        request_id = new_request_id()
        key = self.authenticate(request, request_id)
        if isinstance(key, web.Response):
            return key
        policies, team = self.policies_for(key)
        allowed = self.allowed_models(policies or EMPTY, team)
        names: list[str] = []
        if allowed is not None and not any(ch in p for p in allowed for ch in "*?["):
            names = list(allowed)
        else:
            try:
                status, body = await self.upstream.get("/models")
                upstream_names = [m["id"] for m in orjson.loads(body).get("data", [])] if status == 200 else []
            except (upstream_mod.UpstreamUnavailable, orjson.JSONDecodeError, KeyError, TypeError):
                upstream_names = []
            names = [n for n in upstream_names if policies is not None and self.model_allowed(n, policies, team)]
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "keeptrusts"} for name in names]
        return json_response({"object": "list", "data": data}, request_id=request_id)

    async def healthz(self, request: web.Request) -> web.Response:
        await self.upstream.probe()
        upstream = self.upstream.status()
        control = self.config.status() if self.config else {"status": "standalone"}
        sink = self.sink.status() if self.sink else {}
        degraded = upstream["status"] != "ok" or control["status"] == "down"
        body = {
            "status": "degraded" if degraded else "ok", "version": __version__, "mode": "connected" if self.settings.connected else "standalone",
            "policy_source": self.policy_source, "policy_hash": self.policy_hash(), "keys": len(self.state.keys),
            "upstream": upstream, "control_plane": control, "events": sink, "spool_depth": sink.get("spool_depth", 0),
            "budget": {"error": self.budgets.last_error},
        }
        return json_response(body, request_id=new_request_id())

    async def metrics_endpoint(self, request: web.Request) -> web.Response:
        self.metrics.set("kt_gateway_inflight_requests", self.inflight)
        cache = DETECTORS.cache.stats()
        self.metrics.set_total("kt_gateway_detection_cache_hits_total", cache["hits"])
        self.metrics.set_total("kt_gateway_detection_cache_misses_total", cache["misses"])
        self.metrics.set("kt_gateway_detection_cache_entries", cache["entries"])
        self.metrics.set_counts("kt_gateway_policy_actions_total", ("action", "policy", "type"), self.policy_actions)
        if self.config and self.config.last_success:
            self.metrics.set("kt_gateway_config_age_seconds", time.time() - self.config.last_success)
        return web.Response(text=self.metrics.render(), content_type="text/plain", charset="utf-8",
                            headers={"x-request-id": new_request_id()})

    async def not_found(self, request: web.Request) -> web.Response:
        return error_response("not_found", f"No route {request.method} {request.path}. The gateway serves POST /v1/chat/completions, "
                              "POST /v1/embeddings, GET /v1/models, GET /healthz and GET /metrics.", request_id=new_request_id())


def counted(gateway: Gateway, handler, endpoint: str):
    """`handler` with the request metrics (requests by endpoint and status, duration, in flight). A wrapper per
    route rather than an aiohttp middleware: with any middleware, aiohttp runs two layers on every request (ours
    and its own current-app one), which cost more than what they wrap here."""
    # The series this route updates on every request, looked up once.
    seconds = gateway.metrics.histogram("kt_gateway_request_seconds", (("endpoint", endpoint),))
    requests = gateway.metrics.counter("kt_gateway_requests_total")
    labels_by_status: dict[int, tuple] = {}
    clock = time.perf_counter

    async def handle(request: web.Request) -> web.StreamResponse:
        gateway.inflight += 1
        started = clock()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            gateway.inflight -= 1
            labels = labels_by_status.get(status)
            if labels is None:
                labels = labels_by_status[status] = (("endpoint", endpoint), ("status", status))
            requests[labels] += 1
            seconds.observe(clock() - started)

    return handle


GATEWAY = web.AppKey("gateway", Gateway)


def create_app(settings: Settings) -> web.Application:
    from keeptrusts.gateway.chat import handle_chat, handle_embeddings  # chat.py imports this module

    gateway = Gateway(settings)
    # client_max_size one byte over the limit: aiohttp raises, we answer 413 in OpenAI's shape.
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[GATEWAY] = gateway
    app.on_startup.append(gateway.on_startup)
    app.on_cleanup.append(gateway.on_cleanup)
    # Metrics label the OpenAI paths by name, the unprefixed aliases and unknown routes as "other".
    routes = [("POST", "/v1/chat/completions", partial(handle_chat, gateway), "/v1/chat/completions"),
              ("POST", "/chat/completions", partial(handle_chat, gateway), "other"),
              ("POST", "/v1/embeddings", partial(handle_embeddings, gateway), "/v1/embeddings"),
              ("POST", "/embeddings", partial(handle_embeddings, gateway), "other"),
              ("GET", "/v1/models", gateway.models, "/v1/models"),
              ("GET", "/models", gateway.models, "other"),
              ("GET", "/healthz", gateway.healthz, "/healthz"),
              ("GET", "/metrics", gateway.metrics_endpoint, "/metrics")]
    for method, path, handler, endpoint in routes:
        add = app.router.add_get if method == "GET" else app.router.add_post  # add_get: HEAD too
        add(path, counted(gateway, handler, endpoint))
    # Last: any other path, or a known path with another method, gets a 404 in OpenAI's shape.
    app.router.add_route("*", "/{path:.*}", counted(gateway, gateway.not_found, "other"))
    return app
