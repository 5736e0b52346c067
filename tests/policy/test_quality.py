"""quality-scorer: named reasons for the answers a reviewer would flag."""

import json

import pytest

from keeptrusts.policy.detectors.quality import detect, language_of


def reasons(text, **kw):
    return detect(text, **kw).reasons


def test_a_good_answer_scores_one():
    result = detect("Use `sorted(items, key=len)`; it returns a new list.", prompt="How do I sort by length?")
    assert (result.score, result.reasons) == (1.0, [])


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_answers_score_zero(text):
    assert detect(text).score == 0.0 and reasons(text) == ["empty"]


def test_truncated_answers_are_flagged():
    assert reasons("The first step is", finish_reason="length") == ["truncated"]


@pytest.mark.parametrize("text", [
    "I'm sorry, but I can't help with that.",
    "I cannot assist with that request.",
    "As an AI language model, I cannot browse the internet.",
    "Lo siento, no puedo ayudarte con eso.",
])
def test_refusals_are_flagged(text):
    assert "refusal" in reasons(text)


def test_an_answer_that_mentions_sorry_later_is_not_a_refusal():
    assert reasons("Here is the fix. Sorry for the confusion earlier, I cannot stress enough: test it.") == []


def test_repetition_loops_are_flagged_but_normal_text_is_not():
    assert "repetition" in reasons("The answer is 42. " * 60)
    assert "repetition" in reasons("\n".join(["I will now check the file."] * 5))
    prose = " ".join(f"Step {i}: open file number {i * 7} and check line {i * 13} for errors." for i in range(40))
    assert "repetition" not in reasons(prose)


def test_invalid_json_is_flagged_only_when_json_was_requested():
    assert reasons('{"a": 1,}', response_format={"type": "json_object"}) == ["invalid_json"]
    assert reasons(json.dumps({"a": [1, 2]}), response_format={"type": "json_schema", "json_schema": {}}) == []
    assert reasons('{"a": 1,}') == []


def test_unbalanced_code_fences_are_flagged():
    assert reasons("Run this:\n```python\nprint(1)\n") == ["unbalanced_code_fence"]
    assert reasons("Run this:\n```python\nprint(1)\n```\nDone.") == []


def test_answer_in_another_language_is_flagged_unless_asked_for():
    question = "How do I read a file line by line in Python and what is the best way to do it?"
    spanish = "Puedes usar un bucle for sobre el archivo abierto con la sentencia with, es la forma más simple."
    assert "language_mismatch" in reasons(spanish, prompt=question)
    assert "language_mismatch" not in reasons(spanish, prompt=question + " Answer in Spanish.")
    assert "language_mismatch" in reasons("Используйте цикл for по открытому файлу.", prompt=question)


def test_language_guess_is_none_when_unsure():
    assert language_of("ok") is None
    assert language_of("def f(x): return x") is None
    assert language_of("Der Hund ist nicht in dem Haus und die Katze auch nicht.") == "de"


def test_reasons_compound():
    result = detect("I'm sorry, but I can't", finish_reason="length")
    assert result.reasons == ["truncated", "refusal"] and result.score == pytest.approx(0.2)


def _corpus_texts():
    from pathlib import Path

    data = Path(__file__).parent / "data"
    return [json.loads(line)["text"] for path in sorted(data.glob("**/*.jsonl")) for line in path.read_text().splitlines() if line.strip()]


def test_the_fast_ascii_and_fence_paths_read_every_corpus_text_as_the_regexes_do():
    """language_of's ASCII word split and the no-fence shortcut are exact: the same words, the same
    fence count and prose as the regexes, on every corpus text, whole and at cuts that split words and fences."""
    from keeptrusts.policy.detectors import quality

    texts = _corpus_texts() + ["```py\nprint(1)\n```\nDone.", "  ~~~\nx\n", "Use ``` inline", "Ünïcode wörds and ASCII"]
    assert len(texts) > 1000
    compared = 0
    for text in texts:
        for sample in (text, text[:37], text[5:800], text.upper()):
            if sample.isascii():
                compared += 1
                assert [w.decode() for w in quality._words(sample.encode())] == quality._WORD.findall(sample.lower())
            assert quality._fence_count(sample) == len(quality._FENCE.findall(sample))
            parts = quality._FENCE.split(sample)
            assert quality._strip_code(sample) == " ".join(parts[i] for i in range(0, len(parts), 4))
    assert compared > 1000


def test_packed_stop_word_votes_guess_what_counting_each_vote_guesses():
    """language_of sums each stop word's votes as one packed int; a plain count of every vote, with the
    same rule (at least 3 votes and 1.5× the runner-up), must give the same guess on every corpus text."""
    from collections import Counter

    from keeptrusts.policy.detectors import quality

    def counted_guess(text):
        sample = quality._strip_code(text[:4000])[:800]
        words = quality._WORD.findall(sample.lower())
        votes = Counter(lang for word in words for lang, listed in quality._STOPWORDS.items() if word in listed)
        ranked = votes.most_common(2) + [("", 0), ("", 0)]
        (best, best_votes), (_, runner_up) = ranked[0], ranked[1]
        return None if best_votes < 3 or best_votes < 1.5 * runner_up else best

    latin = [text for text in _corpus_texts() if len(quality._strip_code(text[:4000])[:800]) >= 12]
    guessed = 0
    for text in latin:
        guess = language_of(text)
        if guess is None or len(guess) == 2:  # a script name comes before any vote
            expected = counted_guess(text) if guess is not None or _letters_mostly_latin(text) else None
            assert guess == expected, text[:120]
            guessed += guess is not None
    assert guessed > 1000


def _letters_mostly_latin(text):
    from keeptrusts.policy.detectors import quality

    sample = quality._strip_code(text[:4000])[:800]
    latin = sum(map(len, quality._LATIN_LETTERS.findall(sample)))
    others = len("".join(quality._OTHER_LETTERS.findall(sample)))
    return latin + others >= 12 and others <= latin and len(quality._WORD.findall(sample.lower())) >= 5
