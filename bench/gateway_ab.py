"""Before/after CPU per request of two gateway checkouts, alternating on one mock so both see the same load.

    git archive <commit> | tar -x -C /tmp/before
    python bench/gateway_ab.py --other /tmp/before [--rounds 4] [--seconds 4] [--load same|unique|multi-turn] [--http-path]

`bench/gateway.py` moves with the machine's load by more than a 5 % change. This runs each gateway
(`--other`'s code and this checkout's, both with examples/full-policy.yaml) at c=64 for --seconds in
turn, --rounds times, and prints each round and the median CPU ms per request (user + system, from
/proc). `--http-path` adds the bare proxy and both gateways with no policies and no excerpts: the HTTP
path and request bookkeeping alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import gateway as bench  # noqa: E402  (bench/gateway.py: the same servers, load and CPU accounting)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, type=Path, help="the checkout to compare with (e.g. an archive of main)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--load", choices=("same", "unique", "multi-turn"), default="same",
                        help="the same 1 KB prompt (default), a unique 1 KB prompt per request, or multi-turn chats")
    parser.add_argument("--http-path", action="store_true", help="also the bare proxy and both gateways without policies")
    args = parser.parse_args()
    tmp, mock, upstream = bench.start_mock()
    (tmp / "no-policies.yaml").write_text("allowed_models: [gpt-4o]\npolicies: []\n")
    kt = bench.KT

    def gateway(tree: Path, policy: Path, env: dict | None = None):
        # `-m` puts the working directory first on sys.path: each gateway runs its own tree's code.
        return bench.spawn(kt + ["gateway", "run", "--policy-config", str(policy), "--port", "0", "--host", "127.0.0.1",
                                 "--upstream", upstream, "--keys-file", str(tmp / "keys.yaml"),
                                 "--events-file", str(tmp / f"events-{len(servers)}.jsonl"), "--log-level", "WARNING"],
                           env=env, cwd=tree)

    full = bench.REPO / "examples" / "full-policy.yaml"
    servers: dict = {}
    servers["before"] = gateway(args.other.resolve(), full)
    servers["now"] = gateway(bench.REPO, full)
    if args.http_path:
        servers["bare proxy"] = bench.spawn([sys.executable, "bench/bare_proxy.py", "--upstream", upstream])
        quiet = {"KT_EXCERPT_MODE": "none"}
        servers["before, no policies"] = gateway(args.other.resolve(), tmp / "no-policies.yaml", quiet)
        servers["now, no policies"] = gateway(bench.REPO, tmp / "no-policies.yaml", quiet)
    body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": bench.PROMPT}]}).encode()
    cpu: dict[str, list[float]] = {name: [] for name in servers}
    print(f"load average {os.getloadavg()[0]:.2f}; c=64, {args.load} prompt, {args.seconds:g} s per server and round")
    try:
        for round_number in range(args.rounds):
            for name, (proc, port) in servers.items():
                if args.load == "unique":  # fresh numbers every round, so no server sees a prompt twice
                    load = bench.UniquePrompts(int(3000 * args.seconds), start=(round_number * len(servers) + list(servers).index(name)) * 10_000_000)
                else:
                    load = bench.MultiTurn(10) if args.load == "multi-turn" else bench.SamePrompt(body)
                before = bench.cpu_seconds(proc.pid)
                rps, latencies = asyncio.run(bench.concurrent(f"http://127.0.0.1:{port}/v1/chat/completions", load, 64, args.seconds))
                cpu[name].append((bench.cpu_seconds(proc.pid) - before) * 1000 / (len(latencies) + 64))
                print(f"{round_number} {name:22s} {cpu[name][-1]:.3f} CPU ms/req  {rps:6.0f} req/s  "
                      f"p99 {bench.pct(latencies, 0.99):6.1f} ms  load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        for proc, _ in list(servers.values()) + [(mock, 0)]:
            bench.stop(proc)
    print()
    for name, values in cpu.items():
        print(f"{name:22s} median {statistics.median(values):.3f} CPU ms/req")
    return 0


if __name__ == "__main__":
    sys.exit(main())
