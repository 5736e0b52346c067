"""Typed placeholders: `[EMAIL_1]`, `[NAME_2]`, `[SECRET_1]` …

One `Placeholders` object lives for one request: it numbers values per label
in order of first appearance and gives the same value the same placeholder,
in the input and in the output of that request alike. It holds raw values in
memory only for the request's lifetime; nothing of it is logged or stored.
"""

from __future__ import annotations

from keeptrusts.policy.schema import placeholder_label
from keeptrusts.policy.types import Span


class Placeholders:
    __slots__ = ("_by_value", "_counts")

    def __init__(self):
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def for_value(self, span_type: str, value: str) -> str:
        label = placeholder_label(span_type)
        key = (label, _normalise(label, value))
        placeholder = self._by_value.get(key)
        if placeholder is None:
            number = self._counts.get(label, 0) + 1
            self._counts[label] = number
            placeholder = self._by_value[key] = f"[{label}_{number}]"
        return placeholder

    def __len__(self) -> int:
        return len(self._by_value)


def _normalise(label: str, value: str) -> str:
    value = value.strip()
    if label == "EMAIL":
        return value.lower()
    if label in ("PHONE", "FINANCIAL", "NATIONAL_ID"):
        # "+1 415-555-0100" and "+14155550100" are the same number.
        return "".join(ch for ch in value if ch.isalnum())
    return value


def non_overlapping(spans) -> list[Span]:
    """Spans sorted by start; of overlapping spans the earlier, then the longer, wins."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    end = -1
    for span in ordered:
        if span.start >= end and span.end > span.start:
            kept.append(span)
            end = span.end
    return kept


def redact(text: str, spans, placeholders: Placeholders, offset: int = 0) -> str:
    """Replace each span (offsets relative to `offset`) with its placeholder."""
    spans = non_overlapping(spans)
    if not spans:
        return text
    parts = []
    position = 0
    for span in spans:
        start, end = span.start - offset, span.end - offset
        if start < position or end > len(text) or start < 0:
            continue  # outside this piece of text
        parts.append(text[position:start])
        parts.append(placeholders.for_value(span.type, text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)
