"""A cost_limit ledger's month is the UTC calendar month, also across a year's end and a clock set back."""

import time

from keeptrusts.gateway import budget
from keeptrusts.policy import CostLimit


def at(monkeypatch, iso: str) -> None:
    seconds = time.mktime(time.strptime(iso, "%Y-%m-%dT%H:%M:%S")) - time.timezone  # UTC, whatever the local zone
    monkeypatch.setattr(budget.time, "time", lambda: seconds)


def test_the_month_turns_at_midnight_utc_and_back_when_the_clock_is_set_back(monkeypatch):
    seen = []
    for iso in ("2026-11-30T23:59:59", "2026-12-01T00:00:00", "2026-12-31T23:59:59", "2027-01-01T00:00:00",
                "2026-11-15T12:00:00", "2027-01-01T00:00:01"):
        at(monkeypatch, iso)
        seen.append(budget.current_month())
    assert seen == ["2026-11", "2026-12", "2026-12", "2027-01", "2026-11", "2027-01"]


def test_a_ledger_starts_a_new_month_at_zero(monkeypatch):
    limit = CostLimit(name="team-budget", monthly_limit=1.0, action="block")
    at(monkeypatch, "2026-11-30T23:59:00")
    ledger = budget.LocalLedger(limit)
    assert ledger.try_hold(0.9).action != "block"
    ledger.settle(0.9, 0.9)
    assert ledger.try_hold(0.5).action == "block"  # 0.9 spent + 0.5 is over the month's 1.0
    at(monkeypatch, "2026-12-01T00:00:30")
    assert ledger.try_hold(0.5).action != "block" and ledger.spent == 0.0
