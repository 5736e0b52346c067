"""The streaming output guard: entities split across chunks are still caught."""

import pytest

from keeptrusts.policy import PolicySet
from keeptrusts.policy.stream import hold_start

from .conftest import FULL, TEST_DETECTORS


def stream(guard, chunks):
    sent = [guard.feed(chunk) for chunk in chunks]
    tail, decision = guard.finish("stop")
    return "".join(sent) + tail, decision


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_an_email_split_across_chunks_never_leaves_unredacted(policy_set, size):
    text = "Contact Alice Smith at alice@example.com today, or Bob Jones.\nThanks!"
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    guard = policy_set.output_guard()
    pieces = [guard.feed(chunk) for chunk in chunks]
    tail, decision = guard.finish("stop")
    sent = "".join(pieces) + tail
    assert sent == "Contact [NAME_1] at [EMAIL_1] today, or [NAME_2].\nThanks!"
    assert not any("alice@" in piece or "Smith" in piece for piece in pieces)
    pii = next(r for r in decision.results if r.name == "pii")
    assert pii.findings == {"name": 2, "email": 1}
    assert decision.action == "redact" and decision.text == sent


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u202f", " \u00a0 "])
def test_unicode_spaces_between_words_stream_and_redact(policy_set, space):
    # A no-break or em space before the last word used to raise IndexError in the hold-back scan.
    text = f"Contact Alice{space}Smith at alice@example.com or Bob{space}Jones today.\nThanks!"
    whole = policy_set.evaluate_output(text).text
    assert "[EMAIL_1]" in whole
    for size in (1, 4, 9):
        sent, decision = stream(policy_set.output_guard(), [text[i:i + size] for i in range(0, len(text), size)])
        assert sent == whole and decision.action == "redact"


@pytest.mark.parametrize("text, held", [("hello\u00a0World", "World"), ("a\u2028Bob", "Bob"), ("call Ann\u00a0Lee", "Ann\u00a0Lee")])
def test_hold_start_reads_unicode_spaces_and_line_separators(text, held):
    assert text[hold_start(text, 0):] == held


def test_plain_text_is_not_held_back(policy_set):
    guard = policy_set.output_guard()
    assert guard.feed("the answer is ") == "the answer is "
    assert guard.feed("to use a ") == "to use a "


def test_stream_keeps_input_placeholders(policy_set):
    decision = policy_set.evaluate_input("mail carol@example.org")
    sent, _ = stream(policy_set.output_guard(placeholders=decision.placeholders), ["ok carol@exa", "mple.org done. "])
    assert sent == "ok [EMAIL_1] done. "


def test_content_block_ends_the_stream(policy_set):
    guard = policy_set.output_guard()
    assert guard.feed("Here is how ") == "Here is how "
    assert guard.feed("to kill everyone in the room. ") == ""
    assert guard.blocked and guard.blocked_by.name == "content"
    assert guard.feed("more text") == ""
    _, decision = guard.finish("stop")
    assert decision.action == "block"


def test_whole_answer_policies_run_at_finish(policy_set):
    sent, decision = stream(policy_set.output_guard(), ["I'm sorry, but I ", "can't help with that."])
    quality = next(r for r in decision.results if r.type == "quality-scorer")
    assert quality.action == "escalate" and "refusal" in quality.reasons


def test_flush_releases_held_text(policy_set):
    guard = policy_set.output_guard()
    assert guard.feed("Hello Alice") == ""
    assert guard.held == len("Hello Alice")
    assert guard.flush() == "Hello Alice"


def test_without_output_stream_policies_text_passes_straight_through():
    policy_set = PolicySet.from_yaml("policies:\n  - {name: q, type: quality-scorer}\n", detectors=TEST_DETECTORS)
    guard = policy_set.output_guard()
    assert guard.feed("Alice") == "Alice"


@pytest.mark.parametrize("text, held", [
    ("Please contact John", "John"),
    ("Call +1 415 555", "Call +1 415 555"),
    ("it is done. ", ""),
    ("line one\nAlice Smith ", "Alice Smith "),
    ("write to bob@", "bob@"),
])
def test_hold_start_holds_only_what_could_still_be_an_entity(text, held):
    assert text[hold_start(text, 0):] == held


def test_holdback_is_bounded_on_text_without_spaces():
    text = "x" * 10_000
    assert hold_start(text, len(text) - 160) == len(text) - 160
