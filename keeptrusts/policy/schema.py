"""The policy types of DESIGN §5: their keys, value ranges, actions and defaults.

This table is the single source for the loader, `kt policy lint`, the
evaluator and docs/policies.md. The first action listed for a type is its
default action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("name", "email", "phone", "financial", "national_id", "ip_address")

# Umbrella categories cover the leaf categories listed with them.
CONTENT_UMBRELLAS = {
    "harmful": ("violence", "self-harm", "illegal"),
    "biased": ("hate", "harassment"),
}
CONTENT_CATEGORIES = ("harmful", "biased", "hate", "harassment", "self-harm", "sexual", "violence", "illegal")

PHASES = ("input", "output")
APPLIES_TO = ("input", "output", "both")

# Placeholder label per span type; every secret detector maps to SECRET.
PLACEHOLDER_LABELS = {
    "name": "NAME",
    "email": "EMAIL",
    "phone": "PHONE",
    "financial": "FINANCIAL",
    "national_id": "NATIONAL_ID",
    "ip_address": "IP",
}
SECRET_LABEL = "SECRET"


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a policy: its value kind, range and default."""

    name: str
    # number | integer | boolean | string | enum | string-list | patterns
    kind: str
    default: Any = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    choices: tuple[str, ...] | None = None  # enum values, or allowed list items
    unknown_code: str = "invalid-value"  # lint code for a value outside `choices`
    doc: str = ""


@dataclass(frozen=True, slots=True)
class PolicyType:
    name: str
    actions: tuple[str, ...]  # the first is the default
    # Default phases; None for request-level types (cost_limit, rate_limit), which
    # are checked before the request goes upstream and take no `applies_to`.
    applies_to: str | None
    keys: dict[str, Key] = field(default_factory=dict)
    # Output can only be judged once the whole answer is there (not on the stream).
    whole_answer: bool = False
    # At least one of these keys must be set.
    one_of: tuple[str, ...] = ()
    applies_to_choices: tuple[str, ...] = APPLIES_TO
    doc: str = ""

    @property
    def default_action(self) -> str:
        return self.actions[0]


def _keys(*keys: Key) -> dict[str, Key]:
    return {key.name: key for key in keys}


def _fraction(name: str, default: float | None, doc: str, required: bool = False) -> Key:
    return Key(name, "number", default=default, required=required, minimum=0.0, maximum=1.0, doc=doc)


COMMON_KEYS = _keys(
    Key("name", "string", required=True, doc="unique within the file; shown in events and errors"),
    Key("type", "string", required=True, doc="one of the policy types"),
    Key("action", "enum", doc="what the policy does when it triggers; default: the first action of its type"),
    Key("enabled", "boolean", default=True, doc="false keeps the policy in the file but skips it"),
    Key("applies_to", "enum", choices=APPLIES_TO, doc="input, output or both; default depends on the type"),
    Key("description", "string", default="", doc="free text for the Console"),
)

POLICY_TYPES: dict[str, PolicyType] = {
    t.name: t
    for t in (
        PolicyType(
            "pii-detector",
            actions=("redact", "block", "escalate", "log"),
            applies_to="both",
            keys=_keys(
                Key("entity_types", "string-list", default=ENTITY_TYPES, choices=ENTITY_TYPES,
                    unknown_code="unknown-entity-type", doc="subset of " + ", ".join(ENTITY_TYPES) + " (default all)"),
            ),
            doc="personal data",
        ),
        PolicyType(
            "dlp-filter",
            actions=("block", "redact", "escalate", "log"),
            applies_to="input",
            keys=_keys(
                # Choices come from keeptrusts.policy.detectors.secrets.DETECTORS (see lint).
                Key("detectors", "string-list", default=None, unknown_code="unknown-detector",
                    doc="secret detector names (default all)"),
                Key("custom_patterns", "patterns", default=(), doc="list of {name, regex}"),
            ),
            doc="secrets and credentials",
        ),
        PolicyType(
            "prompt-injection",
            actions=("block", "escalate", "log"),
            applies_to="input",
            keys=_keys(_fraction("threshold", 0.5, "score at or above which the policy triggers")),
            whole_answer=True,
            doc="instruction override, jailbreaks, system-prompt extraction, role spoofing, obfuscation",
        ),
        PolicyType(
            "content-filter",
            actions=("block", "escalate", "log"),
            applies_to="both",
            keys=_keys(
                Key("categories", "string-list", default=CONTENT_CATEGORIES, choices=CONTENT_CATEGORIES,
                    unknown_code="unknown-category", doc="subset of " + ", ".join(CONTENT_CATEGORIES) + " (default all)"),
                _fraction("threshold", 0.5, "category score at or above which the policy triggers"),
            ),
            doc="harmful or biased text",
        ),
        PolicyType(
            "quality-scorer",
            actions=("escalate", "log", "block"),
            applies_to="output",
            keys=_keys(_fraction("min_score", 0.7, "answers scoring below this trigger the policy")),
            whole_answer=True,
            applies_to_choices=("output",),
            doc="scores each response 0–1 with named reasons",
        ),
        PolicyType(
            "cost_limit",
            actions=("block", "log"),
            applies_to=None,
            keys=_keys(
                Key("monthly_limit", "number", required=True, minimum=0.0, exclusive_minimum=True,
                    doc="USD per calendar month (UTC)"),
                Key("alert_at", "number", minimum=0.0, maximum=1.0, exclusive_minimum=True, exclusive_maximum=True,
                    doc="fraction of the limit that opens an escalation, once a month"),
                Key("scope", "enum", default="team", choices=("team", "user"), doc="whose spend counts"),
            ),
            doc="monthly budget",
        ),
        PolicyType(
            "rate_limit",
            actions=("block", "log"),
            applies_to=None,
            keys=_keys(
                Key("requests_per_minute", "integer", minimum=1, doc="requests per sliding minute"),
                Key("tokens_per_minute", "integer", minimum=1, doc="prompt + completion tokens per sliding minute"),
                Key("scope", "enum", default="key", choices=("key", "user", "team"), doc="who shares the counter"),
            ),
            one_of=("requests_per_minute", "tokens_per_minute"),
            doc="requests and tokens per minute",
        ),
    )
}

TOP_LEVEL_KEYS = ("version", "policies", "allowed_models")
SUPPORTED_VERSIONS = (1,)


def expand_categories(categories) -> frozenset[str]:
    """Configured categories plus the leaf categories their umbrellas cover."""
    expanded = set(categories)
    for category in categories:
        expanded.update(CONTENT_UMBRELLAS.get(category, ()))
    return frozenset(expanded)


def placeholder_label(span_type: str) -> str:
    return PLACEHOLDER_LABELS.get(span_type, SECRET_LABEL)
