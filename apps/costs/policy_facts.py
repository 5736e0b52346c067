"""The facts the control plane needs from a team's policy YAML: allowed models
and cost limits.

A minimal, tolerant read (yaml.safe_load). `keeptrusts.policy` owns parsing and
lint; once its loader is on main this module delegates to it. A YAML that does
not parse yields no facts rather than an error here: the Console refuses to
save invalid policies, and the gateway reports what it could not load.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml


@dataclass(frozen=True)
class BudgetRule:
    name: str
    limit_usd: Decimal
    alert_at: Decimal | None
    scope: str  # team | user
    action: str  # block | log
    source: str  # console | policy


def _document(yaml_text: str) -> dict:
    try:
        doc = yaml.safe_load(yaml_text or "") or {}
    except yaml.YAMLError:
        return {}
    return doc if isinstance(doc, dict) else {}


def allowed_models(yaml_text: str) -> list[str] | None:
    models = _document(yaml_text).get("allowed_models")
    if not isinstance(models, list):
        return None
    return [str(m) for m in models]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def cost_limits(yaml_text: str) -> list[BudgetRule]:
    rules = []
    for policy in _document(yaml_text).get("policies") or []:
        if not isinstance(policy, dict) or policy.get("type") != "cost_limit" or policy.get("enabled") is False:
            continue
        limit = _decimal(policy.get("monthly_limit"))
        if limit is None:
            continue
        alert = _decimal(policy["alert_at"]) if policy.get("alert_at") is not None else None
        rules.append(BudgetRule(
            name=str(policy.get("name") or "cost_limit"), limit_usd=limit, alert_at=alert,
            scope=str(policy.get("scope") or "team"), action=str(policy.get("action") or "block"), source="policy",
        ))
    return rules
