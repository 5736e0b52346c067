"""Budgets: reserve a request's worst-case cost before going upstream, settle the real cost after.

Two sources, both must pass (the stricter wins):
- a `cost_limit` policy in the policy set: a local ledger per month (team or user scope);
  in standalone mode the lease is the whole local limit, and the month's spend is read
  back from the events file at start so a restart does not reset it;
- a team budget set in the Console (connected mode): a *lease* from the control plane,
  a slice of the team's remaining budget (`POST /v1/gateway/budget/lease`). The gateway
  renews it before it runs out, so many replicas never overshoot the limit together.
If the control plane cannot be reached for a lease, the gateway keeps serving against
the month-to-date spend in its last config (degraded, reported in /healthz).
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import time

import aiohttp
import msgspec

from keeptrusts import wire
from keeptrusts.policy import CostCheck, CostLimit
from keeptrusts.prices import cost_usd

log = logging.getLogger("keeptrusts.gateway.budget")

DEFAULT_MAX_OUTPUT_TOKENS = 4096  # worst case when the request sets no max_tokens
MIN_LEASE_USD = 1.0
LEASE_FRACTION = 0.02  # ask for 2 % of the monthly limit at a time


_month: list = [0.0, 0.0, ""]  # [first second of this UTC month, of the next one, "YYYY-MM"]: formatted once a month


def current_month() -> str:
    """This UTC month as "YYYY-MM". Twice per request: a clock read and two comparisons, not a gmtime and a format."""
    now = time.time()
    if not _month[0] <= now < _month[1]:
        today = time.gmtime(now)
        year, month = (today.tm_year + 1, 1) if today.tm_mon == 12 else (today.tm_year, today.tm_mon + 1)
        _month[:] = [calendar.timegm((today.tm_year, today.tm_mon, 1, 0, 0, 0)), calendar.timegm((year, month, 1, 0, 0, 0)),
                     f"{today.tm_year:04d}-{today.tm_mon:02d}"]
    return _month[2]


def worst_case_cost(model: str, prices: dict, prompt_chars: int, max_output_tokens: int | None) -> float:
    # Real tokenizers average ~4 characters a token on English; 1 per 2 characters bounds most text.
    return cost_usd(model, prompt_chars // 2 + 8, max_output_tokens or DEFAULT_MAX_OUTPUT_TOKENS, prices)[0]


class LocalLedger:
    """A `cost_limit` policy's month: spent and held (reserved, not yet settled) against its limit."""

    def __init__(self, limit: CostLimit, spent: float = 0.0) -> None:
        self.limit, self.spent, self.held, self.month = limit, spent, 0.0, current_month()

    def _roll(self) -> None:
        month = current_month()
        if month != self.month:
            self.month, self.spent, self.held = month, 0.0, 0.0

    def try_hold(self, amount: float) -> CostCheck:
        """The policy's verdict; the amount is held unless the verdict blocks."""
        self._roll()
        check = self.limit.check(self.spent + self.held, amount)
        if check.action != "block":
            self.held += amount
        return check

    def settle(self, held: float, actual: float) -> None:
        self.held = max(0.0, self.held - held)
        self.spent += actual



class TeamLease:
    """This gateway's slice of a team's Console budget."""

    def __init__(self, team: str, user: str | None = None) -> None:
        self.team, self.user = team, user
        self.available = 0.0  # granted and not yet reserved
        self.month = current_month()
        self.exhausted = False  # the control plane said nothing is left
        self.local_spent = 0.0  # for the degraded path when the control plane is down
        self._renewing: asyncio.Future | None = None


