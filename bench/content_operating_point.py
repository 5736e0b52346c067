"""Would a different operating point raise the content-filter's writer-held-out F1?

    .venv/bin/python scripts/train_classifiers.py --C 100 --save-oof /tmp/oof.npz   # ~40 min on two cores
    .venv/bin/python bench/content_operating_point.py /tmp/oof.npz
    .venv/bin/python bench/content_operating_point.py /tmp/oof.npz --parts   # blends of its plain and NB parts
    .venv/bin/python bench/content_operating_point.py /tmp/oof-plain.npz --blend /tmp/oof.npz   # two runs

Reads the out-of-fold content scores (each row scored by a model that never read its writer) and
prints F1 with the rules for: the shipped rule (one threshold for every category at the 1.5 % benign
budget), one threshold per category under the same budget (coordinate ascent), and one threshold at
looser budgets; with `--blend`, the average of the two runs' scores at several shares of the second
(a blend of two linear models is one linear model); with `--parts`, the same for the plain and NB-SVM
parts of the shipped blend, as saved by one run. docs/policies.md ("The operating point is not the lever") quotes its output.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from train_classifiers import CATEGORIES, FP_BUDGET, budget_floor  # noqa: E402


class OutOfFold:
    def __init__(self, path: Path, part: str = "") -> None:
        data = np.load(path)
        self.logits = np.nan_to_num(data[f"oof_content_{part}" if part else "oof_content"], nan=-np.inf)
        self.targets = data["y_content"]  # 1 harmful, 0 not, -1 unlabeled
        self.rules = data["rules_content"] >= 0.5
        self.labeled = (self.targets >= 0) & np.isfinite(self.logits)
        self.benign = np.all(self.targets == 0, axis=1)

    def f1(self, thresholds) -> tuple[float, float, float]:
        flagged = (self.logits >= np.asarray(thresholds)[None, :]) | self.rules
        harmful = self.targets == 1
        tp = (flagged & harmful & self.labeled).sum()
        fp = (flagged & ~harmful & self.labeled).sum()
        fn = (~flagged & harmful & self.labeled).sum()
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        return 2 * precision * recall / (precision + recall), precision, recall

    def benign_flagged(self, thresholds) -> float:
        return np.any(self.logits >= np.asarray(thresholds)[None, :], axis=1)[self.benign].mean()

    def single_threshold(self, budget: float) -> float:
        """The lowest threshold that flags at most `budget` of the benign rows."""
        return budget_floor(self.logits[self.benign].max(axis=1), budget)

    def blended(self, other: OutOfFold, share: float) -> OutOfFold:
        """These rows scored by (1 - share) of this run's model plus `share` of the other's."""
        assert (self.targets == other.targets).all(), "the two runs must score the same rows"
        mixed = copy.copy(self)
        mixed.logits = (1 - share) * self.logits + share * other.logits
        return mixed


def per_category(oof: OutOfFold, start: float, sweeps: int = 4) -> list[float]:
    thresholds = [start] * len(CATEGORIES)
    for _ in range(sweeps):
        for i in range(len(CATEGORIES)):
            best_f1, best_t = oof.f1(thresholds)[0], thresholds[i]
            for t in np.linspace(start - 2, start + 3, 101):
                candidate = thresholds[:i] + [t] + thresholds[i + 1:]
                if oof.benign_flagged(candidate) > FP_BUDGET:
                    continue
                f1 = oof.f1(candidate)[0]
                if f1 > best_f1 + 1e-9:
                    best_f1, best_t = f1, t
            thresholds[i] = best_t
    return thresholds


def blend(first: OutOfFold, second: OutOfFold) -> None:
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        mixed = first.blended(second, share)
        t = mixed.single_threshold(FP_BUDGET)
        show(f"share {share:.2f} of the second run, threshold {t:.3f}", mixed.f1([t] * len(CATEGORIES)))


def show(label: str, f1: tuple[float, float, float]) -> None:
    print(f"{label}: F1 {f1[0]:.3f} (P {f1[1]:.3f} R {f1[2]:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("oof", type=Path, help="the npz written by train_classifiers.py --save-oof")
    parser.add_argument("--blend", type=Path, help="a second run's npz (e.g. an --nb-share 1 run after a --plain run) to average with the first")
    parser.add_argument("--parts", action="store_true", help="blend the plain and NB parts saved by one run")
    args = parser.parse_args()
    oof = OutOfFold(args.oof)
    if args.blend or args.parts:
        first, second = (OutOfFold(args.oof, "plain"), OutOfFold(args.oof, "nb")) if args.parts else (oof, OutOfFold(args.blend))
        blend(first, second)
        return
    shipped = oof.single_threshold(FP_BUDGET)
    show(f"one threshold at the {FP_BUDGET:.1%} budget ({shipped:.3f})", oof.f1([shipped] * len(CATEGORIES)))
    tuned = per_category(oof, shipped)
    show("one per category, same budget (" + ", ".join(f"{c} {t:.2f}" for c, t in zip(CATEGORIES, tuned)) + ")",
         oof.f1(tuned))
    for budget in (0.02, 0.03, 0.04):
        t = oof.single_threshold(budget)
        show(f"one threshold at a {budget:.0%} budget ({t:.3f})", oof.f1([t] * len(CATEGORIES)))


if __name__ == "__main__":
    main()
