"""The streaming output guard: redact and block a response while it streams.

    guard = policy_set.output_guard(prompt=messages, placeholders=input_decision.placeholders)
    for delta in upstream_deltas:
        text = guard.feed(delta)          # what may be sent now (redacted)
        if guard.blocked:                 # end the stream with an error event
            break
        send(text)
    tail, decision = guard.finish(finish_reason)   # rest of the text + the output Decision

What is held back: the trailing tokens that could still grow into an entity —
the unfinished last token, and before it any run of tokens that look like
part of one (capitalised words, digits, `@`, `+`, brackets), never across a
newline and never more than `MAX_HOLD` characters. Everything before that is
scanned (with `LOOKBACK` characters of already-sent context so greetings and
labels still count) and released; an entity reaching into the held part moves
the release point back to its start. `flush()` releases the held part anyway —
the gateway calls it when a time cap passes without new text.

Types that judge the whole answer (`quality-scorer`, `prompt-injection` on
output) run in `finish()`; a `block` from them can only end the stream after
the text was sent (lint warns about it).
"""

from __future__ import annotations

from keeptrusts import wire
from keeptrusts.policy.evaluate import Decision, PolicyResult, content_findings, sensitive_gaps
from keeptrusts.policy.redaction import Placeholders, non_overlapping, redact
from keeptrusts.policy.schema import POLICY_TYPES
from keeptrusts.policy.types import Span

