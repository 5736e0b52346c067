"""A small learned classifier beside the rules of `prompt-injection` and `content-filter`.

Logistic regression over word unigrams and bigrams plus character 3–5-grams of each word (the
character n-grams carry misspellings, inflections, other languages and light obfuscation that no
rule lists). One model says "prompt injection", one per content category (one-vs-rest). They are
trained offline by `scripts/train_classifiers.py` (`make classifiers`) and shipped as pruned
weights in `keeptrusts/data/classifiers.json.gz`; scoring here is plain Python: a tokeniser,
dictionary lookups and a sum. Nothing is fetched at run time and no hash() is used, so
scores are the same in every process.

Each model's output is shifted so that 0.5 is the operating point chosen by cross-validation on
the training data: a policy's `threshold` keeps its meaning (0.5 = the default, higher = stricter),
and the detectors take the maximum of the rules' score and this one.

Long texts are read in windows of `WINDOW` characters and a text scores its most suspicious
window, so an attack pasted into a long document is not diluted by the rest of it. At most
`MAX_WINDOWS` windows are read (half from the start, half from the end): the rules still read the
whole text, and the cost of the classifier stays bounded however long the text is.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
import unicodedata
from importlib import resources

from keeptrusts.policy.detectors.textscan import ASCII_NON_WORD_TO_SPACE

MODEL_FILE = "classifiers.json.gz"
INJECTION = "injection"
WINDOW = 1024  # characters per window on long texts
MAX_WINDOWS = 16
CHAR_NGRAMS = (3, 4, 5)

_WORD = re.compile(r"\w+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"))
LONGEST_WORD = 32  # characters of a word that its features read: a base64 blob or a long CJK clause stays cheap


def normalise(text: str) -> str:
    """The form the models read: compatibility-folded (fullwidth → ASCII), invisibles dropped, lowercase."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    return text.lower()


def tokens(normalised: str) -> list[str]:
    """The words of a normalised text (runs of letters, digits and underscores)."""
    if normalised.isascii():
        return normalised.encode("ascii").translate(ASCII_NON_WORD_TO_SPACE).decode("ascii").split()  # as _WORD, faster
    return _WORD.findall(normalised)


