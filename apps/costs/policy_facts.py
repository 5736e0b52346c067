"""The facts the control plane needs from a team's policy YAML: allowed models
and cost limits, read with `keeptrusts.policy` (the one parser of policy YAML).

A policy set with errors yields no facts rather than an error here: the Console
refuses to save invalid policies, and the gateway reports what it could not load.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from apps.policies.yaml_edit import policy_upsert
from keeptrusts.policy.loader import LoadResult, load


@dataclass(frozen=True)
class BudgetRule:
    name: str
    limit_usd: Decimal
    alert_at: Decimal | None
    scope: str  # team | user
    action: str  # block | log


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
            scope=policy.options.get("scope") or "team", action=policy.action,
        )
        for policy in result.policies if policy.type == "cost_limit" and policy.enabled
    ]


# --- the team's budget: one cost_limit policy of its policy set ---------------
# Settings > Budgets shows and edits one cost_limit policy of the team's current
# version: the one named `team-budget` (the guide's name), else the first one.
# That policy is the only record of the budget (docs/operations.md, "Budgets").
BUDGET_POLICY_NAME = "team-budget"


def _budget_policy(result: LoadResult):
    limits = [policy for policy in result.policies if policy.type == "cost_limit"]
    return next((p for p in limits if p.name == BUDGET_POLICY_NAME), limits[0] if limits else None)


def team_budget(yaml_text: str) -> BudgetRule | None:
    """The budget Settings > Budgets shows for a policy text, or None (none, or disabled)."""
    result = _loaded(yaml_text)
    policy = _budget_policy(result) if result else None
    if policy is None or not policy.enabled:
        return None
    return next(rule for rule in cost_limits(yaml_text) if rule.name == policy.name)


def with_budget(yaml_text: str, *, monthly_limit: Decimal, alert_at: Decimal | None, scope: str, action: str,
                name: str = BUDGET_POLICY_NAME) -> str:
    """`yaml_text` with its budget policy set to these values (added as `name` when
    it has none); every other line stays as it was."""
    current = _budget_policy(load(yaml_text)) if yaml_text.strip() else None
    if current is None:
        entry = {"name": name, "type": "cost_limit", "monthly_limit": monthly_limit,
                 "alert_at": alert_at, "scope": scope if scope != "team" else None, "action": action, "enabled": True}
        return policy_upsert(yaml_text, match=lambda policy: False, values={}, new_entry=entry)
    # Only what changes is written (None removes a key): `scope` when it changes,
    # `enabled` only to re-enable, so the version's diff is the budget change alone.
    values = {"monthly_limit": monthly_limit, "alert_at": alert_at, "action": action}
    if scope != (current.options.get("scope") or "team"):
        values["scope"] = scope
    if not current.enabled:
        values["enabled"] = True
    return policy_upsert(yaml_text, match=lambda policy: policy.get("name") == current.name, values=values,
                         new_entry={})


def without_budget(yaml_text: str) -> str:
    """`yaml_text` with its budget policy disabled (`enabled: false`): the one-line
    diff keeps the old values in the history, and setting a budget again re-enables it."""
    current = _budget_policy(load(yaml_text)) if yaml_text.strip() else None
    if current is None or not current.enabled:
        return yaml_text
    return policy_upsert(yaml_text, match=lambda policy: policy.get("name") == current.name,
                         values={"enabled": False}, new_entry={})


def budget_kept(current_text: str, new_text: str) -> str:
    """A template without any cost_limit keeps the team's budget: budgets are team
    facts (DESIGN §6), so applying content policies must not silently lift one.
    A template with its own cost_limit replaces it."""
    budget = team_budget(current_text or "")
    new = _loaded(new_text)
    if budget is None or new is None or any(policy.type == "cost_limit" for policy in new.policies):
        return new_text
    return with_budget(new_text, monthly_limit=budget.limit_usd, alert_at=budget.alert_at, scope=budget.scope,
                       action=budget.action, name=budget.name)
