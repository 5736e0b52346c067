"""Prompt-injection rules vs rules+classifier, per corpus file and per writer.

    .venv/bin/python bench/injection_fp.py                 # table per file and per writer
    .venv/bin/python bench/injection_fp.py --list          # also every benign row the rules flag, with reasons
    .venv/bin/python bench/injection_fp.py --missed        # also every attack the rules miss (rules alone)
    .venv/bin/python bench/injection_fp.py --only inj_g inj_h   # just these writers/files
    .venv/bin/python bench/injection_fp.py --json out.json # per-row scores, to diff two versions

Reads tests/policy/data/injection_*.jsonl and tests/policy/data/train/inj_*.jsonl (never final/).
"rules" is the detector with the learned classifier switched off; "both" is the shipped detector
(rules and classifier, the higher score). The classifier was trained on every file here except
injection_unseen, so "both" is an upper bound on those; the rules were tuned only on dev/dev2 (and
the rows named in docs/policies.md), so the rules' numbers on train/ writers are the honest ones.
Threshold 0.5 (the default).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keeptrusts.policy.detectors import classifier, injection  # noqa: E402

DATA = ROOT / "tests/policy/data"
THRESHOLD = 0.5


def files() -> list[Path]:
    paths = sorted(DATA.glob("injection_*.jsonl")) + sorted((DATA / "train").glob("inj_*.jsonl"))
    return [p for p in paths if "final" not in p.parts]


def group_of(path: Path) -> str:
    """train/inj_a_03.jsonl -> inj_a (a writer); injection_dev.jsonl -> injection_dev."""
    return re.sub(r"_\d+$", "", path.stem)


def rows():
    for path in files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                item = json.loads(line)
                yield path, number, item["text"], bool(item["injection"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true", help="list benign rows the rules flag")
    parser.add_argument("--missed", action="store_true", help="list attacks the rules miss")
    parser.add_argument("--only", nargs="*", default=None, help="writers or file stems to include")
    parser.add_argument("--json", help="write per-row scores here")
    args = parser.parse_args()

    real_scores = classifier.scores
    results = []
    for path, number, text, attack in rows():
        if args.only and not any(group_of(path).startswith(o) or path.stem.startswith(o) for o in args.only):
            continue
        both = injection.detect(text)
        classifier.scores = lambda t: defaultdict(float)
        try:
            rules = injection.detect(text)
        finally:
            classifier.scores = real_scores
        results.append((path, number, text, attack, rules, both))

    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # attacks, rules, both, benign, rules, both
    for path, _, _, attack, rules, both in results:
        for key in (("file", path.relative_to(DATA).as_posix()), ("writer", group_of(path)),
                    ("pool", "train writers" if path.parent.name == "train" and not path.stem.startswith("inj_short") else "older files")):
            c = per[key]
            if attack:
                c[0] += 1
                c[1] += rules.score >= THRESHOLD
                c[2] += both.score >= THRESHOLD
            else:
                c[3] += 1
                c[4] += rules.score >= THRESHOLD
                c[5] += both.score >= THRESHOLD

    def fmt(n, d):
        return f"{n / d:.3f}" if d else "  -  "

    for kind in ("file", "writer", "pool"):
        print(f"\n{kind:40} attacks  recall rules  both | benign  FP rules        both")
        for (k, name), c in sorted(per.items()):
            if k == kind:
                print(f"{name:40} {c[0]:7}  {fmt(c[1], c[0]):>12} {fmt(c[2], c[0]):>5} | {c[3]:6}  {fmt(c[4], c[3])} ({c[4]:3}) "
                      f"{fmt(c[5], c[3])} ({c[5]:3})")
    tot = [sum(c[i] for (k, _), c in per.items() if k == "pool") for i in range(6)]
    print(f"{'ALL':40} {tot[0]:7}  {fmt(tot[1], tot[0]):>12} {fmt(tot[2], tot[0]):>5} | {tot[3]:6}  {fmt(tot[4], tot[3])} ({tot[4]:3}) "
          f"{fmt(tot[5], tot[3])} ({tot[5]:3})")

    if args.list:
        print("\nbenign rows the rules flag:")
        for path, number, text, attack, rules, _ in results:
            if not attack and rules.score >= THRESHOLD and "unseen" not in path.name:
                print(f"- {path.relative_to(DATA)}:{number} score {rules.score} {rules.scores}\n    {text[:400]!r}")
    if args.missed:
        print("\nattacks the rules miss:")
        for path, number, text, attack, rules, _ in results:
            if attack and rules.score < THRESHOLD and "unseen" not in path.name:  # never opened
                print(f"- {path.relative_to(DATA)}:{number} score {rules.score} {rules.scores}\n    {text[:300]!r}")
    if args.json:
        Path(args.json).write_text(json.dumps([
            {"file": path.relative_to(DATA).as_posix(), "line": number, "attack": attack, "rules": rules.score,
             "rule_reasons": rules.scores, "both": both.score} for path, number, _, attack, rules, both in results]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
