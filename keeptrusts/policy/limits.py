"""cost_limit and rate_limit: the decisions, free of any storage.

cost_limit
    `CostLimit.check(spent_usd, estimated_usd)` → `CostCheck`: exceeded when the
    month-to-date spend plus the request's worst-case cost would pass
    `monthly_limit`. `alert_crossed(before, after)` is true for the one request
    whose settled cost carries spend over `alert_at × monthly_limit`;
    `AlertLatch` makes that "once per month per scope" even when several
    requests race past the line.

rate_limit
    A sliding window over two fixed one-minute buckets (the previous bucket is
    weighted by how much of it still overlaps the last 60 s), as Cloudflare and
    Envoy do: O(1) memory per scope, no per-request timestamps. The arithmetic
    is pure (`RateLimit.bucket_keys`, `RateLimit.decide`, and for all the limits
    of one request `rate_limit_keys` + `rate_limit_admit`), so the counters can
    live anywhere: the gateway keeps them in Redis (MGET, INCRBY + EXPIRE) or in
    process memory (`MemoryCounterStore`); `RateLimiter` is the same on a
    synchronous store.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Sequence

WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class CostCheck:
    action: str  # allow | block | log
    exceeded: bool
    limit_usd: float
    spent_usd: float
    estimated_usd: float

    @property
    def remaining_usd(self) -> float:
        return max(0.0, self.limit_usd - self.spent_usd)

    def message(self) -> str:
        return (f"Monthly budget of ${self.limit_usd:,.2f} reached: ${self.spent_usd:,.2f} spent this month and this "
                f"request could cost up to ${self.estimated_usd:,.4f}. Ask your manager to raise the budget "
                "(Console > Settings > Budgets) or wait for the next month.")


@dataclass(frozen=True, slots=True)
class CostLimit:
    name: str
    monthly_limit: float
    alert_at: float | None = None
    scope: str = "team"  # team | user
    action: str = "block"  # block | log

    @classmethod
    def from_policy(cls, policy) -> "CostLimit":
        o = policy.options
        return cls(policy.name, float(o["monthly_limit"]), o.get("alert_at"), o.get("scope") or "team", policy.action)

    def check(self, spent_usd: float, estimated_usd: float = 0.0) -> CostCheck:
        exceeded = spent_usd >= self.monthly_limit or spent_usd + estimated_usd > self.monthly_limit
        action = self.action if exceeded else "allow"
        return CostCheck(action, exceeded, self.monthly_limit, spent_usd, estimated_usd)

    def alert_crossed(self, spent_before: float, spent_after: float) -> bool:
        if self.alert_at is None:
            return False
        line = self.alert_at * self.monthly_limit
        return spent_before < line <= spent_after


class AlertLatch:
    """Remembers which (policy, scope id, month) alerts have fired, so each fires once.

    In-process; a gateway restart may fire a month's alert again, which the
    control plane de-duplicates (one open escalation per policy and month).
    """

    def __init__(self):
        self._fired: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def fire_once(self, policy: str, scope_id: str, month: str) -> bool:
        key = (policy, scope_id, month)
        with self._lock:
            if key in self._fired:
                return False
            self._fired.add(key)
            return True


@dataclass(frozen=True, slots=True)
class RateCheck:
    action: str  # allow | block | log
    limited: bool
    retry_after: int  # seconds (≥ 1 when limited)
    which: str | None = None  # requests_per_minute | tokens_per_minute

    def message(self, name: str) -> str:
        return (f"Rate limit '{name}' reached ({self.which.replace('_', ' ')}). "
                f"Retry after {self.retry_after} s, or ask your manager to raise the limit.")


@dataclass(frozen=True, slots=True)
class RateLimit:
    name: str
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    scope: str = "key"  # key | user | team
    action: str = "block"

    @classmethod
    def from_policy(cls, policy) -> "RateLimit":
        o = policy.options
        return cls(policy.name, o.get("requests_per_minute"), o.get("tokens_per_minute"), o.get("scope") or "key",
                   policy.action)

    def bucket_keys(self, scope_id: str, now: float, counter: str) -> tuple[str, str]:
        """Store keys of the current and the previous minute bucket for one counter (requests|tokens)."""
        bucket = int(now // WINDOW_SECONDS)
        prefix = f"kt:rl:{self.name}:{self.scope}:{scope_id}:{counter}:"
        return prefix + str(bucket), prefix + str(bucket - 1)

    def decide(self, now: float, requests: tuple[int, int] = (0, 0), tokens: tuple[int, int] = (0, 0),
               cost_requests: int = 1, cost_tokens: int = 0) -> RateCheck:
        """Whether one more request (and `cost_tokens` tokens) fits, given (current, previous) bucket counts."""
        elapsed = (now % WINDOW_SECONDS) / WINDOW_SECONDS
        for which, limit, (current, previous), cost in (
            ("requests_per_minute", self.requests_per_minute, requests, cost_requests),
            ("tokens_per_minute", self.tokens_per_minute, tokens, cost_tokens),
        ):
            if limit is None:
                continue
            # Without a cost (tokens are known only after the response) a full window blocks.
            estimate = previous * (1.0 - elapsed) + current + cost
            full = estimate > limit if cost else estimate >= limit
            if full:
                return RateCheck(self.action, True, _retry_after(limit, current, previous, cost, now), which)
        return RateCheck("allow", False, 0, None)


def _retry_after(limit: int, current: int, previous: int, cost: int, now: float) -> int:
    """Seconds until the sliding estimate leaves room for `cost` (at least 1)."""
    into = now % WINDOW_SECONDS
    need = limit - current - cost
    if need < 0 or previous == 0:
        # The current bucket alone is full: wait until it becomes the previous one and decays enough.
        wait = WINDOW_SECONDS - into
        if current > 0 and need < 0:
            # In the next bucket, current becomes previous: need current*(1-f) + cost <= limit.
            fraction = 1.0 - max(0.0, limit - cost) / current
            wait += max(0.0, fraction) * WINDOW_SECONDS
        return max(1, math.ceil(wait))
    # previous*(1-f) <= need  →  f >= 1 - need/previous
    fraction = 1.0 - need / previous
    return max(1, math.ceil(fraction * WINDOW_SECONDS - into))


def rate_limit_keys(scoped: Sequence[tuple[RateLimit, str]], now: float) -> list[str]:
    """The counters one request reads: per (limit, scope id), the current and previous minute of
    requests, then of tokens — four keys per limit, in order."""
    keys: list[str] = []
    for limit, scope_id in scoped:
        keys += limit.bucket_keys(scope_id, now, "requests") + limit.bucket_keys(scope_id, now, "tokens")
    return keys


def rate_limit_admit(scoped: Sequence[tuple[RateLimit, str]], counts: Sequence[int], now: float,
                     estimated_tokens: int = 0) -> tuple[list[tuple[RateLimit, RateCheck]], list[str]]:
    """Decide every limit of one request from the counts read at `rate_limit_keys`.

    Returns the limits reached (their action block or log) and the request counters to increment:
    those of the limits that let the request through — none when any limit blocks it, since a
    rejected request does not use up anybody's window."""
    reached: list[tuple[RateLimit, RateCheck]] = []
    to_count: list[str] = []
    blocked = False
    for index, (limit, scope_id) in enumerate(scoped):
        requests_now, requests_before, tokens_now, tokens_before = counts[4 * index: 4 * index + 4]
        check = limit.decide(now, requests=(requests_now, requests_before), tokens=(tokens_now, tokens_before),
                             cost_tokens=estimated_tokens)
        if check.limited:
            reached.append((limit, check))
        if check.action == "block":
            blocked = True
        else:
            to_count.append(limit.bucket_keys(scope_id, now, "requests")[0])
    return reached, [] if blocked else to_count


