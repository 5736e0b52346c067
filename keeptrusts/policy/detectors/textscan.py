"""Small text helpers shared by the dlp-filter, prompt-injection and content-filter detectors."""

from __future__ import annotations

import bisect
import re
from typing import Iterable

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


# The last text lowered and the last word set: the content-filter, prompt-injection and dlp-filter
# detectors read the same message one after the other (a pair each, replaced, never mutated).
_last_lowered: tuple[str, str] = ("", "")
_last_words: tuple[str, frozenset[str]] = ("", frozenset())
_MEMO_FROM = 256  # characters: shorter texts are cheaper to lower or split again than to compare


def ascii_lower(text: str) -> str:
    """Lowercase with offsets kept: a few letters (İ) lower to two code points, so fall back to ASCII."""
    global _last_lowered
    if len(text) >= _MEMO_FROM:
        last = _last_lowered
        if last[0] is text:
            return last[1]
        lowered = text.lower()
        lowered = lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
        _last_lowered = (text, lowered)
        return lowered
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def needle_windows(haystack: str, needles: Iterable[str], back: int, fwd: int) -> list[tuple[int, int]]:
    """Merged [lo, hi) regions reaching at least `back` before and `fwd` after every needle occurrence.

    Running a regex only inside these regions keeps clean text at the cost of a few substring
    scans, and hostile text (a needle repeated 100k times) at one linear pass over merged regions.
    """
    n = len(haystack)
    regions = []
    for needle in needles:
        # Occurrences closer than `stride` to the last one found are not looked for one by one: the
        # region is widened to cover any of them instead (a superset, which is all a window must be).
        stride = max(1, fwd // 2)
        at = haystack.find(needle)
        while at != -1:
            lo, hi = max(0, at - back), min(n, at + stride + len(needle) + fwd)
            if regions and lo <= regions[-1][1] and regions[-1][0] <= lo:
                regions[-1] = (regions[-1][0], max(regions[-1][1], hi))
            else:
                regions.append((lo, hi))
            at = haystack.find(needle, at + stride)
    regions.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in regions:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def lowercase_pattern(pattern: re.Pattern | str) -> re.Pattern:
    """The same pattern for text already lowercased by `ascii_lower`, without re.IGNORECASE.

    Python's `re` is an order of magnitude slower on case-insensitive alternations; matching
    lowercase literals against lowercased text gives the same matches at a fraction of the cost.
    Escapes keep their case (`\\S` stays `\\S`).
    """
    text, flags = (pattern, 0) if isinstance(pattern, str) else (pattern.pattern, pattern.flags & ~re.IGNORECASE)
    source = re.sub(r"\\.|[^\\]+", lambda m: m.group() if m.group().startswith("\\") else m.group().lower(), text)
    return re.compile(source, flags)


def split_alternatives(source: str) -> list[str] | None:
    """A pattern's alternatives at its top level (outside groups and character classes), or None when
    its parentheses do not balance (`a|(?:b|c)` gives `a` and `(?:b|c)`)."""
    alternatives, depth, start, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            alternatives.append(source[start:i])
            start = i + 1
    alternatives.append(source[start:])
    return alternatives if depth == 0 else None


def by_first_letter(alternation: str) -> str:
    """`(?:alt|alt|…)` with the alternatives grouped by their first letter: `(?:i(?:gnore|gnoring)|d(?:rop|iscard))`.

    The same matches, found faster: at each position `re` tries the alternatives one by one, and a list of
    ninety verbs costs ~0.3 µs per word even after `\\b`; grouped, one test per first letter rules most
    of them out. Exact by construction: alternatives with different first letters cannot match at the
    same position, and within a letter the original order is kept (the leftmost alternative still wins).
    Returned unchanged unless every alternative starts with a plain letter that no quantifier follows."""
    if not (alternation.startswith("(?:") and alternation.endswith(")")):
        return alternation
    alternatives = split_alternatives(alternation[3:-1])
    if alternatives is None or not all(a[:1].isalpha() and a[:1].isascii() and a[1:2] not in ("?", "*", "+", "{") for a in alternatives):
        return alternation
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "(?:" + "|".join(letter + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")") for letter, rests in groups.items()) + ")"


