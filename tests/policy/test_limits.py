"""cost_limit and rate_limit decisions."""

from keeptrusts.policy import AlertLatch, CostLimit, MemoryCounterStore, RateLimit, RateLimiter


def test_cost_limit_blocks_when_the_request_could_exceed_the_limit():
    limit = CostLimit("budget", monthly_limit=2000.0)
    assert limit.check(spent_usd=1999.0, estimated_usd=0.5).action == "allow"
    check = limit.check(spent_usd=1999.9, estimated_usd=0.2)
    assert (check.action, check.exceeded) == ("block", True)
    assert "$2,000.00" in check.message()
    assert limit.check(spent_usd=2000.0).action == "block"


def test_cost_limit_with_log_lets_the_request_through_but_records_it():
    assert CostLimit("budget", 10.0, action="log").check(11.0, 1.0).action == "log"


def test_alert_fires_on_the_crossing_and_once_per_month():
    limit = CostLimit("budget", 100.0, alert_at=0.8)
    assert not limit.alert_crossed(10, 79.99)
    assert limit.alert_crossed(79.99, 80.0)
    assert not limit.alert_crossed(80.0, 90.0)
    latch = AlertLatch()
    assert latch.fire_once("budget", "platform", "2026-11")
    assert not latch.fire_once("budget", "platform", "2026-11")
    assert latch.fire_once("budget", "platform", "2026-12")


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_requests_per_minute_blocks_the_extra_request_with_retry_after():
    clock = Clock(1_000_040.0)  # 20 s into a minute bucket
    limiter = RateLimiter(MemoryCounterStore(), clock=clock)
    limit = RateLimit("rate", requests_per_minute=2)
    assert limiter.hit(limit, "key1").action == "allow"
    assert limiter.hit(limit, "key1").action == "allow"
    check = limiter.hit(limit, "key1")
    assert (check.action, check.which) == ("block", "requests_per_minute")
    assert 40 <= check.retry_after <= 120  # until the sliding estimate has room again
    assert limiter.hit(limit, "key2").action == "allow"  # another key has its own counter


def test_the_window_slides_so_old_requests_stop_counting():
    clock = Clock(1_000_040.0)
    limiter = RateLimiter(MemoryCounterStore(), clock=clock)
    limit = RateLimit("rate", requests_per_minute=2)
    limiter.hit(limit, "k"), limiter.hit(limit, "k")
    clock.now += 45  # next bucket, 5 s in: previous bucket still weighs 55/60
    assert limiter.hit(limit, "k").action == "block"
    clock.now += 40  # 45 s in: previous weighs 15/60 → 0.5 + 0 + 1 ≤ 2
    assert limiter.hit(limit, "k").action == "allow"


def test_tokens_per_minute_counts_recorded_tokens():
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock=clock)
    limit = RateLimit("tpm", tokens_per_minute=1000)
    assert limiter.hit(limit, "k", estimated_tokens=400).action == "allow"
    limiter.record_tokens(limit, "k", 900)
    check = limiter.hit(limit, "k", estimated_tokens=200)
    assert (check.action, check.which) == ("block", "tokens_per_minute")


def test_a_request_one_limit_blocks_is_counted_by_none():
    clock = Clock(1_000_040.0)
    limiter = RateLimiter(MemoryCounterStore(), clock=clock)
    per_key, per_team = RateLimit("per-key", requests_per_minute=1), RateLimit("per-team", requests_per_minute=3, scope="team")
    assert limiter.admit([(per_key, "k1"), (per_team, "platform")]) == []
    [(limit, check)] = limiter.admit([(per_key, "k1"), (per_team, "platform")])
    assert (limit.name, check.action) == ("per-key", "block")
    # The blocked request did not use up the team's window: two more requests from other keys fit.
    assert limiter.admit([(per_key, "k2"), (per_team, "platform")]) == []
    assert limiter.admit([(per_key, "k3"), (per_team, "platform")]) == []
    [(limit, _)] = limiter.admit([(per_key, "k4"), (per_team, "platform")])
    assert limit.name == "per-team"


def test_a_logged_limit_counts_the_request_and_reports_it():
    clock = Clock(1_000_040.0)
    limiter = RateLimiter(MemoryCounterStore(), clock=clock)
    watch = RateLimit("watch", requests_per_minute=1, action="log")
    assert limiter.admit([(watch, "k")]) == []
    [(_, check)] = limiter.admit([(watch, "k")])
    assert (check.action, check.limited) == ("log", True)
    assert limiter.store.get(watch.bucket_keys("k", clock.now, "requests")[0], clock.now) == 2


def test_rate_limit_decide_is_pure_for_a_redis_backed_gateway():
    limit = RateLimit("rate", requests_per_minute=10)
    current, previous = limit.bucket_keys("key1", 120.5, "requests")
    assert current.endswith(":2") and previous.endswith(":1")
    assert limit.decide(120.5, requests=(9, 0)).action == "allow"
    assert limit.decide(120.5, requests=(10, 0)).action == "block"
