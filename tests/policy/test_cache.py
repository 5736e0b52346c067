"""The detection cache: a decision is the same with and without it; it is bounded and holds no text."""

import json
import random
from pathlib import Path

import pytest

from keeptrusts.gateway.mock_upstream import REPLIES
from keeptrusts.policy import Detectors, PolicySet
from keeptrusts.policy.cache import DetectionCache, text_digest
from keeptrusts.policy.types import DetectorResult, Span

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
CORPUS = [json.loads(line)["text"] for path in sorted(DATA.glob("*.jsonl")) for line in path.read_text().splitlines() if line.strip()]

# Every detector acts or reports, so a difference anywhere shows in the decision.
EVERYTHING = """
policies:
  - {name: pii, type: pii-detector, action: redact}
  - {name: secrets, type: dlp-filter, action: redact, custom_patterns: [{name: ticket, regex: "TT-[0-9]{4}"}]}
  - {name: injection, type: prompt-injection, action: log, threshold: 0.3}
  - {name: content, type: content-filter, action: log, threshold: 0.3, categories: [harmful, biased, sexual]}
  - {name: names-only, type: pii-detector, action: log, entity_types: [name], applies_to: both}
"""
POLICY_TEXTS = {"everything": EVERYTHING, "full-policy": (REPO / "examples" / "full-policy.yaml").read_text()}
SYSTEM = "You are the support assistant of Acme. Escalate billing questions to Maria Garcia (maria.garcia@acme.example)."


def snapshot(decision):
    """Everything a user or an event could notice about a decision."""
    return {
        "action": decision.action,
        "entries": decision.entries(),
        "results": [(r.name, r.action, r.score, r.findings, r.reasons, r.spans, r.error) for r in decision.results],
        "text": decision.text,
        "messages": decision.messages,
        "placeholders": len(decision.placeholders),
        "excerpt": decision.excerpt(280),
    }


@pytest.fixture(params=sorted(POLICY_TEXTS))
def pair(request):
    text = POLICY_TEXTS[request.param]
    uncached = PolicySet.from_yaml(text, detectors=Detectors())
    cached = PolicySet.from_yaml(text, detectors=Detectors(cache=DetectionCache(max_entries=20_000)))
    return uncached, cached


def test_every_corpus_text_gets_the_same_decision_from_a_miss_and_from_a_hit(pair):
    uncached, cached = pair
    for text in CORPUS:
        expected = snapshot(uncached.evaluate_input([{"role": "user", "content": text}]))
        assert snapshot(cached.evaluate_input([{"role": "user", "content": text}])) == expected  # miss
        assert snapshot(cached.evaluate_input([{"role": "user", "content": text}])) == expected  # hit
    stats = cached.detectors.cache.stats()
    assert stats["hits"] >= stats["misses"] > 0


def chats(seed: int, count: int, turns: int):
    """Conversations built from the corpora: a system prompt, user turns, answers that sometimes carry PII."""
    rng = random.Random(seed)
    for _ in range(count):
        history = [{"role": "system", "content": SYSTEM}]
        for _ in range(turns):
            history.append({"role": "user", "content": rng.choice(CORPUS)})
            yield list(history)
            answer = rng.choice(CORPUS) if rng.random() < 0.3 else rng.choice(REPLIES)
            history.append({"role": "assistant", "content": answer})


def test_multi_turn_chats_get_the_same_decisions_placeholders_and_answers_with_the_cache(pair):
    uncached, cached = pair
    for messages in chats(seed=5, count=60, turns=8):
        expected = uncached.evaluate_input(messages)
        got = cached.evaluate_input(messages)
        assert snapshot(got) == snapshot(expected)
        # The answer keeps the input's placeholder numbers either way.
        answer = "Sure, I wrote to maria.garcia@acme.example and to " + messages[-1]["content"][:200]
        expected_out = uncached.evaluate_output(answer, prompt=messages, finish_reason="stop", placeholders=expected.placeholders)
        got_out = cached.evaluate_output(answer, prompt=messages, finish_reason="stop", placeholders=got.placeholders)
        assert snapshot(got_out) == snapshot(expected_out)


def test_a_small_cache_that_keeps_evicting_changes_no_decision():
    uncached = PolicySet.from_yaml(EVERYTHING, detectors=Detectors())
    cache = DetectionCache(max_entries=7)
    cached = PolicySet.from_yaml(EVERYTHING, detectors=Detectors(cache=cache))
    for messages in chats(seed=11, count=20, turns=6):
        assert snapshot(cached.evaluate_input(messages)) == snapshot(uncached.evaluate_input(messages))
    assert cache.stats()["entries"] <= 7


def test_a_turn_scans_only_the_messages_it_has_not_sent_before():
    calls = []

    def pii(text, entity_types):
        calls.append(text)
        return DetectorResult()

    policy_set = PolicySet.from_yaml("policies:\n  - {name: pii, type: pii-detector, action: redact}\n",
                                     detectors=Detectors(cache=DetectionCache(), pii=pii))
    history = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "first question"}]
    policy_set.evaluate_input(history)
    history += [{"role": "assistant", "content": "first answer"}, {"role": "user", "content": "second question"}]
    policy_set.evaluate_input(history)
    assert calls == [SYSTEM, "first question", "first answer", "second question"]