def word_features(word: str) -> list[str]:
    """The features one distinct word contributes: itself and the character n-grams of " word "."""
    word = word[:LONGEST_WORD]
    padded = f" {word} "
    grams = [padded[i : i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    return ["w:" + word, *("c:" + g for g in grams)]


def features(text: str) -> dict[str, int]:
    """A window's features and their counts, as the models were trained on (training uses this)."""
    found = tokens(normalise(text))
    counts: dict[str, int] = {}
    for word in set(found):
        for feature in word_features(word):
            counts[feature] = counts.get(feature, 0) + 1
    for pair in set(zip(found, found[1:])):
        key = "b:" + " ".join(pair)
        counts[key] = counts.get(key, 0) + 1
    return counts


# A text with fewer features than this is scaled as if it had this many: "Hello" or "ok" carries too
# little evidence to be judged, and unscaled its few features would weigh like a whole sentence's.
FEWEST_FEATURES = 150  # about a ten-word sentence


def scale(counts: dict[str, int]) -> float:
    """1/√(number of features): a long window's features weigh less each, a short one's more."""
    return 1.0 / math.sqrt(max(sum(counts.values()), FEWEST_FEATURES))


# A passage between quote marks on one line: what a text quotes rather than says.
_QUOTED = re.compile(
    "(?<!\\w)(?:'[^'\\n]{3,400}?'|\"[^\"\\n]{3,400}?\"|`[^`\\n]{3,400}?`|\u201c[^\u201d\\n]{3,400}?\u201d|"
    "\u2018[^\u2019\\n]{3,400}?\u2019|\u00ab[^\u00bb\\n]{3,400}?\u00bb)(?!\\w)")
_QUOTE_MARKS = ("'", '"', "`", "\u201c", "\u2018", "\u00ab")


def unquoted(text: str) -> str:
    """`text` with quoted passages replaced by the word "quoted".

    A bag of words cannot tell "ignore all previous instructions" said from the same words quoted in
    a question about defending against them. The detectors score this view instead of the text when
    their rules see the text talking about attacks or moderation (training does the same), so the
    model learns from what such a text says around its quotes.
    """
    return _QUOTED.sub(" quoted ", text) if has_quotes(text) else text


def has_quotes(text: str) -> bool:
    return any(mark in text for mark in _QUOTE_MARKS)


def windows(text: str) -> list[str]:
    """The parts of `text` scored on their own: the whole of a short text, else WINDOW-sized pieces."""
    if len(text) <= 2 * WINDOW:
        return [text]
    starts = range(0, len(text), WINDOW)
    if len(starts) > MAX_WINDOWS:
        half = MAX_WINDOWS // 2
        last = (len(text) - 1) // WINDOW * WINDOW
        starts = [*range(0, half * WINDOW, WINDOW), *range(last - (half - 1) * WINDOW, last + 1, WINDOW)]
    return [text[s : s + WINDOW] for s in starts]


def _shared_rows(features: dict[str, list[float]]) -> dict[str, tuple[float, ...]]:
    """The features' weight vectors as tuples, one object per distinct weight and per distinct vector.

    ~740k weights hold only a few thousand distinct values: shared, they take ~18 MB less of every
    gateway process. The decoded lists are dropped as their tuples are made, so the tuples reuse their
    memory instead of leaving it fragmented.
    """
    weight, vector = {}.setdefault, {}.setdefault
    rows = {}
    while features:
        key, values = features.popitem()
        row = tuple([weight(w, w) for w in values])
        rows[key] = vector(row, row)
    return rows


class Models:
    """Every model's weights, indexed for scoring: per word, per bigram, and a bias each.

    Scoring sums one weight vector per distinct word and per bigram of a window. So that the sum is
    one C-level `sum()` over Python ints, each vector is packed at load (bigrams) or on a word's first
    use into one integer: every model's weight in fixed point (`_fraction_bits`, exact for every weight
    the file can hold, see `_packing`) in its own `_lane_bits`-wide lane, plus the word's feature count
    in the top lane. Integer sums are exact, so the lanes unpacked and divided by 2**fraction bits (a
    correctly rounded division) give the same floats as `math.fsum` over the float vectors.
    """

    def __init__(self, data: dict) -> None:
        self.names: tuple[str, ...] = tuple(data["models"])
        self.bias: tuple[float, ...] = tuple(data["bias"])
        weights = _shared_rows(data.pop("features"))
        self._fraction_bits, self._lane_bits = _packing(weights.values(), len(self.names))
        self._bigrams = {tuple(key[2:].split(" ", 1)): self._pack(vector) for key, vector in weights.items() if key.startswith("b:")}
        self._words = {key: vector for key, vector in weights.items() if not key.startswith("b:")}
        self._shifts = tuple(range(0, self._lane_bits * len(self.names), self._lane_bits))
        self._count_shift = self._lane_bits * len(self.names)
        # Each lane holds a signed sum: offset by half a lane once per sum, every lane reads non-negative.
        self._half = 1 << (self._lane_bits - 1)
        self._offset = sum(self._half << shift for shift in self._shifts)
        self._lane = (1 << self._lane_bits) - 1
        self._scale = 1 << self._fraction_bits
        self._per_word: dict[str, int] = {}  # word -> packed (a plain dict: cheaper per lookup than lru_cache)

    def _pack(self, vector: tuple[float, ...], features: int = 0) -> int:
        """`vector` in fixed point, one lane per model, and `features` above them (exact, or ValueError)."""
        packed = features << (self._lane_bits * len(vector))
        limit = 1 << (self._lane_bits - _ROW_HEADROOM - 1)
        for i, weight in enumerate(vector):
            fixed = int(math.ldexp(weight, self._fraction_bits))
            if fixed != math.ldexp(weight, self._fraction_bits) or abs(fixed) >= limit:
                raise ValueError(f"weight {weight!r} does not fit the fixed-point lanes")
            packed += fixed << (self._lane_bits * i)
        return packed

    def _word(self, word: str) -> int:
        """A word's features, packed: their count and the sum of their weights per model."""
        keys = word_features(word)
        found = [vector for vector in map(self._words.get, keys) if vector is not None]
        # Summed as floats in the features' order, as before packing: the per-word sums are unchanged.
        return self._pack(tuple(map(sum, zip(*found))) if found else (0.0,) * len(self.names), len(keys))

    def logits(self, text: str) -> tuple[float, ...]:
        """Each model's log-odds for one window (0 = its operating point)."""
        found = tokens(normalise(text))
        if not found:
            return self.bias
        cache = self._per_word
        distinct = set(found)
        try:
            total = sum(map(cache.get, distinct))
        except TypeError:  # a word not seen before (or since the table started over) was None
            if len(cache) > _WORDS_REMEMBERED:
                cache.clear()
            total = sum([cache.get(word) or cache.setdefault(word, self._word(word)) for word in distinct])
        pairs = set(zip(found, found[1:]))
        total += sum(filter(None, map(self._bigrams.get, pairs))) + self._offset
        features = (total >> self._count_shift) + len(pairs)
        lane, half, scale = self._lane, self._half, self._scale
        # Exact integer sums, correctly rounded to float: equal to `math.fsum` over the float vectors.
        sums = [((total >> shift) & lane) - half for shift in self._shifts]
        if not any(sums):
            return self.bias  # no weighted feature (a bias is never 0.0, so b + f*0.0 would be b too)
        factor = 1.0 / math.sqrt(max(features, FEWEST_FEATURES))
        return tuple(b + factor * (s / scale) for b, s in zip(self.bias, sums))

    def probabilities(self, text: str) -> dict[str, float]:
        """Each model's score for the text (its most suspicious window), 0–1 with 0.5 at the operating point."""
        best = None
        for window in windows(text):
            logits = self.logits(window)
            best = logits if best is None else tuple(map(max, best, logits))
        return {name: _sigmoid(logit) for name, logit in zip(self.names, best)}


_WORDS_REMEMBERED = 1 << 16  # distinct words whose packed sums are kept before the table starts over
_ROW_HEADROOM = 34  # bits per lane for summing rows: a window has fewer than 2**34 words and bigrams


def _packing(vectors, models: int) -> tuple[int, int]:
    """Fraction bits and lane width that hold every sum of these weights exactly.

    Every non-zero weight is at least the smallest one in magnitude, so it is a multiple of that one's
    unit in the last place; float sums of such multiples stay multiples of it (a rounded result lands on
    a coarser grid). So that many fraction bits represent every weight and every per-word float sum
    exactly. Integer bits cover the largest per-word sum (LONGEST_WORD's features at the largest weight).
    """
    magnitudes = [abs(w) for vector in vectors for w in vector if w]
    smallest, largest = min(magnitudes), max(magnitudes)
    fraction_bits = 53 - math.frexp(smallest)[1]
    most_features = len(word_features("x" * LONGEST_WORD))
    integer_bits = math.frexp(largest * most_features * 2)[1]  # ×2: float rounding cannot double a sum
    return fraction_bits, integer_bits + fraction_bits + _ROW_HEADROOM + 1


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@functools.cache
def models() -> Models:
    """The shipped models, read once per process from the package data."""
    with resources.files("keeptrusts.data").joinpath(MODEL_FILE).open("rb") as fh:
        return Models(json.loads(gzip.decompress(fh.read())))


# Below this a classifier score is noise and counts as 0: clean text still scores 0, and a non-zero
# score always has a reason to show for it.
COUNTED_FROM = 0.2


def counted(score: float) -> float:
    """A model's score as the detectors use it: rounded, and 0 below COUNTED_FROM."""
    return round(score, 3) if score >= COUNTED_FROM else 0.0


_last: tuple[str, dict[str, float]] | None = None


def scores(text: str) -> dict[str, float]:
    """Every model's score for `text`. The last text is remembered: both detectors read the same message."""
    global _last
    last = _last
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    result = models().probabilities(text)
    _last = (text, result)
    return result


def forget() -> None:
    """Drop the remembered text, so a later request with the same text is scored again (see
    `keeptrusts.policy.evaluate.new_evaluation`)."""
    global _last
    _last = None
