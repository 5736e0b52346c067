"""quality-scorer: a 0–1 score for one answer, with named reasons.

Each problem found multiplies the score by its factor, so one problem lands
below the common `min_score: 0.7` and several compound. Reasons:

- `empty`: nothing but whitespace (score 0)
- `truncated`: the provider stopped at the token limit (`finish_reason: length`)
- `content_filtered`: the provider's own filter cut the answer
- `refusal`: the answer declines the request ("I'm sorry, but I can't …")
- `repetition`: the answer loops (repeated lines or word sequences)
- `invalid_json`: JSON was requested (`response_format`) and the answer does not parse
- `unbalanced_code_fence`: an opened ``` block is never closed
- `language_mismatch`: the answer is in another language than the question
  (skipped when the question names a language, e.g. asks for a translation)

Everything is linear in the text length; texts are scanned at most a few times.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections import Counter

import orjson

from keeptrusts.policy.detectors.textscan import ASCII_NON_WORD_TO_SPACE
from keeptrusts.policy.types import DetectorResult

FACTORS = {
    "truncated": 0.5,
    "content_filtered": 0.5,
    "refusal": 0.4,
    "repetition": 0.3,
    "invalid_json": 0.3,
    "unbalanced_code_fence": 0.6,
    "language_mismatch": 0.5,
}

_REFUSAL = re.compile(
    r"""^\W*(?:
        (?:i'?m|i\ am)\ (?:really\ |very\ )?sorry,?\ (?:but\ )?(?:i|as\ an\ ai)
      | i\ (?:can(?:no|')t|cannot|won'?t|will\ not|am\ (?:not\ able|unable)|'m\ (?:not\ able|unable))
          \ (?:help|assist|provide|comply|do\ that|fulfil|support|create|generate|write|answer|share)
      | as\ an\ ai(?:\ language\ model)?,?\ i\ (?:can(?:no|')t|cannot|am\ not|don'?t)
      | i\ apologi[sz]e,?\ but\ i
      | unfortunately,?\ i\ (?:can(?:no|')t|cannot|am\ unable)
      | lo\ siento,?\ (?:pero\ )?no\ puedo
      | (?:désolé|je\ suis\ désolé),?\ (?:mais\ )?je\ ne\ peux\ pas
      | je\ ne\ peux\ pas\ (?:vous\ )?aider
      | es\ tut\ mir\ leid,?\ (?:aber\ )?ich\ kann
      | ich\ kann\ (?:ihnen\ |dir\ )?(?:dabei\ )?nicht\ helfen
      | desculpe,?\ (?:mas\ )?não\ posso
      | mi\ dispiace,?\ (?:ma\ )?non\ posso
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00C0-\u024F]+")
_OTHER_LETTERS = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]+")
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
# ASCII text's words without a regex: every non-letter becomes a space and every capital its lowercase
# letter in one translate, then one split (the same words as _WORD on the lowercased text, as bytes).
_ASCII_LOWERED_WORDS = bytes.maketrans(_ASCII_NON_LETTERS + bytes(range(65, 91)),
                                       b" " * len(_ASCII_NON_LETTERS) + bytes(range(97, 123)))

# Small stop-word sets: enough to tell these languages apart on a sentence or two.
_STOPWORDS = {
    "en": "the and is are of to in that it for with this you on be not was have what how can do".split(),
    "es": "el la los las de que y en es un una por para con no se del lo como qué más pero".split(),
    "fr": "le la les de des et est un une que qui dans pour pas ne vous sur au du avec ce comment".split(),
    "de": "der die das und ist nicht ein eine zu den mit von ich sie es wie auf für dem auch was".split(),
    "pt": "o a os as de que e em um uma para com não se do da é por mais como você".split(),
    "it": "il lo la gli le di che e è un una per con non si del della come sono ma".split(),
    "nl": "de het een en is van dat niet in op te zijn met voor hoe wat ook maar".split(),
}
# Each stop word's votes packed into one int, a 16-bit lane per language (a sample of at most 800
# characters has far fewer than 2**16 words): a sample's votes are one C-level sum, read lane by lane.
_LANGUAGES = tuple(_STOPWORDS)
_VOTE_LANE = 0xFFFF
_VOTE_SHIFTS = tuple(16 * i for i in range(len(_LANGUAGES)))
_STOP_VOTES: dict[str, int] = {}
for _shift, _words in zip(_VOTE_SHIFTS, _STOPWORDS.values()):
    for _word in _words:
        _STOP_VOTES[_word] = _STOP_VOTES.get(_word, 0) + (1 << _shift)
# The ASCII stop words as bytes, for ASCII samples (a non-ASCII stop word cannot be among their words).
_ASCII_STOP_VOTES = {word.encode(): votes for word, votes in _STOP_VOTES.items() if word.isascii()}

# Unicode ranges of scripts that identify a language family on their own.
_SCRIPTS = (
    ("cyrillic", 0x0400, 0x04FF), ("greek", 0x0370, 0x03FF), ("arabic", 0x0600, 0x06FF),
    ("hebrew", 0x0590, 0x05FF), ("devanagari", 0x0900, 0x097F), ("thai", 0x0E00, 0x0E7F),
    ("hangul", 0xAC00, 0xD7AF), ("kana", 0x3040, 0x30FF), ("han", 0x4E00, 0x9FFF),
)
_LANGUAGE_NAMES = re.compile(
    r"translat|\b(?:english|spanish|french|german|portuguese|italian|dutch|russian|chinese|mandarin|japanese|"
    r"korean|arabic|hebrew|hindi|greek|thai|polish|turkish|ukrainian|swedish|language|"
    r"español|inglés|français|anglais|deutsch|englisch|inglês|inglese)\b",
    re.IGNORECASE,
)


def _json_requested(response_format) -> bool:
    if response_format is None:
        return False
    if isinstance(response_format, str):
        return "json" in response_format.lower()
    if isinstance(response_format, dict):
        return str(response_format.get("type", "")).startswith("json")
    return False


def _is_repetitive(text: str) -> bool:
    # Four or more identical consecutive non-trivial lines.
    run, previous = 1, None
    for line in text.splitlines():
        line = line.strip()
        if len(line) < 8 or line.startswith(("```", "|", "---")):
            previous, run = None, 1
            continue
        run = run + 1 if line == previous else 1
        if run >= 4:
            return True
        previous = line
    if len(text) < 200:
        return False
    # A loop compresses far better than prose or code; only then count word sequences.
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) < 400 and raw.isascii() and len(raw.translate(ASCII_NON_WORD_TO_SPACE).split()) < 60:
        return False  # under 400 bytes only the word-sequence test applies, and it needs 60 words (zlib costs ~6 µs)
    ratio = len(zlib.compress(raw, 1)) / len(raw)
    if len(raw) >= 400 and ratio < 0.08:
        return True
    if ratio < 0.3:
        words = _TOKEN.findall(text.lower())
        if len(words) >= 60 and len(set(zip(words, words[1:], words[2:]))) / (len(words) - 2) < 0.3:
            return True
    return False


def _fence_count(text: str) -> int:
    # Most answers have no fence at all: two substring tests instead of a multiline regex pass.
    return len(_FENCE.findall(text)) if "```" in text or "~~~" in text else 0


def _strip_code(text: str) -> str:
    if "```" not in text and "~~~" not in text:
        return text
    parts = _FENCE.split(text)
    # After split: [prose, fence, code, fence, prose, …]; keep prose only.
    return " ".join(parts[i] for i in range(0, len(parts), 4))


def _words(sample: str | bytes) -> list[str] | list[bytes]:
    """The lowercased words (runs of letters) of `sample`: an ASCII sample given as bytes (~7× faster
    than the regex, the same words as bytes), any other as str."""
    if isinstance(sample, bytes):
        return sample.translate(_ASCII_LOWERED_WORDS).split()
    return _WORD.findall(sample.lower())


def language_of(text: str) -> str | None:
    """A coarse guess: a script name, a Latin-script language code, or None when unsure."""
    sample = _strip_code(text[:4000])[:800]
    raw = sample.encode() if sample.isascii() else None
    if raw is not None:  # most traffic: count letters in C instead of two regex passes
        latin, others = len(raw.translate(None, _ASCII_NON_LETTERS)), ""
    else:
        latin = sum(map(len, _LATIN_LETTERS.findall(sample)))
        others = "".join(_OTHER_LETTERS.findall(sample))
    letters = latin + len(others)
    if letters < 12:
        return None
    if len(others) > latin:
        scripts: Counter = Counter()
        for char, count in Counter(others).items():
            code = ord(char)
            for name, low, high in _SCRIPTS:
                if low <= code <= high:
                    scripts[name] += count
                    break
        if scripts["kana"] >= 3:
            return "kana"  # Japanese mixes kana and han
        if not scripts:
            return None
        script, count = scripts.most_common(1)[0]
        return script if count / letters > 0.5 else None
    words = _words(raw if raw is not None else sample)
    if len(words) < 5:
        return None
    # Only stop words vote, each occurrence once for each of its languages: looked up and summed in C.
    index = _ASCII_STOP_VOTES if raw is not None else _STOP_VOTES
    total = sum(filter(None, map(index.get, words)))
    if not total:
        return None
    votes = [(total >> shift) & _VOTE_LANE for shift in _VOTE_SHIFTS]
    best_votes = max(votes)
    runner_up = sorted(votes)[-2]  # a tie for first place makes this best_votes, so the guess is None
    if best_votes < 3 or best_votes < 1.5 * runner_up:
        return None
    return _LANGUAGES[votes.index(best_votes)]


def _prompt_text(prompt) -> str:
    """The last user turn of a messages list, or the prompt string itself."""
    if prompt is None:
        return ""
    if isinstance(prompt, str):
        return prompt
    for message in reversed(list(prompt)):
        if isinstance(message, dict) and message.get("role", "user") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


@functools.lru_cache(maxsize=1024)
def _asked_language(question_tail: str) -> str | None:
    """The question's language, remembered: a prompt comes back with every retry, regeneration and
    identical call, while the answer is new each time (≈ 15 µs saved per repeated 1 KB prompt)."""
    return language_of(question_tail)


def _language_mismatch(question: str, answer: str) -> bool:
    """The answer is in another language than the question, and the question names no language.

    The language-name search over the whole question is the costly part, so it runs only once the
    two guesses (each on at most 800 characters) disagree — rarely, on real traffic."""
    if not question:
        return False
    asked = _asked_language(question[-800:])
    answered = language_of(answer) if asked else None
    return bool(asked and answered and asked != answered and not _LANGUAGE_NAMES.search(question))


def detect(text: str, *, prompt=None, finish_reason: str | None = None, response_format=None) -> DetectorResult:
    if not text or not text.strip():
        reasons = ["empty"] + (["truncated"] if finish_reason == "length" else [])
        return DetectorResult(score=0.0, reasons=reasons)
    reasons: list[str] = []
    if finish_reason == "length":
        reasons.append("truncated")
    elif finish_reason == "content_filter":
        reasons.append("content_filtered")
    if _REFUSAL.match(text[:300]):
        reasons.append("refusal")
    if _is_repetitive(text):
        reasons.append("repetition")
    if _json_requested(response_format):
        try:
            orjson.loads(text)  # nesting deeper than 1024 levels counts as invalid, not as a crash
        except (ValueError, RecursionError):
            reasons.append("invalid_json")
    if _fence_count(text) % 2 == 1 and "truncated" not in reasons:
        reasons.append("unbalanced_code_fence")
    if _language_mismatch(_prompt_text(prompt), text):
        reasons.append("language_mismatch")
    score = 1.0
    for reason in reasons:
        score *= FACTORS[reason]
    return DetectorResult(score=round(score, 4), reasons=reasons)
