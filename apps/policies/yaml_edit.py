"""Edit one policy of a stored policy set in place, leaving every other line as it was.

Settings > Budgets writes the team's budget as its `cost_limit` policy. The new
version must differ from the one before only where the budget changed, so the
history's diff shows exactly that and comments, order and formatting survive.
The YAML is composed (not loaded) to get each node's position in the text;
values are replaced at those positions, keys added or removed line by line.
"""

from __future__ import annotations

from decimal import Decimal

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader


def scalar(value) -> str:
    """A YAML scalar as a person would write it: 2000, 0.8, true, team."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float | int):
        text = format(Decimal(str(value)).normalize(), "f")
        return text
    return str(value)


def policy_upsert(yaml_text: str, *, match, values: dict, new_entry: dict) -> str:
    """Set `values` on the first policy for which `match(mapping)` is true (a None
    value removes that key), or append `new_entry` to `policies:` when none does.
    `match` gets each policy as a plain dict of its scalar keys."""
    document = yaml.compose(yaml_text, Loader=_Loader) if yaml_text.strip() else None
    if not isinstance(document, yaml.MappingNode):
        return _render_entries([new_entry], dash_col=2)  # nothing usable: a fresh policy set
    sequence = _value_of(document, "policies")
    if isinstance(sequence, yaml.SequenceNode) and not sequence.value:  # `policies: []`
        start, end = sequence.start_mark.index, sequence.end_mark.index
        return yaml_text[:start].rstrip(" ") + "\n" + _render_entries([new_entry], dash_col=2, top=False).rstrip("\n") + yaml_text[end:]
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        return _regenerated(yaml_text, match=match, values=values, new_entry=new_entry)
    for item in sequence.value:
        if isinstance(item, yaml.MappingNode) and match(_plain(item)):
            if item.flow_style:
                return _regenerated(yaml_text, match=match, values=values, new_entry=new_entry)
            return _edit_mapping(yaml_text, item, values)
    return _append_item(yaml_text, document, sequence, new_entry)


def _value_of(mapping: yaml.MappingNode, key: str):
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _plain(mapping: yaml.MappingNode) -> dict:
    return {k.value: v.value for k, v in mapping.value
            if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just past the newline ending the line that holds `index` (or the end of the text)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _edit_mapping(text: str, item: yaml.MappingNode, values: dict) -> str:
    edits = []  # (start, end, replacement), applied from the end
    present = {k.value: (k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode)}
    key_col = item.value[0][0].start_mark.column
    # A new key goes after the key `values` lists before it, if the policy has that key
    # (alert_at after monthly_limit), else after the policy's last key.
    after = item.value[-1][1]
    inserts = {}
    for key, value in values.items():
        if key in present:
            key_node, value_node = present[key]
            if value is None:
                start = _line_start(text, key_node.start_mark.index)
                edits.append((start, _line_end(text, max(value_node.end_mark.index - 1, start)), ""))
            elif not isinstance(value_node, yaml.ScalarNode) or value_node.value != scalar(value):
                edits.append((value_node.start_mark.index, value_node.end_mark.index, scalar(value)))
            after = value_node
        elif value is not None:
            at = _line_end(text, max(after.end_mark.index - 1, 0))
            prefix = "" if at == 0 or text[at - 1] == "\n" else "\n"
            inserts[at] = inserts.get(at, prefix) + f"{' ' * key_col}{key}: {scalar(value)}\n"
    edits += [(at, at, added) for at, added in inserts.items()]
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _append_item(text: str, document: yaml.MappingNode, sequence: yaml.SequenceNode, entry: dict) -> str:
    first = sequence.value[0]
    dash_col = max(first.start_mark.column - 2, 0)
    last = sequence.value[-1]
    end_node = last
    while isinstance(end_node, yaml.MappingNode | yaml.SequenceNode) and end_node.value and not end_node.flow_style:
        end_node = end_node.value[-1][1] if isinstance(end_node, yaml.MappingNode) else end_node.value[-1]
    insert_at = _line_end(text, max(end_node.end_mark.index - 1, 0))
    prefix = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    return text[:insert_at] + prefix + _render_entries([entry], dash_col=dash_col, top=False) + text[insert_at:]


def _render_entries(entries: list[dict], *, dash_col: int, top: bool = True) -> str:
    lines = ["policies:\n"] if top else []
    for entry in entries:
        for index, (key, value) in enumerate((k, v) for k, v in entry.items() if v is not None):
            lead = " " * dash_col + ("- " if index == 0 else "  ")
            lines.append(f"{lead}{key}: {scalar(value)}\n")
    return "".join(lines)


def _regenerated(text: str, *, match, values: dict, new_entry: dict) -> str:
    """The rare shapes edited in place would be fragile for (flow style, an empty
    list): load, change, dump. Comments are lost only then."""
    data = yaml.load(text, Loader=_Loader) if text.strip() else None
    data = data if isinstance(data, dict) else {}
    policies = data.get("policies") if isinstance(data.get("policies"), list) else []
    for policy in policies:
        if isinstance(policy, dict) and match({k: scalar(v) for k, v in policy.items() if not isinstance(v, list | dict)}):
            for key, value in values.items():
                if value is None:
                    policy.pop(key, None)
                else:
                    policy[key] = _native(value)
            break
    else:
        policies.append({k: _native(v) for k, v in new_entry.items() if v is not None})
    data["policies"] = policies
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def _native(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
