"""Detector results remembered for the texts a process sees again.

Chat clients re-send the whole conversation on every turn: the same system prompt,
every earlier question and every earlier answer. Without a cache a 20-turn chat
scans its first message 20 times. The evaluator scans a request message by message
and asks this cache first, so a turn pays only for the messages it has not seen.

    cache = DetectionCache(max_entries=8192)
    detectors = Detectors(cache=cache)                 # PolicySet.from_yaml(text, detectors=detectors)
    cache.stats()                                      # {"entries", "hits", "misses", …}

Keys are `(phase, detector, configuration, digest)`: the detector's arguments that
change its answer (entity types, secret detectors and custom patterns, categories)
and a 128-bit BLAKE2b digest of the text — never the text itself. Values are the
detector's `DetectorResult` (offsets, types, scores and reason names; no raw text),
shared between requests and never mutated. For a one-message prompt the cache also holds
every policy's result at once under `(phase, policy-set sha256, digest)`: a repeated prompt
costs one lookup instead of one per policy (a hit counts as that many scans in the stats).
Bounded by entries and by weight (one per entry plus one per span, so a text full of
findings cannot hold much memory), least recently used first out; texts longer than
`max_text_chars` are not cached.
Per process, in memory only, never persisted. Detectors are deterministic, so a
decision is the same with and without the cache (tests/policy/test_cache.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from hashlib import blake2b
from typing import Callable, Hashable

from keeptrusts.policy.types import DetectorResult

DEFAULT_MAX_ENTRIES = 8192
DEFAULT_MAX_TEXT_CHARS = 256 * 1024
WEIGHT_PER_ENTRY = 8  # room for a few findings per entry on average


def scan_key(phase: str, detector: str, arguments: tuple, digest: bytes) -> tuple:
    """The key of one detector's result on one text: every caller (per text, per piece, the one-text fast
    path) builds it here, so a result stored by one is found by the others."""
    return (phase, detector, arguments, digest)


def results_key(phase: str, policy_set_sha256: str, digest: bytes) -> tuple:
    """The key of every policy's results on a one-message prompt (`PolicySet`): a policy set is named by
    its file's sha256, so two sets with the same text share, and a changed file does not."""
    return (phase, policy_set_sha256, digest)


def text_digest(text: str) -> bytes:
    """The cache's name for a text: 16 bytes of BLAKE2b (lone surrogates from JSON included)."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class DetectionCache:
    __slots__ = ("max_entries", "max_weight", "max_text_chars", "_entries", "_weight", "_lock", "hits", "misses")

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, *, max_weight: int | None = None,
                 max_text_chars: int = DEFAULT_MAX_TEXT_CHARS):
        if max_entries < 0 or max_text_chars < 0:
            raise ValueError("max_entries and max_text_chars must be ≥ 0 (0 turns the cache off)")
        self.max_entries = max_entries
        self.max_weight = max_weight if max_weight is not None else WEIGHT_PER_ENTRY * max_entries
        self.max_text_chars = max_text_chars
        self._entries: OrderedDict[Hashable, tuple[DetectorResult, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()  # the gateway is one thread; the Console may not be
        self.hits = 0
        self.misses = 0

    def caches(self, text: str) -> bool:
        return self.max_entries > 0 and len(text) <= self.max_text_chars

    def result(self, key: Hashable, compute: Callable[[], DetectorResult]) -> DetectorResult:
        """The remembered result for `key`, or `compute()` remembered. An exception is not remembered."""
        found = self.lookup(key)
        return found if found is not None else self.store(key, compute())

    def lookup(self, key: Hashable) -> DetectorResult | None:
        """The remembered result for `key` (a hit), or None (a miss: `store` the computed result)."""
        return self._get(key, hits=1, misses=1)

    def store(self, key: Hashable, found: DetectorResult) -> DetectorResult:
        return self._put(key, found, 1 + len(found.spans))

    def lookup_results(self, key: Hashable, scans: int) -> tuple | None:
        """A one-text prompt's policy results remembered as a whole (`PolicySet`): a hit counts as the
        `scans` detector scans it stands for; a miss counts nothing, the scans that follow count themselves."""
        return self._get(key, hits=scans, misses=0)

    def store_results(self, key: Hashable, results: tuple, spans: int) -> tuple:
        return self._put(key, results, 1 + spans)

    def _get(self, key: Hashable, *, hits: int, misses: int):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += misses
                return None
            self._entries.move_to_end(key)
            self.hits += hits
            return entry[0]

    def _put(self, key: Hashable, found, weight: int):
        with self._lock:
            if key not in self._entries and weight <= self.max_weight:
                self._entries[key] = (found, weight)
                self._weight += weight
                self._evict()
        return found

    def resize(self, max_entries: int) -> None:
        """A new bound (0 turns the cache off); what no longer fits is dropped, oldest first."""
        if max_entries < 0:
            raise ValueError("max_entries must be ≥ 0 (0 turns the cache off)")
        with self._lock:
            self.max_entries, self.max_weight = max_entries, WEIGHT_PER_ENTRY * max_entries
            self._evict()

    def _evict(self) -> None:
        """Drop the least recently used entries until both bounds hold (the caller holds the lock)."""
        while self._entries and (len(self._entries) > self.max_entries or self._weight > self.max_weight):
            _, (_, dropped) = self._entries.popitem(last=False)
            self._weight -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0
            self.hits = self.misses = 0

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._entries), "weight": self._weight, "hits": self.hits, "misses": self.misses,
                "max_entries": self.max_entries}