def test_each_message_is_scanned_on_its_own_and_findings_keep_joined_offsets():
    seen = []

    def pii(text, entity_types):
        seen.append(text)
        start = text.find("bob@example.com")
        return DetectorResult(spans=[Span(start, start + 15, "email")] if start >= 0 else [])

    policy_set = PolicySet.from_yaml("policies:\n  - {name: pii, type: pii-detector, action: redact}\n", detectors=Detectors(pii=pii))
    decision = policy_set.evaluate_input([{"role": "user", "content": "hello"}, {"role": "user", "content": "mail bob@example.com"}])
    assert seen == ["hello", "mail bob@example.com"]
    assert decision.text == "hello\n\nmail [EMAIL_1]"
    assert decision.messages[1]["content"] == "mail [EMAIL_1]"
    assert decision.results[0].spans == [Span(12, 27, "email")]


def test_a_conversation_is_scored_by_its_riskiest_message():
    def injection(text):
        weight = {"a": 0.4, "b": 0.45}.get(text, 0.0)
        return DetectorResult(score=weight, scores={"override": weight} if weight else {}, reasons=["override"] if weight else [])

    policy_set = PolicySet.from_yaml("policies:\n  - {name: inj, type: prompt-injection, action: block}\n",
                                     detectors=Detectors(injection=injection))
    decision = policy_set.evaluate_input([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])
    assert decision.action == "allow"  # 0.4 and 0.45 in two messages do not add up to the 0.5 threshold
    assert decision.results[0].score == 0.45 and decision.results[0].reasons == ["override"]


def test_the_output_phase_is_not_cached():
    cache = DetectionCache()
    policy_set = PolicySet.from_yaml(EVERYTHING, detectors=Detectors(cache=cache))
    policy_set.evaluate_output(REPLIES[0])
    policy_set.evaluate_output(REPLIES[0])
    assert cache.stats() == {"entries": 0, "weight": 0, "hits": 0, "misses": 0, "max_entries": cache.max_entries}


def test_keys_hold_a_digest_never_the_text():
    cache = DetectionCache()
    secret_prompt = "my card is 4111 1111 1111 1111 and my email is carol@example.com"
    PolicySet.from_yaml(EVERYTHING, detectors=Detectors(cache=cache)).evaluate_input(secret_prompt)
    keys = list(cache._entries)
    assert keys and all(text_digest(secret_prompt) in key for key in keys)
    assert not any(secret_prompt in repr(key) or "carol" in repr(key) or "4111" in repr(key) for key in keys)
    assert not any("carol" in repr(value) for value, _ in cache._entries.values())


def test_the_cache_is_bounded_by_entries_weight_and_text_size():
    cache = DetectionCache(max_entries=3, max_weight=5, max_text_chars=10)
    for i in range(5):
        cache.result(("k", i), lambda: DetectorResult())
    assert cache.stats()["entries"] == 3
    assert ("k", 0) not in cache._entries and ("k", 4) in cache._entries  # least recently used out first
    cache.result(("spans",), lambda: DetectorResult(spans=[Span(0, 1, "email")] * 3))  # weight 4
    assert cache.stats()["weight"] <= 5
    assert not cache.caches("x" * 11) and cache.caches("x" * 10)
    cache.resize(0)
    assert cache.stats()["entries"] == 0 and not cache.caches("x")


def test_a_failing_detector_is_not_remembered_and_fails_closed_each_time():
    calls = []

    def broken(text, entity_types):
        calls.append(text)
        raise RuntimeError("boom")

    policy_set = PolicySet.from_yaml("policies:\n  - {name: pii, type: pii-detector, action: redact}\n",
                                     detectors=Detectors(cache=DetectionCache(), pii=broken))
    for _ in range(2):
        decision = policy_set.evaluate_input("alice@example.com")
        assert decision.action == "block" and decision.results[0].error == "RuntimeError"
    assert len(calls) == 2


def test_policies_configured_differently_do_not_share_results():
    names_only = "policies:\n  - {name: p, type: pii-detector, action: redact, entity_types: [name]}\n"
    emails_only = "policies:\n  - {name: p, type: pii-detector, action: redact, entity_types: [email]}\n"
    cache = DetectionCache()
    text = "Write to Maria Garcia at maria@example.com"
    first = PolicySet.from_yaml(names_only, detectors=Detectors(cache=cache)).evaluate_input(text)
    second = PolicySet.from_yaml(emails_only, detectors=Detectors(cache=cache)).evaluate_input(text)
    assert first.text == "Write to [NAME_1] at maria@example.com"
    assert second.text == "Write to Maria Garcia at [EMAIL_1]"


def test_a_repeated_prompt_gets_every_policys_result_from_one_entry():
    from keeptrusts.policy.detectors import pii, secrets

    calls = []

    def counted(detect):
        def scan(text, *arguments):
            calls.append(detect.__module__)
            return detect(text, *arguments)
        return scan

    cache = DetectionCache()
    policy_set = PolicySet.from_yaml("policies:\n  - {name: pii, type: pii-detector, action: redact}\n"
                                     "  - {name: secrets, type: dlp-filter, action: block}\n",
                                     detectors=Detectors(cache=cache, pii=counted(pii.detect), secrets=counted(secrets.detect)))
    prompt = "Ask Maria Garcia (maria@example.com) for the staging token."
    first = snapshot(policy_set.evaluate_input(prompt))
    entries = cache.stats()["entries"]
    assert len(calls) == 2 and entries == 3  # each detector's result, and both policies' results together
    assert snapshot(policy_set.evaluate_input(prompt)) == first
    assert len(calls) == 2 and cache.stats()["entries"] == entries
    assert cache.stats()["hits"] == 2  # one lookup, counted as the two scans it saved
    assert first["text"] == "Ask [NAME_1] ([EMAIL_1]) for the staging token."
