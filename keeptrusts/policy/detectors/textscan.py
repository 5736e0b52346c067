"""Small text helpers shared by the dlp-filter, prompt-injection and content-filter detectors."""

from __future__ import annotations

import re
from typing import Iterable

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """Lowercase with offsets kept: a few letters (İ) lower to two code points, so fall back to ASCII."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def needle_windows(haystack: str, needles: Iterable[str], back: int, fwd: int) -> list[tuple[int, int]]:
    """Merged [lo, hi) regions reaching `back` before and `fwd` after every needle occurrence.

    Running a regex only inside these regions keeps clean text at the cost of a few substring
    scans, and hostile text (a needle repeated 100k times) at one linear pass over merged regions.
    """
    n = len(haystack)
    regions = []
    for needle in needles:
        at = haystack.find(needle)
        while at != -1:
            regions.append((max(0, at - back), min(n, at + len(needle) + fwd)))
            at = haystack.find(needle, at + 1)
    regions.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in regions:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def lowercase_pattern(pattern: re.Pattern) -> re.Pattern:
    """The same pattern for text already lowercased by `ascii_lower`, without re.IGNORECASE.

    Python's `re` is an order of magnitude slower on case-insensitive alternations; matching
    lowercase literals against lowercased text gives the same matches at a fraction of the cost.
    Escapes keep their case (`\\S` stays `\\S`).
    """
    source = re.sub(r"\\.|[^\\]+", lambda m: m.group() if m.group().startswith("\\") else m.group().lower(), pattern.pattern)
    return re.compile(source, pattern.flags & ~re.IGNORECASE)