LOOKBACK = 96
MAX_HOLD = 160
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines' boundaries
_TITLES = frozenset({"mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "sra.", "mme.", "hr.", "fr."})


def hold_start(text: str, floor: int) -> int:
    """Where the held-back suffix of `text` begins (never before `floor`)."""
    position = len(text)
    # The last token may still be growing, whatever it looks like.
    while position > floor and not text[position - 1].isspace():
        position -= 1
    while position > floor:
        j = position
        while j > floor and text[j - 1].isspace() and text[j - 1] not in _LINE_BREAKS:
            j -= 1  # spaces of any kind: a no-break space is one too ("+1\u00a0415 …")
        if j == floor or text[j - 1] in _LINE_BREAKS:
            return position  # names, numbers and addresses do not cross a line break
        k = j
        while k > floor and not text[k - 1].isspace():
            k -= 1
        if not _may_continue_entity(text[k:j]):
            return position
        position = k
    return max(position, floor)


def _may_continue_entity(token: str) -> bool:
    if token.lower() in _TITLES:
        return True
    if token[-1] in ".,;!?:":
        return False
    first = next((ch for ch in token if ch.isalnum()), "")
    if not first:
        return token in ("+", "-", "(", ")", "–", "/")
    return first.isupper() or any(ch.isdigit() or ch == "@" for ch in token)


class OutputGuard:
    def __init__(self, policy_set, *, prompt=None, response_format=None, placeholders: Placeholders | None = None):
        self.policy_set = policy_set
        self.placeholders = placeholders if placeholders is not None else Placeholders()
        self.prompt = prompt
        self.response_format = response_format
        output = policy_set.policies_for("output")
        self._streamed = [p for p in output if not POLICY_TYPES[p.type].whole_answer]
        self._whole = [p for p in output if POLICY_TYPES[p.type].whole_answer]
        self._text = ""
        self._emitted = 0
        self._out: list[str] = []
        self._spans: dict[str, list[Span]] = {p.name: [] for p in self._streamed}
        self._scores: dict[str, float] = {}
        self._categories: dict[str, set[str]] = {p.name: set() for p in self._streamed}
        self._failed: dict[str, PolicyResult] = {}
        self.blocked_by: PolicyResult | None = None

    @property
    def blocked(self) -> bool:
        return self.blocked_by is not None

    @property
    def held(self) -> int:
        """Characters received but not yet released."""
        return len(self._text) - self._emitted

    def feed(self, delta: str) -> str:
        """Add a text delta; return the (redacted) text that may be sent now ('' when blocked)."""
        if self.blocked or not delta:
            return ""
        self._text += delta
        if not self._streamed:
            return self._release_plain(len(self._text))
        boundary = hold_start(self._text, max(self._emitted, len(self._text) - MAX_HOLD))
        if boundary <= self._emitted:
            return ""
        return self._release(boundary, final=False)

    def flush(self) -> str:
        """Release the held-back text now (the gateway's time cap)."""
        if self.blocked or self.held == 0:
            return ""
        return self._release(len(self._text), final=True) if self._streamed else self._release_plain(len(self._text))

    def finish(self, finish_reason: str | None = None) -> tuple[str, Decision]:
        """Release the rest and judge the whole answer; returns (tail text, output Decision)."""
        tail = self.flush()
        context = {"prompt": self.prompt, "finish_reason": finish_reason, "response_format": self.response_format}
        results = [self._streamed_result(p) for p in self._streamed]
        results += [self.policy_set.run_policy(p, self._text, "output", context) for p in self._whole]
        action = wire.strongest_action(r.action for r in results)
        sensitive = [s for p in self._streamed if p.type in ("pii-detector", "dlp-filter") for s in self._spans[p.name]]
        decision = Decision("output", action, results, self.placeholders, "".join(self._out), None,
                            self._text, sensitive, self.policy_set.detectors,
                            sensitive_gaps(self._streamed, results))
        return tail, decision

    # -- internals ---------------------------------------------------------
    def _release_plain(self, boundary: int) -> str:
        piece = self._text[self._emitted:boundary]
        self._emitted = boundary
        self._out.append(piece)
        return piece

    def _release(self, boundary: int, final: bool) -> str:
        start = max(0, self._emitted - LOOKBACK)
        window = self._text[start:]
        runs = []
        for policy in self._streamed:
            result = self.policy_set.run_policy(policy, window, "output")
            if result.error:
                self._failed[policy.name] = result
                self.blocked_by = result
                return ""
            spans = [Span(s.start + start, s.end + start, s.type, s.score) for s in result.spans]
            if not final:
                for span in spans:
                    if self._emitted <= span.start < boundary < span.end:
                        boundary = span.start  # an entity reaches into the held part: hold all of it
            runs.append((policy, result, spans))
        to_redact: list[Span] = []
        for policy, result, spans in runs:
            if policy.type == "content-filter":
                self._scores[policy.name] = max(self._scores.get(policy.name, 0.0), result.score or 0.0)
                self._categories[policy.name].update(result.findings)
                if result.findings and policy.action == "block":
                    self.blocked_by = self._streamed_result(policy)
                    return ""
                continue
            new = [s for s in spans if s.start >= self._emitted and s.end <= boundary]
            if not new:
                continue
            self._spans[policy.name].extend(new)
            if policy.action == "block":
                self.blocked_by = self._streamed_result(policy)
                return ""
            if policy.action == "redact":
                to_redact.extend(new)
        if boundary <= self._emitted:
            return ""
        piece = self._text[self._emitted:boundary]
        if to_redact:
            piece = redact(piece, non_overlapping(to_redact), self.placeholders, offset=self._emitted)
        self._emitted = boundary
        self._out.append(piece)
        return piece

    def _streamed_result(self, policy) -> PolicyResult:
        if policy.name in self._failed:
            return self._failed[policy.name]
        if policy.type == "content-filter":
            categories = self._categories[policy.name]
            return PolicyResult(policy.name, policy.type, policy.action if categories else "allow", "output",
                                score=round(self._scores.get(policy.name, 0.0), 4),
                                findings={c: 1 for c in sorted(categories)})
        spans = self._spans[policy.name]
        findings: dict[str, int] = {}
        for span in spans:
            findings[span.type] = findings.get(span.type, 0) + 1
        return PolicyResult(policy.name, policy.type, policy.action if spans else "allow", "output",
                            findings=findings, spans=list(spans))