class Triggers:
    """Which rules a text can match, from cheap lookups instead of running every pattern.

    Built from one tuple of triggers per rule: a plain word is a word prefix ("ignor" fires on
    ignore/ignoring), "word$" an exact word, anything else (phrases, symbols, CJK) a substring.
    Words are looked up once per distinct word (cached across calls).
    """

    def __init__(self, triggers_per_rule: Iterable[Iterable[str]]) -> None:
        prefixes: dict[str, set[int]] = {}
        self.exact: dict[str, frozenset[int]] = {}
        exact: dict[str, set[int]] = {}
        marks: dict[str, set[int]] = {}
        for number, triggers in enumerate(triggers_per_rule):
            for trigger in triggers:
                if trigger.endswith("$"):
                    exact.setdefault(trigger[:-1], set()).add(number)
                elif trigger.isalpha() and not _CJK.search(trigger):
                    prefixes.setdefault(trigger, set()).add(number)
                else:
                    marks.setdefault(trigger, set()).add(number)
        self.prefixes = {k: frozenset(v) for k, v in prefixes.items()}
        self.exact = {k: frozenset(v) for k, v in exact.items()}
        self.marks = {k: frozenset(v) for k, v in marks.items()}
        # A phrase mark can only be present if its whole words are: check the word set before the text.
        mark_gates = {k: _whole_words(k) for k in self.marks}
        # (mark, rules, gate word) split by script: an ASCII text never needs the non-ASCII marks.
        # Marks with whole words are filed under their longest one: only words the text has are visited.
        self._gated: dict[str, list[tuple]] = {}
        self._ungated_ascii: list[tuple] = []
        self._other_marks = [(k, v, mark_gates[k], None) for k, v in self.marks.items() if not k.isascii()]
        for k, v in self.marks.items():
            if not k.isascii():
                continue
            entry = (k, v, mark_gates[k], _tail(k))
            if entry[2]:
                self._gated.setdefault(max(entry[2], key=len), []).append(entry)
            else:
                self._ungated_ascii.append(entry)
        self._gate_keys = frozenset(self._gated)
        # Ungated marks filed under their rarest character: a text without it (one memchr) has none of them.
        by_char: dict[str, list[tuple]] = {}
        for entry in self._ungated_ascii:
            by_char.setdefault(max(entry[0], key=_rarity), []).append(entry)
        self._ungated_by_char = tuple(by_char.items())
        self.lengths = tuple(sorted({len(k) for k in self.prefixes}))
        self._word_rules: dict[str, frozenset[int]] = {}  # a plain dict: cheaper per lookup than lru_cache
        self._inert: set[str] = set()  # words known to trigger no rule (`active` skips them in one step)

    def for_word(self, word: str) -> frozenset[int]:
        """Rules `word` triggers (as an exact word or by a prefix), remembered across texts."""
        hit = self._word_rules.get(word)
        if hit is None:
            if len(self._word_rules) > _WORD_RULES_MAX:
                self._word_rules.clear()
            hit = self._word_rules[word] = self._for_word(word)
        return hit

    def _for_word(self, word: str) -> frozenset[int]:
        found = self.exact.get(word, frozenset())
        for length in self.lengths:
            if length > len(word):
                break
            hit = self.prefixes.get(word[:length])
            if hit:
                found = found | hit
        return found

    def active(self, lowered: str, words: Iterable[str]) -> set[int]:
        """Rules with at least one trigger in the text (no positions)."""
        found: set[int] = set()
        cache = self._word_rules  # `for_word` inlined: this loop runs once per distinct word of every text
        inert = self._inert
        if len(cache) > _WORD_RULES_MAX or len(inert) > _WORD_RULES_MAX:
            cache.clear()
            inert.clear()
        words = words if isinstance(words, (set, frozenset)) else set(words)
        # Most words trigger no rule: a set difference (in C) leaves the few that do or are new.
        for word in words - inert:
            hit = cache.get(word)
            if hit is None:
                hit = self._for_word(word)
                if not hit:
                    inert.add(word)
                    continue
                cache[word] = hit
            found |= hit
        long_text = len(lowered) > _LONG_TEXT
        ordered: list[str] | None = None
        candidates = [marks for char, marks in self._ungated_by_char if char in lowered]
        candidates += [self._gated[key] for key in self._gate_keys & words]
        if not lowered.isascii():
            candidates.append(self._other_marks)
        for marks in candidates:
            for mark, rules, gate, tail in marks:
                if rules <= found or (gate and not gate <= words):
                    continue
                if long_text and tail:
                    # A phrase's last word may be cut ("content polic"), but some word must start with it:
                    # a lookup in the sorted words is cheaper than scanning a long text for the phrase.
                    ordered = ordered if ordered is not None else sorted(words)
                    at = bisect.bisect_left(ordered, tail)
                    if at == len(ordered) or not ordered[at].startswith(tail):
                        continue
                if mark in lowered:
                    found |= rules
        return found

    def windows(self, lowered: str, words: Iterable[str], rule: int, reach: int) -> list[tuple[int, int]]:
        """Merged regions `reach` characters either side of every trigger of `rule` in `lowered`.

        A long text runs a rule's pattern only there: the cost follows the triggers, not the length.
        """
        needles = [word for word in words if rule in self.for_word(word)]
        needles += [mark for mark, rules in self.marks.items() if rule in rules]
        return needle_windows(lowered, needles, reach, reach)


