"""Detector accuracy on the labeled corpus in tests/policy/data/*.jsonl.

    .venv/bin/python bench/accuracy.py            # print the table
    .venv/bin/python bench/accuracy.py --write    # also rewrite it in docs/policies.md
    .venv/bin/python bench/accuracy.py --json     # machine-readable
    .venv/bin/python bench/accuracy.py --data tests/policy/data/final --write
                                                  # the evaluation-only set, in its own table

Each line: {"text", "source", "spans": [{"start", "end", "type"}], "injection": bool?, "content": [categories]?}.
PII span types are entity types; secret spans have type "secret". Files are scored for what they
label: pii*.jsonl for PII entity types, secrets*.jsonl for secrets, mixed*.jsonl for both (an
independent hand-written set, see its builder), and any line with an
"injection" or "content" key for those detectors. Every line runs through the product's
evaluator (as `kt policy test` does) with a policy set that turns every detector on at `log`.

Span metrics: a gold span is found (recall) when a predicted span of the same type overlaps it;
a predicted span is correct (precision) when it overlaps a gold span of the same type.
Injection: recall on attacks and false-positive rate on benign lines at threshold 0.5.
Content: per category over (line, category) pairs; umbrellas count their leaf categories.
The file's name after the prefix (dev, heldout, …) is its split; the files under train/ (the
classifiers' extra training corpora, scripts/train_classifiers.py) form the split "train"; "all"
pools the splits.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keeptrusts.policy import PolicySet  # noqa: E402
from keeptrusts.policy.schema import CONTENT_CATEGORIES, CONTENT_UMBRELLAS, ENTITY_TYPES  # noqa: E402

DATA = ROOT / "tests/policy/data"
DOC = ROOT / "docs/policies.md"
START, END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"

POLICIES = {
    "pii": "{name: pii, type: pii-detector, action: log, applies_to: input}",
    "secrets": "{name: secrets, type: dlp-filter, action: log}",
    "injection": "{name: injection, type: prompt-injection, action: log, threshold: 0.5}",
    "content": "{name: content, type: content-filter, action: log, threshold: 0.5}",
}


def available_detectors() -> list[str]:
    """Detector modules present in this checkout (each lands on its own)."""
    return [name for name in POLICIES if importlib.util.find_spec(f"keeptrusts.policy.detectors.{name}")]

# The targets. A regression below them fails tests/policy/test_accuracy.py.
TARGETS = {
    ("email", "precision"): 0.95, ("email", "recall"): 0.95,
    ("phone", "precision"): 0.95, ("phone", "recall"): 0.95,
    ("financial", "precision"): 0.95, ("financial", "recall"): 0.95,
    ("secret", "precision"): 0.95, ("secret", "recall"): 0.95,
    ("name", "f1"): 0.85,
    ("prompt-injection", "recall"): 0.90,
    ("prompt-injection", "false_positive_rate"): 0.03,  # at most
    ("content (all)", "f1"): 0.85,
}


class Counts:
    __slots__ = ("tp_gold", "gold", "tp_pred", "pred", "fp_benign", "benign")

    def __init__(self):
        self.tp_gold = self.gold = self.tp_pred = self.pred = self.fp_benign = self.benign = 0

    def add(self, other: "Counts"):
        for slot in self.__slots__:
            setattr(self, slot, getattr(self, slot) + getattr(other, slot))

    def metrics(self) -> dict:
        precision = self.tp_pred / self.pred if self.pred else (1.0 if self.gold == 0 else 0.0)
        recall = self.tp_gold / self.gold if self.gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result = {"support": self.gold, "predicted": self.pred, "precision": precision, "recall": recall, "f1": f1}
        if self.benign:
            result["false_positive_rate"] = self.fp_benign / self.benign
            result["benign"] = self.benign
        return result


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score_spans(counts: Counts, gold: list, predicted: list):
    counts.gold += len(gold)
    counts.pred += len(predicted)
    counts.tp_gold += sum(1 for g in gold if any(_overlaps(g, p) for p in predicted))
    counts.tp_pred += sum(1 for p in predicted if any(_overlaps(p, g) for g in gold))


def _leaves(categories) -> set[str]:
    result = set()
    for category in categories:
        result.update(CONTENT_UMBRELLAS.get(category, (category,)))
    return result


def evaluate(data_dir: Path = DATA) -> dict:
    """{split: {row name: Counts}} over every corpus file."""
    present = available_detectors()
    policy_set = PolicySet.from_yaml("policies:\n" + "".join(f"  - {POLICIES[n]}\n" for n in present),
                                     filename="accuracy")
    table: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    leaf_categories = sorted(_leaves(CONTENT_CATEGORIES))
    for path in sorted(data_dir.glob("*.jsonl")) + sorted(data_dir.joinpath("train").glob("*.jsonl")):
        prefix, _, split = path.stem.partition("_")
        split = "train" if path.parent.name == "train" else split or "all"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            decision = policy_set.evaluate_input(item["text"])
            results = {r.name: r for r in decision.results}
            failed = [r.name for r in decision.results if r.error]
            if failed:
                raise RuntimeError(f"{path.name}:{number}: detector(s) failed: {', '.join(failed)}")
            rows = table[split]
            if prefix.startswith(("pii", "mixed")) and "pii" in results:
                for entity in ENTITY_TYPES:
                    gold = [(s["start"], s["end"]) for s in item.get("spans", ()) if s["type"] == entity]
                    predicted = [(s.start, s.end) for s in results["pii"].spans if s.type == entity]
                    _score_spans(rows[entity], gold, predicted)
            if prefix.startswith(("secret", "mixed")) and "secrets" in results:
                gold = [(s["start"], s["end"]) for s in item.get("spans", ()) if s["type"] == "secret"]
                predicted = [(s.start, s.end) for s in results["secrets"].spans]
                _score_spans(rows["secret"], gold, predicted)
            if "injection" in item and "injection" in results:
                attack, flagged = bool(item["injection"]), results["injection"].action != "allow"
                row = rows["prompt-injection"]
                row.gold += attack
                row.tp_gold += attack and flagged
                row.pred += flagged
                row.tp_pred += attack and flagged
                row.benign += not attack
                row.fp_benign += (not attack) and flagged
            if "content" in item and "content" in results:
                gold_categories = _leaves(item["content"] or ())
                found = _leaves(results["content"].findings)
                for category in leaf_categories:
                    row = Counts()
                    row.gold = category in gold_categories
                    row.pred = category in found
                    row.tp_gold = row.tp_pred = row.gold and row.pred
                    rows[f"content: {category}"].add(row)
                    rows["content (all)"].add(row)
    return table


def report(table: dict) -> dict:
    """{row: {split: metrics}}, with an "all" split pooling the others."""
    pooled: dict[str, Counts] = defaultdict(Counts)
    for rows in table.values():
        for name, counts in rows.items():
            pooled[name].add(counts)
    out: dict[str, dict] = defaultdict(dict)
    for name, counts in pooled.items():
        out[name]["all"] = counts.metrics()
    for split, rows in table.items():
        if len(table) > 1 or split != "all":
            for name, counts in rows.items():
                out[name][split] = counts.metrics()
    return dict(out)


def misses(metrics: dict) -> list[str]:
    """Targets not met on the pooled corpus, as readable lines."""
    problems = []
    for (row, metric), target in TARGETS.items():
        value = metrics.get(row, {}).get("all", {}).get(metric)
        if value is None:
            problems.append(f"{row}: no labeled data for {metric}")
        elif metric == "false_positive_rate" and value > target:
            problems.append(f"{row} {metric} {value:.3f} > {target}")
        elif metric != "false_positive_rate" and value < target:
            problems.append(f"{row} {metric} {value:.3f} < {target}")
    return problems


ORDER = [*ENTITY_TYPES, "secret", "prompt-injection", "content (all)"]


def markdown(metrics: dict) -> str:
    def key(name):
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)

    lines = [
        "| detector / type | split | labeled | predicted | precision | recall | F1 | benign FP rate | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in sorted(metrics, key=key):
        target = ", ".join(f"{m.replace('false_positive_rate', 'FP rate').replace('f1', 'F1')} "
                           f"{'≤' if m == 'false_positive_rate' else '≥'} {t}"
                           for (row, m), t in TARGETS.items() if row == name)
        splits = sorted(metrics[name], key=lambda s: (s != "all", s))
        for split in splits:
            m = metrics[name][split]
            fp = f"{m['false_positive_rate']:.3f}" if "false_positive_rate" in m else ""
            lines.append(f"| {name} | {split} | {m['support']} | {m['predicted']} | {m['precision']:.3f} | "
                         f"{m['recall']:.3f} | {m['f1']:.3f} | {fp} | {target if split == 'all' else ''} |")
    return "\n".join(lines)


def markers(data_dir: Path) -> tuple[str, str]:
    """The doc markers of a corpus directory: the main table for tests/policy/data, one of its own otherwise."""
    if data_dir.resolve() == DATA:
        return START, END
    return f"<!-- accuracy:{data_dir.name}:start -->", f"<!-- accuracy:{data_dir.name}:end -->"


def write_doc(table_md: str, doc: Path = DOC, start: str = START, end: str = END):
    text = doc.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{doc} has no {start} … {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{table_md}\n{end}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {DOC.relative_to(ROOT)}")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="corpus directory (default: %(default)s)")
    args = parser.parse_args()
    if not args.data.is_dir():
        parser.error(f"--data {args.data}: not a directory")
    metrics = report(evaluate(args.data))
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        print(markdown(metrics))
    missing = set(POLICIES) - set(available_detectors())
    if missing:
        print(f"not measured (detector module missing): {', '.join(sorted(missing))}", file=sys.stderr)
    for problem in misses(metrics):
        print(f"below target: {problem}", file=sys.stderr)
    if args.write:
        write_doc(markdown(metrics), DOC, *markers(args.data))
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
