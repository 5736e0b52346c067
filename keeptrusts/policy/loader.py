"""Load a policy file: YAML with line/column positions kept, checked against the schema.

`load(text, filename)` never raises on bad input: it returns the policies it
could build plus every problem it found (errors and warnings), each with
`file:line:col`, the policy's name, a code, a message and a hint. Lines and
columns are 1-based.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from keeptrusts.policy.schema import (
    COMMON_KEYS,
    POLICY_TYPES,
    SUPPORTED_VERSIONS,
    TOP_LEVEL_KEYS,
    Key,
    PolicyType,
)

try:  # libyaml is ~10x faster; the pure-Python parser gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"

_constructor = yaml.constructor.SafeConstructor()

# Every code `load` can report, with what it means (docs/policies.md lists them).
LINT_CODES = {
    "invalid-yaml": "the text is not valid YAML",
    "not-yaml": "the file is binary or not UTF-8 text",
    "not-a-mapping": "the top level (or a policy) is not a mapping",
    "missing-key": "a required key is absent (policies, name, type, monthly_limit, …)",
    "unknown-key": "a key the file or the policy type does not take",
    "duplicate-key": "the same key twice in one mapping (YAML would keep the last silently)",
    "wrong-type": "a value of the wrong kind (a string where a number is needed, …)",
    "unknown-type": "a policy type that does not exist",
    "duplicate-name": "two policies with the same name",
    "unsupported-action": "an action the policy type does not support",
    "unknown-entity-type": "an entity type pii-detector does not know",
    "unknown-category": "a category content-filter does not know",
    "unknown-detector": "a secret detector name dlp-filter does not know",
    "invalid-regex": "a custom pattern that does not compile or matches empty text",
    "out-of-range": "a number outside its range (fractions 0–1, limits > 0)",
    "invalid-value": "a value outside the allowed set (version, applies_to, scope)",
}
LINT_WARNINGS = {
    "block-after-stream": "block on a whole-answer output type: on streams it acts after the client has the text",
    "empty-policies": "the file enforces nothing",
    "empty-list": "an empty entity_types / categories / detectors list finds nothing",
    "duplicate-item": "the same item twice in a list",
    "no-allowed-models": "an empty allowed_models list rejects every model",
}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    col: int
    policy: str | None
    code: str
    message: str
    hint: str = ""
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict:
        return {
            "file": self.file, "line": self.line, "col": self.col, "policy": self.policy,
            "code": self.code, "message": self.message, "hint": self.hint,
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        who = f"policy '{self.policy}': " if self.policy else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}: {self.severity}: {who}{self.message}{hint} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Policy:
    """One validated policy. `options` holds its type's keys with defaults filled in."""

    name: str
    type: str
    action: str
    enabled: bool
    phases: frozenset[str]  # empty for request-level types (cost_limit, rate_limit)
    options: dict[str, Any]
    line: int
    col: int
    description: str = ""

    def applies(self, phase: str) -> bool:
        return self.enabled and phase in self.phases


@dataclass(slots=True)
class LoadResult:
    policies: list[Policy] = field(default_factory=list)
    allowed_models: tuple[str, ...] | None = None
    version: int = 1
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _did_you_mean(word: str, options) -> str:
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


def _value(node: yaml.Node) -> Any:
    return _constructor.construct_object(node, deep=True)


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {_STR: "a string", _INT: "a whole number", _FLOAT: "a number", _BOOL: "true/false",
            _NULL: "empty"}.get(node.tag, "a value")


def _secret_detector_names() -> tuple[str, ...]:
    from keeptrusts.policy.detectors import secrets  # only when a file lists `detectors:`

    return tuple(secrets.DETECTORS)


