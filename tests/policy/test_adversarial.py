"""Inputs built to make regexes backtrack finish fast (bounded, not just eventually).

100 KB of each shape must pass each detector in under a second even on a busy shared core;
a linear detector takes a few ms. A quadratic or exponential pattern blows far past it.
"""

import importlib
import time

import pytest

from keeptrusts.policy.schema import CONTENT_CATEGORIES, ENTITY_TYPES

SIZE = 100 * 1024
LIMIT_SECONDS = 1.0

SHAPES = {
    "digits": "1" * SIZE,
    "digits_spaced": ("1234 " * SIZE)[:SIZE],
    "digits_dashed": ("4111-" * SIZE)[:SIZE],
    "at_signs": "@" * SIZE,
    "emailish": ("a@" * SIZE)[:SIZE],
    "email_dots": ("a.b@c" * SIZE)[:SIZE],
    "dots": ("a." * SIZE)[:SIZE],
    "whitespace": (" \t\n" * SIZE)[:SIZE],
    "brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "nested_json": '{"a":' * (SIZE // 5) + "1" + "}" * (SIZE // 5),
    "capitalised": ("Alpha " * SIZE)[:SIZE],
    "base64ish": ("QUJD" * SIZE)[:SIZE],
    "key_value": ("password=" * SIZE)[:SIZE],
    "url_like": ("http://a:" * SIZE)[:SIZE],
    "plus_digits": ("+1 (" * SIZE)[:SIZE],
}

CALLS = {
    "pii": lambda m, text: m.detect(text, frozenset(ENTITY_TYPES)),
    "secrets": lambda m, text: m.detect(text),
    "injection": lambda m, text: m.detect(text),
    "content": lambda m, text: m.detect(text, frozenset(CONTENT_CATEGORIES)),
    "quality": lambda m, text: m.detect(text, prompt="How do I fix this?", response_format={"type": "json_object"}),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("detector", CALLS)
def test_detector_finishes_fast_on_adversarial_input(detector, shape):
    module = importlib.import_module(f"keeptrusts.policy.detectors.{detector}")
    text = SHAPES[shape]
    CALLS[detector](module, text[:1000])  # warm up lazy data
    start = time.perf_counter()
    CALLS[detector](module, text)
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_SECONDS, f"{detector} took {elapsed:.2f} s on 100 KB of {shape}"
