"""What detectors return. Shared by every detector module and the evaluator.

Offsets count Unicode code points (Python string indices). A Span's `type` is
an entity type (`email`, `phone`, `name`, `financial`, `national_id`,
`ip_address`), a secret detector name (`aws_access_key`, …) or a content
category (`violence`, …). Spans stay inside the policy engine and
`kt policy test`; events carry counts only.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    type: str
    score: float = 1.0


@dataclass(slots=True)
class DetectorResult:
    spans: list[Span] = field(default_factory=list)
    # 0–1 for scoring detectors (prompt-injection, content-filter, quality-scorer).
    score: float = 0.0
    # Per-category scores (content-filter) or per-signal scores (injection).
    scores: dict[str, float] = field(default_factory=dict)
    # Named reasons ("refusal", "instruction_override", …), never raw text.
    reasons: list[str] = field(default_factory=list)
