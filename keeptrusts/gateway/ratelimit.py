"""`rate_limit` policies and failed-credential throttling.

One implementation of the sliding windows (`keeptrusts.policy.limits`: the keys a request
reads and the decision over all its limits); only where the counters live differs. In Redis
when REDIS_URL is set, so replicas share them (one MGET and one pipelined INCRBY + EXPIRE
per request); otherwise in process memory. A request is counted when admitted; its tokens
are added once the upstream reports usage, so `tokens_per_minute` stops the *next*
request after the window's tokens are spent.
"""

from __future__ import annotations

import time

from keeptrusts.policy import MemoryCounterStore, RateCheck, RateLimit, RateLimiter
from keeptrusts.policy.limits import rate_limit_admit, rate_limit_keys

TTL_SECONDS = RateLimiter.TTL


def scope_id(limit: RateLimit, key_id: str, user: str, team: str) -> str:
    return {"key": key_id, "user": user, "team": team}.get(limit.scope, key_id)


class RateLimits:
    """The gateway's `rate_limit` policies on a counter store (`MemoryCounters` or `RedisCounters`)."""

    def __init__(self, counters) -> None:
        self.counters = counters

    async def admit(self, limits, key_id: str, user: str, team: str) -> list[tuple[RateLimit, RateCheck]]:
        """The limits this request reaches (block or log); it is counted unless one blocks it."""
        now = time.time()
        scoped = [(limit, scope_id(limit, key_id, user, team)) for limit in limits]
        counts = await self.counters.read(rate_limit_keys(scoped, now), now)
        reached, to_count = rate_limit_admit(scoped, counts, now)
        if to_count:
            await self.counters.add([(key, 1) for key in to_count], now)
        return reached

    async def add_tokens(self, limits, key_id: str, user: str, team: str, tokens: int) -> None:
        now = time.time()
        await self.counters.add([(limit.bucket_keys(scope_id(limit, key_id, user, team), now, "tokens")[0], tokens)
                                 for limit in limits], now)

    async def close(self) -> None:
        await self.counters.close()


class MemoryCounters:
    """Counters in this process (one gateway, or each worker on its own)."""

    def __init__(self) -> None:
        self.store = MemoryCounterStore()

    async def read(self, keys: list[str], now: float) -> list[int]:
        return [self.store.get(key, now) for key in keys]

    async def add(self, increments: list[tuple[str, int]], now: float) -> None:
        for key, amount in increments:
            self.store.incr(key, amount, TTL_SECONDS, now)

    async def close(self) -> None:
        pass


class RedisCounters:
    """Counters in Redis, shared by every gateway replica; each expires after two windows."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)

    async def read(self, keys: list[str], now: float) -> list[int]:
        return [int(value or 0) for value in await self.redis.mget(keys)]

    async def add(self, increments: list[tuple[str, int]], now: float) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for key, amount in increments:
            pipe.incrby(key, amount)
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
