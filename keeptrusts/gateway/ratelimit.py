"""`rate_limit` policies (their arithmetic is `keeptrusts.policy.limits`) and failed-credential throttling.

Counters live in Redis when REDIS_URL is set, so replicas share them; otherwise in
process memory. A request is counted when admitted; its tokens are added once the
upstream reports usage, so `tokens_per_minute` stops the *next* request after the
window's tokens are spent.
"""

from __future__ import annotations

import time

from keeptrusts.policy import MemoryCounterStore, RateCheck, RateLimit, RateLimiter

TTL_SECONDS = RateLimiter.TTL


def scope_id(limit: RateLimit, key_id: str, user: str, team: str) -> str:
    return {"key": key_id, "user": user, "team": team}.get(limit.scope, key_id)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self.limiter = RateLimiter(MemoryCounterStore())

    async def admit(self, limits, key_id: str, user: str, team: str) -> list[tuple[RateLimit, RateCheck]]:
        checks = [(limit, self.limiter.hit(limit, scope_id(limit, key_id, user, team))) for limit in limits]
        return [(limit, check) for limit, check in checks if check.limited]

    async def add_tokens(self, limits, key_id: str, user: str, team: str, tokens: int) -> None:
        for limit in limits:
            self.limiter.record_tokens(limit, scope_id(limit, key_id, user, team), tokens)


class RedisRateLimiter:
    """The same sliding windows with the counters in Redis: two pipelined round trips per request."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)

    async def admit(self, limits, key_id: str, user: str, team: str) -> list[tuple[RateLimit, RateCheck]]:
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        for limit in limits:
            ident = scope_id(limit, key_id, user, team)
            pipe.mget(*limit.bucket_keys(ident, now, "requests"), *limit.bucket_keys(ident, now, "tokens"))
        counts = await pipe.execute()
        over, admitted = [], []
        for limit, values in zip(limits, counts):
            requests_now, requests_before, tokens_now, tokens_before = (int(v or 0) for v in values)
            check = limit.decide(now, requests=(requests_now, requests_before), tokens=(tokens_now, tokens_before))
            if check.limited:
                over.append((limit, check))
            if check.action != "block":
                admitted.append(limit)
        if admitted and not any(check.action == "block" for _, check in over):
            pipe = self.redis.pipeline(transaction=False)
            for limit in admitted:
                key = limit.bucket_keys(scope_id(limit, key_id, user, team), now, "requests")[0]
                pipe.incrby(key, 1)
                pipe.expire(key, TTL_SECONDS)
            await pipe.execute()
        return over

    async def add_tokens(self, limits, key_id: str, user: str, team: str, tokens: int) -> None:
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        for limit in limits:
            key = limit.bucket_keys(scope_id(limit, key_id, user, team), now, "tokens")[0]
            pipe.incrby(key, tokens)
            pipe.expire(key, TTL_SECONDS)
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
