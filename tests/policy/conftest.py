"""Small, real detectors for evaluator tests, injected through `Detectors` so these tests
exercise the evaluator alone; the real detectors have their own tests under detectors/."""

import re

import pytest

from keeptrusts.policy import Detectors, PolicySet
from keeptrusts.policy.types import DetectorResult, Span

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+\w")
NAME = re.compile(r"\b(?:Alice Smith|Bob Jones)\b")
SECRET = re.compile(r"\bsk_live_[A-Za-z0-9]{8,}")


def pii_detect(text, entity_types):
    spans = []
    if "email" in entity_types:
        spans += [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    if "name" in entity_types:
        spans += [Span(m.start(), m.end(), "name") for m in NAME.finditer(text)]
    return DetectorResult(spans=spans)


def secrets_detect(text, detectors=None, custom_patterns=()):
    spans = [Span(m.start(), m.end(), "stripe_key") for m in SECRET.finditer(text)]
    for name, pattern in custom_patterns:
        spans += [Span(m.start(), m.end(), name) for m in pattern.finditer(text)]
    return DetectorResult(spans=spans)


def injection_detect(text):
    if "ignore previous instructions" in text.lower():
        return DetectorResult(score=0.9, reasons=["instruction_override"])
    return DetectorResult(score=0.0)


def content_detect(text, categories):
    scores = {c: 0.0 for c in categories}
    if "violence" in categories and "kill" in text.lower():
        scores["violence"] = 0.8
    return DetectorResult(score=max(scores.values(), default=0.0), scores=scores)


TEST_DETECTORS = Detectors(pii=pii_detect, secrets=secrets_detect, injection=injection_detect, content=content_detect)

FULL = """
allowed_models: [gpt-4o, "gpt-4o-mini*"]
policies:
  - name: quality
    type: quality-scorer
    min_score: 0.7
    action: escalate
  - name: content
    type: content-filter
    categories: [harmful]
    action: block
  - name: pii
    type: pii-detector
    action: redact
    entity_types: [name, email]
  - name: injection
    type: prompt-injection
    action: block
  - name: secrets
    type: dlp-filter
    action: redact
  - name: budget
    type: cost_limit
    monthly_limit: 100
    alert_at: 0.8
  - name: rate
    type: rate_limit
    requests_per_minute: 2
"""


@pytest.fixture
def policy_set():
    return PolicySet.from_yaml(FULL, filename="team.yaml", detectors=TEST_DETECTORS)
