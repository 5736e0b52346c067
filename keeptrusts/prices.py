"""Packaged model prices (DESIGN §8): USD per 1M input/output tokens.

No Django here: a standalone gateway prices events from the same file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from keeptrusts.wire import ModelPrice


@lru_cache(maxsize=1)
def packaged_prices() -> dict[str, ModelPrice]:
    raw = json.loads(resources.files("keeptrusts.data").joinpath("prices.json").read_text())
    return {model: ModelPrice(input=p["input"], output=p["output"]) for model, p in raw["prices"].items()}


def price_for(model: str, prices: dict[str, ModelPrice]) -> ModelPrice | None:
    """Exact name, else the longest known prefix (dated snapshots), else None."""
    if model in prices:
        return prices[model]
    best = None
    for name in prices:
        if model.startswith(name) and (best is None or len(name) > len(best)):
            best = name
    return prices[best] if best else None


def cost_usd(model: str, tokens_in: int, tokens_out: int, prices: dict[str, ModelPrice]) -> tuple[float, bool]:
    """(cost, priced). An unknown model costs 0 and is flagged unpriced."""
    price = price_for(model, prices)
    if price is None:
        return 0.0, False
    return (tokens_in * price.input + tokens_out * price.output) / 1_000_000, True
