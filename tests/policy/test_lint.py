"""The loader and `load()` as `kt policy lint` and the Console editor see them."""

from pathlib import Path

import pytest

from keeptrusts.policy import load, load_bytes

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def codes(result):
    return [(p.line, p.code) for p in result.errors]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_lint_without_errors_or_warnings(path):
    result = load(path.read_text(), path.name)
    assert result.errors == [] and result.warnings == []
    assert result.policies


def test_examples_are_all_there():
    assert {p.name for p in EXAMPLES} >= {"team-policy.yaml", "team-budget.yaml", "full-policy.yaml"}


def test_a_misspelt_type_gets_position_policy_name_and_suggestion():
    text = "policies:\n  - name: team-pii\n    type: pii-detecter\n    action: redact\n"
    [problem] = load(text, "team.yaml").errors
    assert (problem.file, problem.line, problem.col, problem.policy) == ("team.yaml", 3, 11, "team-pii")
    assert str(problem) == ("team.yaml:3:11: error: policy 'team-pii': unknown type 'pii-detecter'; "
                            "did you mean 'pii-detector'? [unknown-type]")


def test_every_problem_is_reported_at_once():
    text = """\
version: 3
allowed_modls: [gpt-4o]
policies:
  - name: a
    type: pii-detector
    entity_types: [emial, phone]
    action: redakt
  - name: a
    type: content-filter
    categories: [nsfw]
    action: redact
    threshold: 1.5
  - name: b
    type: cost_limit
    monthly_limit: "lots"
    applies_to: input
  - name: c
    type: rate_limit
  - name: d
    type: dlp-filter
    custom_patterns: [{name: x, regex: "([a-"}]
    min_score: 0.2
    enabled: maybe
"""
    result = load(text, "t.yaml")
    assert codes(result) == [
        (1, "invalid-value"), (2, "unknown-key"), (6, "unknown-entity-type"), (7, "unsupported-action"),
        (8, "duplicate-name"), (10, "unknown-category"), (11, "unsupported-action"), (12, "out-of-range"),
        (15, "wrong-type"), (16, "unknown-key"), (17, "missing-key"), (21, "invalid-regex"), (22, "unknown-key"),
        (23, "wrong-type"),
    ]
    by_line = {p.line: p for p in result.errors}
    assert by_line[6].hint.startswith("did you mean 'email'?")
    assert "does not support action 'redact'" in by_line[11].message
    assert "belongs to quality-scorer" in by_line[22].hint
    assert result.policies == []


def test_duplicate_yaml_keys_are_an_error_not_silently_the_last():
    text = "policies:\n  - name: a\n    type: prompt-injection\n    threshold: 0.2\n    threshold: 0.9\n"
    assert codes(load(text)) == [(5, "duplicate-key")]


@pytest.mark.parametrize("text, code", [
    ("", "missing-key"),
    ("policies: [\n", "invalid-yaml"),
    ("just some words", "not-a-mapping"),
    ("- a\n- b\n", "not-a-mapping"),
    ("allowed_models: [gpt-4o]\n", "missing-key"),
    ("policies: {name: a}\n", "wrong-type"),
])
def test_files_that_are_not_policy_files_get_one_clear_error(text, code):
    assert [p.code for p in load(text).errors] == [code]


def test_binary_files_are_reported_not_crashed_on():
    assert [p.code for p in load_bytes(b"\x89PNG\r\n\x1a\n\x00\x00").errors] == ["not-yaml"]


def test_block_on_a_whole_answer_output_type_is_a_warning_not_an_error():
    text = "policies:\n  - name: q\n    type: quality-scorer\n    action: block\n"
    result = load(text)
    assert result.ok
    assert [(p.line, p.code) for p in result.warnings] == [(4, "block-after-stream")]


def test_block_on_streamable_types_is_not_warned():
    text = "policies:\n  - name: c\n    type: content-filter\n    action: block\n    applies_to: both\n"
    assert load(text).warnings == []


def test_defaults_come_from_the_type_table():
    text = ("policies:\n  - {name: p, type: pii-detector}\n  - {name: i, type: prompt-injection}\n"
            "  - {name: q, type: quality-scorer}\n  - {name: r, type: rate_limit, tokens_per_minute: 1000}\n")
    pii, injection, quality, rate = load(text).policies
    assert (pii.action, pii.phases, len(pii.options["entity_types"])) == ("redact", {"input", "output"}, 6)
    assert (injection.action, injection.phases, injection.options["threshold"]) == ("block", {"input"}, 0.5)
    assert (quality.action, quality.phases) == ("escalate", {"output"})
    assert (rate.action, rate.phases, rate.options["scope"]) == ("block", frozenset(), "key")


def test_allowed_models_take_names_and_globs():
    result = load("allowed_models: [gpt-4o, 'claude-*']\npolicies: []\n")
    assert result.allowed_models == ("gpt-4o", "claude-*")
    assert [p.code for p in result.warnings] == ["empty-policies"]


def test_custom_patterns_compile_and_empty_matching_patterns_are_rejected():
    good = "policies:\n  - name: d\n    type: dlp-filter\n    custom_patterns: [{name: ticket, regex: 'TT-[0-9]{6}'}]\n"
    [policy] = load(good).policies
    assert policy.options["custom_patterns"][0][1].fullmatch("TT-123456")
    bad = good.replace("TT-[0-9]{6}", "[0-9]*")
    assert [p.code for p in load(bad).errors] == ["invalid-regex"]


def test_quality_scorer_only_applies_to_output():
    text = "policies:\n  - name: q\n    type: quality-scorer\n    applies_to: input\n"
    [problem] = load(text).errors
    assert (problem.line, problem.code) == (4, "invalid-value")
    assert "output" in problem.hint


def test_unknown_secret_detector_names_get_a_suggestion():
    text = "policies:\n  - name: d\n    type: dlp-filter\n    detectors: [github_tokn, jwt]\n"
    [problem] = load(text).errors
    assert (problem.line, problem.col, problem.code) == (4, 17, "unknown-detector")
    assert problem.hint.startswith("did you mean 'github_token'?")


def test_tabs_get_a_hint_about_spaces():
    [problem] = load("policies:\n  - name: a\n\ttype: pii-detector\n").errors
    assert (problem.line, problem.code) == (3, "invalid-yaml")
    assert problem.hint == "indent with spaces: YAML does not allow tabs"