WORDS = re.compile(r"[^\W\d_]+")
# ASCII text split into `\w+` tokens without a regex (several times faster): every ASCII byte that is
# no letter, digit or underscore becomes a space, then one split.
_ASCII_NON_WORD = bytes(b for b in range(128) if not (chr(b).isalnum() or chr(b) == "_"))
ASCII_NON_WORD_TO_SPACE = bytes.maketrans(_ASCII_NON_WORD, b" " * len(_ASCII_NON_WORD))


WORD_TEXT_FROM = 4096  # characters: from here on, letters-only needles are looked for in `word_text`
_last_word_text: tuple[str, str] = ("", "")


def word_text(lowered: str) -> str | None:
    """The distinct words of lowercased text joined by spaces, if a detector already split this text
    into words (`words_of`), else None: splitting a long text costs more than it would save.

    A needle made only of letters (`str.isalpha`) is in `lowered` exactly when it is in this string,
    which holds each word once — a long text repeats its words, so such needles are cheaper to look
    for here. Callers look in `lowered` when there is none."""
    global _last_word_text
    last = _last_word_text
    if last[0] is lowered:
        return last[1]
    words = _last_words
    if words[0] is not lowered or len(lowered) < WORD_TEXT_FROM:
        return None
    joined = " ".join(words[1])
    _last_word_text = (lowered, joined)
    return joined


def words_of(lowered: str) -> frozenset[str]:
    """Distinct words of lowercased text (runs of letters)."""
    global _last_words
    if len(lowered) >= _MEMO_FROM:
        last = _last_words
        if last[0] is lowered:
            return last[1]
        words = _split_words(lowered)
        _last_words = (lowered, words)
        return words
    return _split_words(lowered)


# ASCII text is split without a regex, about twice as fast: every byte that is not a-z becomes a
# space, then one split (the same words as `[a-z]+` on lowercased text).
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not ord("a") <= b <= ord("z"))
_NOT_ASCII_LETTER_TO_SPACE = bytes.maketrans(_NOT_ASCII_LETTER, b" " * len(_NOT_ASCII_LETTER))


def _split_words(lowered: str) -> frozenset[str]:
    if lowered.isascii():
        return frozenset(lowered.encode("ascii").translate(_NOT_ASCII_LETTER_TO_SPACE).decode("ascii").split())
    return frozenset(WORDS.findall(lowered))


_LONG_TEXT = 8192
_WORD_RULES_MAX = 65536  # distinct words remembered per rule set before the table starts over


# Characters from commonest to rarest in lowercased prose and code (roughly); any other is rarer still.
_COMMONEST_FIRST = " etaoinshrdlcumwfgypbvkjxqz,.-0123456789:=_/()\"'\n"


def _rarity(char: str) -> int:
    index = _COMMONEST_FIRST.find(char)
    return len(_COMMONEST_FIRST) if index < 0 else index


def _tail(mark: str) -> str | None:
    """The last word of a phrase mark, possibly cut ("content polic" -> "polic"); None for a single token."""
    runs = re.findall(r"[a-z]+", mark)
    return runs[-1] if len(runs) >= 2 and len(runs[-1]) >= 2 else None


def _whole_words(mark: str) -> frozenset[str]:
    """Words a phrase mark surely contains whole ("you were given" -> you, were, given; "system_prompt>" -> none).

    The last word may be cut ("content polic"), and a word glued to a symbol may be part of a longer
    token, so only words bounded by spaces (or the mark's start) on both sides count.
    """
    tokens = mark.split(" ")
    whole = tokens[:-1] if len(tokens) > 1 else []
    return frozenset(t for t in whole if t.isalpha() and t.isascii())
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0600-\u06ff\u0900-\u097f]")
