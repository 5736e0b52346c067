"""docs/policies.md documents every type, key, detector name and lint code the engine has."""

from pathlib import Path

import pytest

from keeptrusts.policy.loader import LINT_CODES, LINT_WARNINGS
from keeptrusts.policy.schema import COMMON_KEYS, CONTENT_CATEGORIES, ENTITY_TYPES, POLICY_TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()

NAMES = (
    [f"`{t}`" for t in POLICY_TYPES]
    + [f"`{k}`" for t in POLICY_TYPES.values() for k in t.keys]
    + [f"`{k}`" for k in COMMON_KEYS]
    + [f"`{e}`" for e in ENTITY_TYPES]
    + [f"`{c}`" for c in CONTENT_CATEGORIES]
    + [f"| `{c}` |" for c in list(LINT_CODES) + list(LINT_WARNINGS)]
)


@pytest.mark.parametrize("name", NAMES)
def test_policies_doc_mentions(name):
    assert name in DOC


def test_every_secret_detector_name_is_documented():
    from keeptrusts.policy.detectors import secrets

    assert [n for n in secrets.DETECTORS if f"`{n}`" not in DOC] == []
