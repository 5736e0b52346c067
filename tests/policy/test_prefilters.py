"""Exact shortcuts in front of the detectors: decisions are the same with and without them.

Each shortcut is replaced by the plain scan it stands for (every secret needle looked for on its own;
quality-scorer's words and fences found with its regexes; every key hint and greeting of the name finder
looked for in the text; the numeric-run pattern run on a text without a digit) and every corpus text is evaluated both
ways, as a prompt and as an answer (against another corpus text as the question)."""

import json
import re
from pathlib import Path

import pytest

from keeptrusts.policy import Detectors, PolicySet
from keeptrusts.policy.detectors import injection, pii, pii_names, quality, secrets, textscan

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
CORPUS = [json.loads(line)["text"] for path in sorted(DATA.glob("**/*.jsonl")) for line in path.read_text().splitlines() if line.strip()]
EXTRA = [
    "Set `password = 'hunter2hunter2'` and AKIA" + "ABCDEFGHIJKLMNOP" + " in the env, then ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "```python\nprint('unclosed')\n",
    "Voici la réponse: le service est en panne depuis ce matin, et nous avons relancé le déploiement.",
    "Here is the answer in English, as you asked; the translation is below.",
]
EVERYTHING = """
policies:
  - {name: pii, type: pii-detector, action: redact}
  - {name: secrets, type: dlp-filter, action: redact, applies_to: both, custom_patterns: [{name: ticket, regex: "TT-[0-9]{4}"}]}
  - {name: content, type: content-filter, action: log, threshold: 0.3, categories: [harmful, biased, sexual]}
  - {name: quality, type: quality-scorer, action: log}
"""
POLICY_TEXTS = {"everything": EVERYTHING, "full-policy": (REPO / "examples" / "full-policy.yaml").read_text()}


def without_shortcuts(monkeypatch):
    """The plain scans the shortcuts stand for."""
    every_needle = {}

    def plain_groups(rules):
        if rules not in every_needle:
            every_needle[rules] = tuple(
                (("", tuple({n for r in rules if r.exact == exact for n in r.needles})),) for exact in (True, False))
        return every_needle[rules]

    monkeypatch.setattr(secrets, "_needle_groups", plain_groups)
    # The regex's words, as str, voted through the str-keyed index (an ASCII sample comes as bytes).
    monkeypatch.setattr(quality, "_words", lambda sample: quality._WORD.findall(
        (sample.decode() if isinstance(sample, bytes) else sample).lower()))
    monkeypatch.setattr(quality, "_ASCII_STOP_VOTES", quality._STOP_VOTES)
    # Without an ASCII text's word set the name finder looks for every key hint and greeting in the text.
    monkeypatch.setattr(pii_names, "words_of", lambda lowered: None)
    monkeypatch.setattr(pii, "_has_ascii_digit", lambda text: True)  # the numeric-run pattern on every text
    monkeypatch.setattr(quality, "_fence_count", lambda text: len(quality._FENCE.findall(text)))

    def plain_strip(text):
        parts = quality._FENCE.split(text)
        return " ".join(parts[i] for i in range(0, len(parts), 4))

    monkeypatch.setattr(quality, "_strip_code", plain_strip)


def snapshot(decision):
    return (decision.action, decision.entries(), [(r.name, r.action, r.score, r.findings, r.reasons, r.spans) for r in decision.results],
            decision.text, decision.excerpt(280))


def decisions(policies: PolicySet) -> list:
    out = []
    texts = CORPUS + EXTRA
    for index, text in enumerate(texts):
        question = texts[(index * 7 + 3) % len(texts)]
        out.append(snapshot(policies.evaluate_input([{"role": "user", "content": text}])))
        out.append(snapshot(policies.evaluate_output(text, prompt=[{"role": "user", "content": question}], finish_reason="stop")))
    return out


@pytest.mark.parametrize("policy_name", sorted(POLICY_TEXTS))
def test_every_corpus_text_gets_the_same_decision_with_and_without_the_shortcuts(policy_name, monkeypatch):
    policies = PolicySet.from_yaml(POLICY_TEXTS[policy_name], detectors=Detectors())
    fast = decisions(policies)
    with monkeypatch.context() as patched:
        without_shortcuts(patched)
        plain = decisions(policies)
    assert len(fast) > 2000
    assert fast == plain
    # The corpora exercise what the shortcuts skip: secrets found, fences counted, languages told apart.
    assert any(entry.type == "dlp-filter" and entry.findings for snap in fast for entry in snap[1]) or policy_name == "full-policy"
    assert any("language_mismatch" in entry.reasons for snap in fast for entry in snap[1])


def test_a_secret_needle_is_found_whatever_its_rarest_character():
    """Every needle of every rule, alone in prose, is seen by the grouped search."""
    for exact, groups in zip((True, False), secrets._needle_groups(secrets.RULES)):
        for rule in secrets.RULES:
            if rule.exact != exact:
                continue
            for needle in rule.needles:
                text = f"some prose, then {needle} and more prose"
                assert needle in secrets._needles_in(text if exact else text.lower(), groups)


# Long texts (the shortcuts below take effect from WORD_TEXT_FROM characters):
# the labelled corpora, outside the evaluation-only set, joined a hundred rows at a time.
LABELLED = [json.loads(line)["text"] for path in sorted(DATA.glob("*.jsonl")) + sorted(DATA.glob("train/*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()]
# A short tail (when the corpus size leaves one) is dropped: the shortcuts would not be in effect.
LONG = [text for text in ("\n\n".join(LABELLED[start:start + 100]) for start in range(0, len(LABELLED), 100 * 5))
        if len(text) > textscan.WORD_TEXT_FROM]


def without_long_text_shortcuts(monkeypatch):
    """Letters-only needles looked for in the text itself, nothing remembered."""
    for module in (pii_names, injection, secrets):
        monkeypatch.setattr(module, "WORD_TEXT_FROM", float("inf"))
    monkeypatch.setattr(textscan, "_MEMO_FROM", float("inf"))


@pytest.mark.parametrize("policy_name", sorted(POLICY_TEXTS))
def test_long_texts_get_the_same_decision_with_and_without_the_long_text_shortcuts(policy_name, monkeypatch):
    policies = PolicySet.from_yaml(POLICY_TEXTS[policy_name], detectors=Detectors())

    def run():
        return [snapshot(policies.evaluate_input([{"role": "user", "content": text}])) for text in LONG] + [
            snapshot(policies.evaluate_output(text, prompt="Summarise this.", finish_reason="stop")) for text in LONG]

    fast = run()
    with monkeypatch.context() as patched:
        without_long_text_shortcuts(patched)
        plain = run()
    assert len(LONG) >= 12 and min(map(len, LONG)) > textscan.WORD_TEXT_FROM
    assert fast == plain
    # The long texts hold what the shortcuts look for: names, secrets and numbers, and they do not all pass.
    assert any(entry.type == "pii-detector" and entry.findings for snap in fast for entry in snap[1])
    assert any(entry.type in ("prompt-injection", "content-filter") and entry.action != "allow" for snap in fast for entry in snap[1])
