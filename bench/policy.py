"""Policy engine speed: examples/full-policy.yaml on prompts of 1 KB … 1 MB, on one core.

    .venv/bin/python bench/policy.py                 # default sizes, human table
    .venv/bin/python bench/policy.py --quick         # fewer rounds (CI smoke, noisy machines)
    .venv/bin/python bench/policy.py --json          # machine-readable

Targets (issue 3): 1 KB ≤ 1 ms median and ≤ 3 ms p99; 100 KB ≤ 30 ms; cost linear in size.
Also prints the time per policy on 1 KB and 100 KB (to find the slow detector), the streaming guard's
cost per response, and adversarial inputs (long runs of digits, @, whitespace, brackets).
The prompt text is synthetic developer traffic (prose, code, a stack trace, a CSV, an
email signature) with a few emails, names and phone numbers, generated from a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keeptrusts.policy import PolicySet  # noqa: E402

BLOCKS = [
    "Can you review this function? It times out on large inputs and I am not sure why the cache misses.\n",
    "def load(path):\n    with open(path) as fh:\n        return [json.loads(line) for line in fh if line.strip()]\n",
    'Traceback (most recent call last):\n  File "/srv/app/worker.py", line 88, in run\n    result = task()\n'
    "ValueError: invalid literal for int() with base 10: 'abc'\n",
    "id,created_at,status,amount\n1042,2026-11-02T10:14:00Z,paid,129.90\n1043,2026-11-02T10:15:12Z,refunded,15.00\n",
    "Thanks, {name}\nSenior Engineer, Platform\n{email} | {phone}\n",
    "The deploy of version 2.14.3 failed on build 8812 with commit 3f9c2a1b; retrying after the migration lock.\n",
    "SELECT user_id, count(*) FROM events WHERE ts > now() - interval '7 days' GROUP BY 1 ORDER BY 2 DESC;\n",
    "Please summarise the ticket below and suggest next steps for the on-call engineer in Berlin.\n",
]
NAMES = ["Maria Garcia", "Wei Zhang", "Aisha Okafor", "John Miller", "Priya Patel", "Lars Nilsson"]


def prompt_of(size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        block = rng.choice(BLOCKS)
        if "{name}" in block:
            name = rng.choice(NAMES)
            block = block.format(name=name, email=name.split()[0].lower() + "@example.com",
                                 phone=f"+1 415 555 {rng.randint(1000, 9999)}")
        parts.append(block)
        total += len(block)
    return "".join(parts)[:size]


ADVERSARIAL = {
    "digits": lambda n: "1" * n,
    "digits_spaced": lambda n: ("1234 " * (n // 5 + 1))[:n],
    "at_signs": lambda n: "@" * n,
    "emailish": lambda n: ("a@" * (n // 2 + 1))[:n],
    "dots": lambda n: ("a." * (n // 2 + 1))[:n],
    "whitespace": lambda n: " \t\n" * (n // 3),
    "brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "braces_json": lambda n: '{"a":' * (n // 5) + "1" + "}" * (n // 5),
    "capitalised": lambda n: ("Alpha " * (n // 6 + 1))[:n],
    "base64ish": lambda n: ("QUJD" * (n // 4 + 1))[:n],
    "hex": lambda n: ("deadbeef" * (n // 8 + 1))[:n],
}


def time_call(fn, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def variants(text: str) -> list[str]:
    """Two copies of `text` that differ in the last character, for alternate rounds: detectors remember
    their last text (a request's policies read the same message one after another), and a benchmark
    that fed them one string over and over would time those reuses, not the scans a new request needs."""
    return [text[:-1] + "x", text[:-1] + "y"] if text else ["", ""]


def alternating(fn, arguments: list):
    """A callable that passes `arguments` in turn to `fn`."""
    state = {"i": 0}

    def call():
        state["i"] += 1
        return fn(arguments[state["i"] % len(arguments)])

    return call


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policy", default=str(ROOT / "examples/full-policy.yaml"))
    parser.add_argument("--sizes", default="1024,10240,102400,1048576")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (single core)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    policy_set = PolicySet.from_yaml(Path(args.policy).read_text(), filename=args.policy)
    report: dict = {"policy": args.policy, "sizes": [], "adversarial_100kb": {}}

    # Warm up: imports, regex compilation, name lists.
    policy_set.evaluate_input(prompt_of(4096))
    policy_set.evaluate_output(prompt_of(4096), prompt="hi")

    for size in (int(s) for s in args.sizes.split(",")):
        texts = variants(prompt_of(size))
        evaluate = alternating(lambda text: policy_set.evaluate_input([{"role": "user", "content": text}]), texts)
        budget_ms = 4000 if not args.quick else 800
        probe = time_call(evaluate, 3)
        rounds = max(5, min(3000 if not args.quick else 300, int(budget_ms / max(statistics.median(probe), 0.01))))
        samples = time_call(evaluate, rounds)
        errors = [r.name for r in evaluate().results if r.error]
        report["sizes"].append({"bytes": size, "rounds": rounds, "median_ms": statistics.median(samples),
                                "p99_ms": percentile(samples, 0.99), "ms_per_kb": statistics.median(samples) / (size / 1024),
                                "failed_policies": errors})

    for size, key, rounds in ((1024, "per_policy_1kb", 300 if args.quick else 2000), (102400, "per_policy_100kb", 5 if args.quick else 30)):
        texts = variants(prompt_of(size))
        report[key] = {}
        for policy in policy_set.policies_for("input") + policy_set.policies_for("output"):
            phase = "input" if policy in policy_set.policies_for("input") else "output"
            run = alternating(lambda text: policy_set.run_policy(policy, text, phase, {"prompt": "hi"}), texts)
            report[key][f"{policy.name} ({policy.type}, {phase})"] = statistics.median(time_call(run, rounds))

    answer = prompt_of(4096, seed=11)
    deltas = [answer[i:i + 4] for i in range(0, len(answer), 4)]

    def stream():
        guard = policy_set.output_guard(prompt="hi")
        for delta in deltas:
            guard.feed(delta)
        guard.finish("stop")

    report["stream_4kb_in_4_char_deltas_ms"] = statistics.median(time_call(stream, 5 if args.quick else 20))

    for name, make in ADVERSARIAL.items():
        text = make(100 * 1024)
        report["adversarial_100kb"][name] = max(time_call(lambda: policy_set.evaluate_input(text), 1 if args.quick else 3))

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"policy: {args.policy} (one core, CPU {args.cpu})")
    print(f"{'prompt':>9} {'rounds':>7} {'median ms':>10} {'p99 ms':>8} {'ms/KB':>7}")
    for row in report["sizes"]:
        failed = f"  FAILED: {', '.join(row['failed_policies'])}" if row["failed_policies"] else ""
        print(f"{_size(row['bytes']):>9} {row['rounds']:>7} {row['median_ms']:>10.3f} {row['p99_ms']:>8.3f} "
              f"{row['ms_per_kb']:>7.4f}{failed}")
    for key, label in (("per_policy_1kb", "1 KB"), ("per_policy_100kb", "100 KB")):
        print(f"\nper policy on {label} (median ms; output policies read the text as an answer):")
        for name, ms in sorted(report[key].items(), key=lambda kv: -kv[1]):
            print(f"  {ms:8.3f}  {name}")
    print(f"\nstreaming guard, 4 KB answer in 4-char deltas: {report['stream_4kb_in_4_char_deltas_ms']:.1f} ms per response")
    print("\nadversarial 100 KB inputs (worst ms):")
    for name, ms in report["adversarial_100kb"].items():
        print(f"  {ms:8.1f}  {name}")
    return 0


def _size(n: int) -> str:
    return f"{n // 1048576} MB" if n >= 1048576 else f"{n // 1024} KB"


if __name__ == "__main__":
    sys.exit(main())