class _Checker:
    def __init__(self, filename: str):
        self.file = filename
        self.result = LoadResult()

    # -- reporting ---------------------------------------------------------
    def error(self, node, code, message, hint="", policy=None):
        self.result.errors.append(self._problem(node, code, message, hint, policy, "error"))

    def warn(self, node, code, message, hint="", policy=None):
        self.result.warnings.append(self._problem(node, code, message, hint, policy, "warning"))

    def _problem(self, node, code, message, hint, policy, severity) -> Problem:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return Problem(self.file, line, col, policy, code, message, hint, severity)

    # -- entry point -------------------------------------------------------
    def run(self, text: str) -> LoadResult:
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or "not valid YAML"
            hint = ("indent with spaces: YAML does not allow tabs" if "tab" in problem
                    else "check indentation, quotes and that lists use '- ' items")
            self.result.errors.append(Problem(
                self.file, line, col, None, "invalid-yaml", f"not valid YAML: {problem}", hint, "error"))
            return self.result
        except yaml.YAMLError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else "unreadable"
            self.result.errors.append(Problem(self.file, 1, 1, None, "invalid-yaml", f"not valid YAML: {first_line}",
                                              "the file must hold one YAML document", "error"))
            return self.result
        if root is None:
            self.result.errors.append(Problem(self.file, 1, 1, None, "missing-key", "the file is empty",
                                              "start with 'policies:' followed by a list of policies", "error"))
            return self.result
        if not isinstance(root, yaml.MappingNode):
            self.error(root, "not-a-mapping", f"the top level is {_kind_of(root)}, not a mapping",
                       "a policy file is a mapping with 'policies:' (and optionally 'allowed_models:', 'version:')")
            return self.result
        self.top_level(root)
        self.result.errors.sort(key=lambda p: (p.line, p.col))
        self.result.warnings.sort(key=lambda p: (p.line, p.col))
        return self.result

    def _pairs(self, mapping: yaml.MappingNode, policy=None):
        """Key/value node pairs; reports duplicate and non-string keys."""
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in mapping.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.error(key_node, "wrong-type", f"keys must be names, not {_kind_of(key_node)}", policy=policy)
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.error(key_node, "duplicate-key", f"key '{key}' appears twice (first on line {first})",
                           "keep one of them; YAML would silently use the last", policy)
                continue
            seen[key] = key_node
            yield key, key_node, value_node

    def top_level(self, root: yaml.MappingNode):
        policies_node = None
        for key, key_node, value in self._pairs(root):
            if key == "policies":
                policies_node = value
            elif key == "allowed_models":
                self.allowed_models(value)
            elif key == "version":
                self.version(value)
            else:
                hint = _did_you_mean(key, TOP_LEVEL_KEYS) or "top-level keys are: " + ", ".join(TOP_LEVEL_KEYS)
                self.error(key_node, "unknown-key", f"unknown top-level key '{key}'", hint)
        if policies_node is None:
            self.error(root, "missing-key", "no 'policies:' list", "add 'policies:' with at least one policy")
            return
        if isinstance(policies_node, yaml.ScalarNode) and policies_node.tag == _NULL:
            self.warn(policies_node, "empty-policies", "'policies' is empty: no policy is enforced",
                      "add policies, or remove the file if that is intended")
            return
        if not isinstance(policies_node, yaml.SequenceNode):
            self.error(policies_node, "wrong-type", f"'policies' must be a list, not {_kind_of(policies_node)}",
                       "write each policy as a '- name: …' item")
            return
        if not policies_node.value:
            self.warn(policies_node, "empty-policies", "'policies' is empty: no policy is enforced",
                      "add policies, or remove the file if that is intended")
        names: dict[str, yaml.Node] = {}
        for index, item in enumerate(policies_node.value):
            self.policy(item, index, names)

    def version(self, node):
        value = _value(node) if isinstance(node, yaml.ScalarNode) else None
        if node.tag != _INT or value not in SUPPORTED_VERSIONS:
            self.error(node, "invalid-value", f"unsupported version {node.value if isinstance(node, yaml.ScalarNode) else ''!r}",
                       "use 'version: 1' or leave it out")
        else:
            self.result.version = value

    def allowed_models(self, node):
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return  # absent / empty value: every model allowed
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "wrong-type", f"'allowed_models' must be a list, not {_kind_of(node)}",
                       "write e.g. 'allowed_models: [gpt-4o, gpt-4o-mini, \"claude-*\"]'")
            return
        models = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag == _NULL or not str(item.value).strip():
                self.error(item, "wrong-type", f"a model must be a name or glob, not {_kind_of(item)}",
                           "e.g. gpt-4o or 'gpt-4o*'")
                continue
            model = str(item.value).strip()
            if model in models:
                self.warn(item, "duplicate-item", f"model '{model}' is listed twice", "remove the second entry")
                continue
            models.append(model)
        if not models:
            self.warn(node, "no-allowed-models", "'allowed_models' is an empty list: every model will get 403",
                      "list the models the team may use, or remove 'allowed_models' to allow all")
        self.result.allowed_models = tuple(models)

    # -- one policy --------------------------------------------------------
    def policy(self, node, index: int, names: dict):
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "wrong-type", f"policy #{index + 1} is {_kind_of(node)}, not a mapping",
                       "each policy is a mapping such as '- name: pii\\n    type: pii-detector'")
            return
        pairs = {key: (key_node, value) for key, key_node, value in self._pairs(node)}
        name = None
        if "name" in pairs:
            name_node = pairs["name"][1]
            if isinstance(name_node, yaml.ScalarNode) and name_node.tag in (_STR, _INT) and str(name_node.value).strip():
                name = str(name_node.value).strip()
                if name in names:
                    first = names[name].start_mark.line + 1
                    self.error(name_node, "duplicate-name", f"duplicate policy name '{name}' (first on line {first})",
                               "give each policy a unique name", name)
                else:
                    names[name] = name_node
            else:
                self.error(name_node, "wrong-type", f"'name' must be a non-empty string, not {_kind_of(name_node)}",
                           policy=None)
        else:
            self.error(node, "missing-key", f"policy #{index + 1} has no 'name'",
                       "add 'name:' with a unique name, e.g. 'name: team-pii-protection'")

        ptype = self._policy_type(pairs, node, name)
        if ptype is None:
            return  # keys cannot be checked without a known type
        options: dict[str, Any] = {}
        common: dict[str, Any] = {}
        ok = True
        for key, (key_node, value_node) in pairs.items():
            if key in ("name", "type"):
                continue
            spec = COMMON_KEYS.get(key) or ptype.keys.get(key)
            if spec is None:
                self._unknown_policy_key(key, key_node, ptype, name)
                ok = False
                continue
            if key == "applies_to" and ptype.applies_to is None:
                self.error(key_node, "unknown-key", f"{ptype.name} does not take 'applies_to'",
                           f"{ptype.name} is checked before the request goes upstream; remove 'applies_to'", name)
                ok = False
                continue
            if key == "action":
                spec = Key("action", "enum", choices=ptype.actions, unknown_code="unsupported-action")
            elif key == "applies_to":
                spec = Key("applies_to", "enum", choices=ptype.applies_to_choices)
            value = self._check_value(spec, value_node, name, ptype)
            if value is _INVALID:
                ok = False
                continue
            (common if key in COMMON_KEYS else options)[key] = value
        for key, spec in ptype.keys.items():
            if key not in options and key not in pairs:
                if spec.required:
                    self.error(node, "missing-key", f"{ptype.name} needs '{key}'", f"add '{key}:' ({spec.doc})", name)
                    ok = False
                else:
                    options[key] = spec.default
        if ptype.one_of and not any(k in pairs for k in ptype.one_of):
            self.error(node, "missing-key", f"{ptype.name} needs at least one of " + ", ".join(ptype.one_of),
                       f"add e.g. '{ptype.one_of[0]}: 60'", name)
            ok = False
        action = common.get("action", ptype.default_action)
        self._warn_semantics(ptype, pairs, action, common, options, name)
        if not ok or name is None:
            return
        applies_to = common.get("applies_to", ptype.applies_to)
        phases = frozenset() if applies_to is None else frozenset(("input", "output") if applies_to == "both" else (applies_to,))
        self.result.policies.append(Policy(
            name=name, type=ptype.name, action=action, enabled=common.get("enabled", True), phases=phases,
            options=options, line=node.start_mark.line + 1, col=node.start_mark.column + 1,
            description=common.get("description", ""),
        ))

    def _policy_type(self, pairs, node, name) -> PolicyType | None:
        if "type" not in pairs:
            self.error(node, "missing-key", "policy has no 'type'",
                       "add 'type:' — one of " + ", ".join(POLICY_TYPES), name)
            return None
        type_node = pairs["type"][1]
        if not isinstance(type_node, yaml.ScalarNode) or type_node.tag != _STR:
            self.error(type_node, "wrong-type", f"'type' must be a string, not {_kind_of(type_node)}",
                       "one of " + ", ".join(POLICY_TYPES), name)
            return None
        ptype = POLICY_TYPES.get(type_node.value)
        if ptype is None:
            # Accept the other spelling's shape in the hint: cost-limit -> cost_limit.
            hint = _did_you_mean(type_node.value, POLICY_TYPES) or "types are: " + ", ".join(POLICY_TYPES)
            self.error(type_node, "unknown-type", f"unknown type '{type_node.value}'", hint, name)
        return ptype

    def _unknown_policy_key(self, key, key_node, ptype: PolicyType, name):
        allowed = list(COMMON_KEYS) + list(ptype.keys)
        hint = _did_you_mean(key, allowed)
        if not hint:
            owners = [t.name for t in POLICY_TYPES.values() if key in t.keys]
            if owners:
                hint = f"'{key}' belongs to {', '.join(owners)}; {ptype.name} takes: " + ", ".join(ptype.keys or ["no extra keys"])
            else:
                hint = f"{ptype.name} takes: " + ", ".join(list(ptype.keys) + list(COMMON_KEYS))
        self.error(key_node, "unknown-key", f"unknown key '{key}' for {ptype.name}", hint, name)

    # -- values ------------------------------------------------------------
    def _check_value(self, spec: Key, node, policy, ptype: PolicyType):
        kind = spec.kind
        if kind in ("number", "integer"):
            return self._number(spec, node, policy)
        if kind == "boolean":
            if node.tag != _BOOL:
                self.error(node, "wrong-type", f"'{spec.name}' must be true or false, not {_kind_of(node)}",
                           f"write '{spec.name}: true' or '{spec.name}: false'", policy)
                return _INVALID
            return _value(node)
        if kind == "string":
            if not isinstance(node, yaml.ScalarNode) or node.tag not in (_STR, _INT, _FLOAT):
                self.error(node, "wrong-type", f"'{spec.name}' must be a string, not {_kind_of(node)}", policy=policy)
                return _INVALID
            return str(node.value)
        if kind == "enum":
            if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
                self.error(node, "wrong-type", f"'{spec.name}' must be one of " + ", ".join(spec.choices)
                           + f", not {_kind_of(node)}", policy=policy)
                return _INVALID
            if node.value not in spec.choices:
                if spec.name == "action":
                    message = f"{ptype.name} does not support action '{node.value}'"
                    if node.value not in ("block", "redact", "escalate", "log"):
                        message = f"unknown action '{node.value}'"
                else:
                    message = f"'{spec.name}' cannot be '{node.value}'"
                hint = _did_you_mean(node.value, spec.choices)
                hint = (hint + " " if hint else "") + f"{spec.name} is one of: " + ", ".join(spec.choices)
                self.error(node, spec.unknown_code, message, hint, policy)
                return _INVALID
            return node.value
        if kind == "string-list":
            return self._string_list(spec, node, policy)
        if kind == "patterns":
            return self._patterns(spec, node, policy)
        raise AssertionError(f"unhandled key kind {kind}")  # schema bug, not user input

    def _number(self, spec: Key, node, policy):
        integer = spec.kind == "integer"
        if not isinstance(node, yaml.ScalarNode) or node.tag not in ((_INT,) if integer else (_INT, _FLOAT)):
            what = "a whole number" if integer else "a number"
            self.error(node, "wrong-type", f"'{spec.name}' must be {what}, not {_kind_of(node)}"
                       + (f" ({node.value!r})" if isinstance(node, yaml.ScalarNode) and node.value else ""),
                       f"write e.g. '{spec.name}: {int(spec.minimum or 0) + 1 if integer else spec.default or 0.5}'", policy)
            return _INVALID
        value = _value(node)
        low_bad = spec.minimum is not None and (value <= spec.minimum if spec.exclusive_minimum else value < spec.minimum)
        high_bad = spec.maximum is not None and (value >= spec.maximum if spec.exclusive_maximum else value > spec.maximum)
        if low_bad or high_bad or value != value:  # NaN
            self.error(node, "out-of-range", f"'{spec.name}' is {value}, outside {_range_text(spec)}",
                       _range_hint(spec), policy)
            return _INVALID
        return value

    def _string_list(self, spec: Key, node, policy):
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
            self.error(node, "wrong-type", f"'{spec.name}' must be a list, not a single string",
                       f"write '{spec.name}: [{node.value}]'", policy)
            return _INVALID
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "wrong-type", f"'{spec.name}' must be a list, not {_kind_of(node)}", policy=policy)
            return _INVALID
        choices = spec.choices
        if spec.name == "detectors":
            choices = _secret_detector_names()
        items: list[str] = []
        ok = True
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag != _STR:
                self.error(item, "wrong-type", f"items of '{spec.name}' must be names, not {_kind_of(item)}", policy=policy)
                ok = False
                continue
            if choices is not None and item.value not in choices:
                what = {"unknown-entity-type": "entity type", "unknown-category": "category",
                        "unknown-detector": "secret detector"}.get(spec.unknown_code, "value")
                hint = _did_you_mean(item.value, choices)
                hint = (hint + " " if hint else "") + "valid: " + ", ".join(choices)
                self.error(item, spec.unknown_code, f"unknown {what} '{item.value}'", hint, policy)
                ok = False
                continue
            if item.value in items:
                self.warn(item, "duplicate-item", f"'{item.value}' is listed twice in '{spec.name}'",
                          "remove the second entry", policy)
                continue
            items.append(item.value)
        if ok and not items:
            self.warn(node, "empty-list", f"'{spec.name}' is empty: this policy will find nothing",
                      f"list what it should find, or remove '{spec.name}' to use the default (all)", policy)
        return tuple(items) if ok else _INVALID

    def _patterns(self, spec: Key, node, policy):
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "wrong-type", f"'{spec.name}' must be a list of {{name, regex}}, not {_kind_of(node)}",
                       "write '- name: ticket-token\\n  regex: \"TT-[A-Z0-9]{24}\"'", policy)
            return _INVALID
        patterns: list[tuple[str, re.Pattern]] = []
        ok = True
        for item in node.value:
            if not isinstance(item, yaml.MappingNode):
                self.error(item, "wrong-type", f"each custom pattern must be a mapping {{name, regex}}, not {_kind_of(item)}",
                           "write '- name: ticket-token\\n  regex: \"TT-[A-Z0-9]{24}\"'", policy)
                ok = False
                continue
            fields = {}
            for key, key_node, value in self._pairs(item, policy):
                if key not in ("name", "regex"):
                    self.error(key_node, "unknown-key", f"unknown key '{key}' in a custom pattern",
                               _did_you_mean(key, ("name", "regex")) or "a custom pattern has 'name' and 'regex'", policy)
                    ok = False
                elif not isinstance(value, yaml.ScalarNode) or value.tag != _STR or not value.value:
                    self.error(value, "wrong-type", f"custom pattern '{key}' must be a non-empty string", policy=policy)
                    ok = False
                else:
                    fields[key] = value
            if "name" not in fields or "regex" not in fields:
                missing = "name" if "name" not in fields else "regex"
                self.error(item, "missing-key", f"custom pattern has no '{missing}'",
                           "a custom pattern has 'name' and 'regex'", policy)
                ok = False
                continue
            try:
                compiled = re.compile(fields["regex"].value)
            except re.error as exc:
                self.error(fields["regex"], "invalid-regex", f"custom pattern '{fields['name'].value}' is not a valid regex: {exc}",
                           "use Python regex syntax; quote the pattern and escape backslashes in double quotes", policy)
                ok = False
                continue
            if compiled.match(""):
                self.error(fields["regex"], "invalid-regex", f"custom pattern '{fields['name'].value}' matches empty text",
                           "make the pattern require at least one character (use + instead of *)", policy)
                ok = False
                continue
            patterns.append((fields["name"].value, compiled))
        return tuple(patterns) if ok else _INVALID

    def _warn_semantics(self, ptype: PolicyType, pairs, action, common, options, name):
        applies_to = common.get("applies_to", ptype.applies_to)
        if ptype.whole_answer and action == "block" and applies_to in ("output", "both"):
            node = pairs.get("action", (None, None))[1]
            self.warn(node, "block-after-stream",
                      f"{ptype.name} judges the whole answer: on a streamed response 'block' can only act after "
                      "the client already has the text",
                      "use 'action: escalate' or 'log' for output, or accept that streams are cut only at the end", name)