class Budgets:
    def __init__(self, *, api_url: str | None, token: str | None, session_factory, metrics) -> None:
        self.lease_url = api_url.rstrip("/") + "/v1/gateway/budget/lease" if api_url and token else None
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"} if token else {}
        self._session_factory = session_factory
        self.metrics = metrics
        self.ledgers: dict[tuple, LocalLedger] = {}
        self.leases: dict[tuple, TeamLease] = {}
        self.initial_spend: dict[tuple, float] = {}  # (rule name, scope id) -> USD, from the events file
        self.last_error: str | None = None

    # --- cost_limit policies (local) ------------------------------------
    def ledger(self, limit: CostLimit, scope_id: str) -> LocalLedger:
        key = (limit.name, scope_id)
        ledger = self.ledgers.get(key)
        if ledger is None or ledger.limit != limit:
            spent = ledger.spent if ledger else self.initial_spend.get(key, 0.0)
            ledger = self.ledgers[key] = LocalLedger(limit, spent)
        return ledger

    # --- Console budgets (leases) ------------------------------------------
    async def hold_team_budget(self, budget: wire.TeamBudget, team: str, user: str, amount: float) -> bool:
        lease_key = (team, user if budget.scope == "user" else None)
        lease = self.leases.get(lease_key)
        if lease is None or lease.month != current_month():
            lease = self.leases[lease_key] = TeamLease(team, lease_key[1])
        if lease.available >= amount:
            lease.available -= amount
            self._renew_early(lease, budget)
            return True
        if self.lease_url is None:
            return self._degraded_hold(lease, budget, amount)
        granted = await self._renew(lease, budget, amount)
        if granted is None:  # control plane unreachable
            return self._degraded_hold(lease, budget, amount)
        if lease.available >= amount:
            lease.available -= amount
            return True
        return False

    def _degraded_hold(self, lease: TeamLease, budget: wire.TeamBudget, amount: float) -> bool:
        if budget.month == current_month():
            spent = budget.spent_usd + lease.local_spent
        else:
            spent = lease.local_spent
        return spent + amount <= budget.monthly_limit_usd

    def _renew_early(self, lease: TeamLease, budget: wire.TeamBudget) -> None:
        """Renew in the background when under a quarter of a slice is left, so requests rarely wait."""
        if self.lease_url and not lease.exhausted and lease._renewing is None and lease.available < self._slice(budget) / 4:
            asyncio.ensure_future(self._renew(lease, budget, 0.0))

    def _slice(self, budget: wire.TeamBudget) -> float:
        return max(MIN_LEASE_USD, budget.monthly_limit_usd * LEASE_FRACTION)

    async def _renew(self, lease: TeamLease, budget: wire.TeamBudget, needed: float) -> float | None:
        if lease._renewing is not None:  # one renewal in flight per lease; others wait for it
            return await asyncio.shield(lease._renewing)
        lease._renewing = asyncio.get_running_loop().create_future()
        granted = None
        try:
            request = wire.LeaseRequest(team=lease.team, requested_usd=round(max(needed - lease.available, 0) + self._slice(budget), 6), user=lease.user)
            session = self._session_factory()
            async with session.post(self.lease_url, data=msgspec.json.encode(request), headers=self.headers,
                                    timeout=aiohttp.ClientTimeout(total=5)) as resp:
                body = await resp.read()
                if resp.status == 200 or resp.status == 201:
                    grant = msgspec.json.decode(body, type=wire.Lease)
                    granted = grant.granted_usd
                    lease.available += granted
                    lease.exhausted = grant.remaining_usd <= 0 and granted < needed
                    self.last_error = None
                else:
                    self.last_error = f"budget lease: HTTP {resp.status} {body[:200]!r}"
                    log.warning(self.last_error)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
            self.last_error = f"budget lease failed: {type(exc).__name__} {exc}"
            log.warning(self.last_error)
        finally:
            future, lease._renewing = lease._renewing, None
            future.set_result(granted)
        return granted

    def settle_team(self, budget: wire.TeamBudget, team: str, user: str, held: float, actual: float) -> None:
        lease = self.leases.get((team, user if budget.scope == "user" else None))
        if lease is not None:
            lease.available += max(0.0, held - actual)
            lease.local_spent += actual
