"""`rate_limit` policies: requests and tokens per minute, per key, user or team.

Fixed one-minute windows (UTC minute). Redis when REDIS_URL is set, so replicas share
the count; otherwise process memory. A request is counted when admitted; its tokens are
added once the upstream reports usage, so `tokens_per_minute` stops the *next* request
after the window's tokens are spent (the request that crosses the line finishes).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

log = logging.getLogger("keeptrusts.gateway.ratelimit")


@dataclass(frozen=True, slots=True)
class RateRule:
    name: str
    requests_per_minute: int | None
    tokens_per_minute: int | None
    scope: str  # key | user | team
    action: str  # block | log


@dataclass(slots=True)
class Verdict:
    rule: RateRule
    retry_after: int  # seconds until the window resets
    what: str  # "requests" | "tokens"
    limit: int


def scope_id(rule: RateRule, key_id: str, user: str, team: str) -> str:
    return {"key": key_id, "user": user, "team": team}.get(rule.scope, key_id)


def _window(now: float) -> tuple[int, int]:
    minute = int(now // 60)
    return minute, 60 - int(now % 60)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple, list] = {}  # (rule, scope id) -> [minute, requests, tokens]

    async def admit(self, rules, key_id: str, user: str, team: str) -> list[Verdict]:
        minute, retry_after = _window(time.time())
        over = []
        for rule in rules:
            slot = self._slot(rule, scope_id(rule, key_id, user, team), minute)
            if rule.requests_per_minute is not None and slot[1] >= rule.requests_per_minute:
                over.append(Verdict(rule, retry_after, "requests", rule.requests_per_minute))
            elif rule.tokens_per_minute is not None and slot[2] >= rule.tokens_per_minute:
                over.append(Verdict(rule, retry_after, "tokens", rule.tokens_per_minute))
        if not any(v.rule.action == "block" for v in over):
            for rule in rules:
                self._slot(rule, scope_id(rule, key_id, user, team), minute)[1] += 1
        return over

    async def add_tokens(self, rules, key_id: str, user: str, team: str, tokens: int) -> None:
        minute, _ = _window(time.time())
        for rule in rules:
            if rule.tokens_per_minute is not None:
                self._slot(rule, scope_id(rule, key_id, user, team), minute)[2] += tokens

    def _slot(self, rule: RateRule, ident: str, minute: int) -> list:
        slot = self._counts.get((rule.name, ident))
        if slot is None or slot[0] != minute:
            slot = self._counts[(rule.name, ident)] = [minute, 0, 0]
        return slot


class RedisRateLimiter:
    """Same windows in Redis: one pipelined round trip per request."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)

    def _keys(self, rule: RateRule, ident: str, minute: int) -> tuple[str, str]:
        base = f"kt:rl:{rule.name}:{ident}:{minute}"
        return base + ":r", base + ":t"

    async def admit(self, rules, key_id: str, user: str, team: str) -> list[Verdict]:
        minute, retry_after = _window(time.time())
        pipe = self.redis.pipeline(transaction=False)
        for rule in rules:
            req_key, tok_key = self._keys(rule, scope_id(rule, key_id, user, team), minute)
            pipe.incr(req_key)
            pipe.expire(req_key, 120)
            pipe.get(tok_key)
        results = await pipe.execute()
        over = []
        for index, rule in enumerate(rules):
            requests, _, tokens = results[index * 3: index * 3 + 3]
            if rule.requests_per_minute is not None and requests > rule.requests_per_minute:
                over.append(Verdict(rule, retry_after, "requests", rule.requests_per_minute))
            elif rule.tokens_per_minute is not None and int(tokens or 0) >= rule.tokens_per_minute:
                over.append(Verdict(rule, retry_after, "tokens", rule.tokens_per_minute))
        return over

    async def add_tokens(self, rules, key_id: str, user: str, team: str, tokens: int) -> None:
        minute, _ = _window(time.time())
        pipe = self.redis.pipeline(transaction=False)
        for rule in rules:
            if rule.tokens_per_minute is not None:
                _, tok_key = self._keys(rule, scope_id(rule, key_id, user, team), minute)
                pipe.incrby(tok_key, tokens)
                pipe.expire(tok_key, 120)
        await pipe.execute()

    async def close(self) -> None:
        await self.redis.aclose()


class AuthFailureThrottle:
    """DESIGN §4: after `limit` bad credentials from one address in 60 s, answer 429 to bad ones."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._failures: dict[str, list[float]] = {}

    def blocked_for(self, address: str) -> int:
        """Seconds to wait, or 0 when this address may try again."""
        stamps = self._recent(address)
        if len(stamps) < self.limit:
            return 0
        return max(1, int(60 - (time.monotonic() - stamps[-self.limit])) + 1)

    def record(self, address: str) -> None:
        self._recent(address).append(time.monotonic())

    def _recent(self, address: str) -> list[float]:
        stamps = self._failures.get(address)
        if stamps is None:
            stamps = self._failures[address] = []
            if len(self._failures) > 10_000:  # bound memory under a spray of addresses
                self._failures.clear()
                self._failures[address] = stamps
        cutoff = time.monotonic() - 60
        while stamps and stamps[0] < cutoff:
            stamps.pop(0)
        return stamps
