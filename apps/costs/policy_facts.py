"""The facts the control plane needs from a team's policy YAML: allowed models
and cost limits, read with `keeptrusts.policy` (the one parser of policy YAML).

A policy set with errors yields no facts rather than an error here: the Console
refuses to save invalid policies, and the gateway reports what it could not load.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from keeptrusts.policy.loader import LoadResult, load


@dataclass(frozen=True)
class BudgetRule:
    name: str
    limit_usd: Decimal
    alert_at: Decimal | None
    scope: str  # team | user
    action: str  # block | log
    source: str  # console | policy


@lru_cache(maxsize=256)  # policy versions are immutable: the same text always gives the same facts
def _loaded(yaml_text: str) -> LoadResult | None:
    result = load(yaml_text or "")
    return result if result.ok else None


def allowed_models(yaml_text: str) -> list[str] | None:
    result = _loaded(yaml_text)
    if result is None or result.allowed_models is None:
        return None
    return list(result.allowed_models)


def cost_limits(yaml_text: str) -> list[BudgetRule]:
    result = _loaded(yaml_text)
    if result is None:
        return []
    return [
        BudgetRule(
            name=policy.name, limit_usd=Decimal(str(policy.options["monthly_limit"])),
            alert_at=Decimal(str(policy.options["alert_at"])) if policy.options.get("alert_at") is not None else None,
            scope=policy.options.get("scope") or "team", action=policy.action, source="policy",
        )
        for policy in result.policies if policy.type == "cost_limit" and policy.enabled
    ]