class _Invalid:
    pass


_INVALID = _Invalid()


def _range_text(spec: Key) -> str:
    low = "(" if spec.exclusive_minimum else "["
    high = ")" if spec.exclusive_maximum else "]"
    maximum = "∞" if spec.maximum is None else _fmt(spec.maximum)
    return f"{low}{_fmt(spec.minimum)}, {maximum}{high}"


def _range_hint(spec: Key) -> str:
    if spec.maximum == 1.0 and spec.minimum == 0.0:
        return f"'{spec.name}' is a fraction between 0 and 1, e.g. 0.5" if spec.exclusive_maximum is False else \
            f"'{spec.name}' is a fraction strictly between 0 and 1, e.g. 0.8"
    if spec.exclusive_minimum:
        return f"'{spec.name}' must be greater than {_fmt(spec.minimum)}"
    return f"'{spec.name}' must be at least {_fmt(spec.minimum)}"


def _fmt(number) -> str:
    return "%g" % number


def load(text: str, filename: str = "<policy>") -> LoadResult:
    """Parse and check a policy file; never raises on bad input."""
    return _Checker(filename).run(text)


def load_bytes(data: bytes, filename: str = "<policy>") -> LoadResult:
    """As `load`, for raw file bytes: a file that is not UTF-8 text is a lint error, not a crash."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        result = LoadResult()
        result.errors.append(Problem(filename, line, col, None, "not-yaml",
                                     "this is not a text file (invalid UTF-8): not a YAML policy file",
                                     "pass the policy YAML file, e.g. --file team-policy.yaml"))
        return result
    if "\x00" in text:
        result = LoadResult()
        result.errors.append(Problem(filename, 1, 1, None, "not-yaml", "this is a binary file, not a YAML policy file",
                                     "pass the policy YAML file, e.g. --file team-policy.yaml"))
        return result
    return load(text, filename)
