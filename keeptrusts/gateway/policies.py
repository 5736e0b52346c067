"""The gateway's view of a policy set: what it needs per request, parsed once per policy version.

Wraps `keeptrusts.policy` (the engine); this module only adapts its results to the
gateway's request path (event entries, redacted messages, rate/cost rules).
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass, field

import yaml

from keeptrusts.gateway.ratelimit import RateRule


@dataclass(frozen=True, slots=True)
class CostRule:
    name: str
    monthly_limit: float
    scope: str  # team | user
    action: str  # block | log
    alert_at: float | None = None


@dataclass(slots=True)
class Decision:
    """Result of one phase: the strongest action and the event entries that explain it."""

    action: str = "allow"
    entries: list[dict] = field(default_factory=list)
    blocked_by: dict | None = None  # the entry of the policy that blocked


class PolicyRuntime:
    def __init__(self, text: str, source: str = "policy") -> None:
        self.text = text
        self.source = source
        self.sha256 = hashlib.sha256(text.encode()).hexdigest()
        data = yaml.safe_load(text) or {}
        self.allowed_models: list[str] | None = data.get("allowed_models")
        self.cost_rules: list[CostRule] = []
        self.rate_rules: list[RateRule] = []
        for policy in data.get("policies") or []:
            if policy.get("enabled", True) is False:
                continue
            if policy.get("type") == "cost_limit":
                self.cost_rules.append(CostRule(policy["name"], float(policy["monthly_limit"]), policy.get("scope", "team"),
                                                policy.get("action", "block"), policy.get("alert_at")))
            elif policy.get("type") == "rate_limit":
                self.rate_rules.append(RateRule(policy["name"], policy.get("requests_per_minute"), policy.get("tokens_per_minute"),
                                                policy.get("scope", "key"), policy.get("action", "block")))
        self.has_input_policies = False
        self.has_output_policies = False

    def model_allowed(self, model: str, allowed: list[str] | None = None) -> bool:
        patterns = self.allowed_models if allowed is None else allowed
        if patterns is None:
            return True
        return any(model == p or fnmatch.fnmatchcase(model, p) for p in patterns)

    def evaluate_input(self, texts: list[str]) -> tuple[Decision, list[str]]:
        return Decision(), texts

    def evaluate_output(self, text: str, prompt: str = "", finish_reason: str | None = None) -> tuple[Decision, str]:
        return Decision(), text

    def stream_guard(self, prompt: str = ""):
        return None


EMPTY = PolicyRuntime("policies: []\n", source="none")
