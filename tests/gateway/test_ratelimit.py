"""The gateway's rate limits: one implementation whether the counters live in memory or in Redis."""

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from keeptrusts.gateway.ratelimit import MemoryCounters, RateLimits, RedisCounters
from keeptrusts.policy import RateLimit

STORES = ["memory"] + (["redis"] if os.environ.get("KT_TEST_REDIS_URL") else [])


def counters(kind: str):
    return MemoryCounters() if kind == "memory" else RedisCounters(os.environ["KT_TEST_REDIS_URL"])


@pytest.mark.parametrize("store", STORES)
def test_limits_of_one_request_are_decided_together_in_any_store(store):
    suffix = uuid.uuid4().hex[:8]  # fresh Redis counters on every run
    per_key = RateLimit(f"per-key-{suffix}", requests_per_minute=1)
    per_team = RateLimit(f"per-team-{suffix}", requests_per_minute=2, scope="team")
    tokens = RateLimit(f"tokens-{suffix}", tokens_per_minute=100, scope="user")

    async def scenario():
        limits = RateLimits(counters(store))
        try:
            assert await limits.admit([per_key, per_team, tokens], "k1", "alice", "platform") == []
            [(limit, check)] = await limits.admit([per_key, per_team, tokens], "k1", "alice", "platform")
            assert (limit, check.action, check.which) == (per_key, "block", "requests_per_minute")
            # The blocked request used up nobody's window: the team still has room for one more.
            assert await limits.admit([per_key, per_team], "k2", "bob", "platform") == []
            [(limit, _)] = await limits.admit([per_key, per_team], "k3", "carol", "platform")
            assert limit == per_team
            await limits.add_tokens([tokens], "k1", "alice", "platform", 150)
            [(limit, check)] = await limits.admit([tokens], "k1", "alice", "platform")
            assert (limit, check.which) == (tokens, "tokens_per_minute") and check.retry_after >= 1
        finally:
            await limits.close()

    with ThreadPoolExecutor(1) as thread:  # its own loop: the browser tests leave one running in this thread
        thread.submit(asyncio.run, scenario()).result(30)