class MemoryCounterStore:
    """Process-memory counters with expiry, for a gateway without Redis. Thread-safe."""

    def __init__(self):
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = 0.0

    def get(self, key: str, now: float) -> int:
        value = self._counts.get(key)
        return value[0] if value and value[1] > now else 0

    def incr(self, key: str, amount: int, ttl: float, now: float) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count = 0
            count += amount
            self._counts[key] = (count, now + ttl)
            if now - self._last_sweep > WINDOW_SECONDS:
                self._sweep(now)
            return count

    def _sweep(self, now: float):
        self._last_sweep = now
        for key in [k for k, (_, expires) in self._counts.items() if expires <= now]:
            del self._counts[key]


class RateLimiter:
    """Checks and counts rate limits on a counter store (`get`/`incr` as MemoryCounterStore)."""

    TTL = 2 * WINDOW_SECONDS + 5

    def __init__(self, store=None, clock=time.time):
        self.store = store or MemoryCounterStore()
        self.clock = clock

    def admit(self, scoped: Sequence[tuple[RateLimit, str]], estimated_tokens: int = 0) -> list[tuple[RateLimit, RateCheck]]:
        """Check one request against several (limit, scope id); count it unless a limit blocks it.
        Returns the limits reached."""
        now = self.clock()
        counts = [self.store.get(key, now) for key in rate_limit_keys(scoped, now)]
        reached, to_count = rate_limit_admit(scoped, counts, now, estimated_tokens)
        for key in to_count:
            self.store.incr(key, 1, self.TTL, now)
        return reached

    def hit(self, limit: RateLimit, scope_id: str, estimated_tokens: int = 0) -> RateCheck:
        """Check one request against one limit; when it is let through (or only logged) count it."""
        reached = self.admit([(limit, scope_id)], estimated_tokens)
        return reached[0][1] if reached else RateCheck("allow", False, 0, None)

    def record_tokens(self, limit: RateLimit, scope_id: str, tokens: int):
        """Count the tokens a finished request used (prompt + completion)."""
        if limit.tokens_per_minute and tokens > 0:
            now = self.clock()
            self.store.incr(limit.bucket_keys(scope_id, now, "tokens")[0], tokens, self.TTL, now)
