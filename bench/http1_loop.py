"""CPU per upstream call of the gateway's HTTP/1.1 client alone, in a loop against `kt mock-upstream`.

    git show <commit>:keeptrusts/gateway/http1.py > /tmp/http1_before.py
    python bench/http1_loop.py [--other /tmp/http1_before.py] [--calls 4000] [--rounds 5] [--concurrency 16]

Each round runs --calls non-streaming chat calls (the bench's 1 KB prompt, --concurrency at a time, one
pooled client, uvloop) and then --calls / 10 streamed calls (read line by line), with this checkout's
`keeptrusts/gateway/http1.py` and, alternating in the same process, --other's; it prints the process CPU
time (user + system, from `time.process_time`) per call and the medians. The mock runs in its own
process, so only the client's work is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import gateway as bench  # noqa: E402  (bench/gateway.py: the mock and the prompt)

from keeptrusts.gateway import http1  # noqa: E402


def load(path: str):
    spec = importlib.util.spec_from_file_location("http1_other", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def calls(module, upstream: str, body: bytes, stream_body: bytes, count: int, concurrency: int) -> tuple[float, float]:
    client = module.Client(upstream, {"Content-Type": "application/json", "Authorization": "Bearer mock"},
                           total_timeout=30, read_timeout=30, connect_timeout=5)

    async def plain(n: int) -> None:
        for _ in range(n):
            response = await client.post("/chat/completions", body)
            assert response.status == 200 and await response.read()

    async def streamed(n: int) -> None:
        for _ in range(n):
            response = await client.post("/chat/completions", stream_body, stream=True)
            lines = [line async for line in response.content]
            response.release()
            assert response.status == 200 and lines

    await asyncio.gather(*(plain(10) for _ in range(concurrency)))  # warm-up: every connection open
    started = time.process_time()
    await asyncio.gather(*(plain(count // concurrency) for _ in range(concurrency)))
    per_call = (time.process_time() - started) * 1000 / (count // concurrency * concurrency)
    streams = max(1, count // 10 // concurrency)
    started = time.process_time()
    await asyncio.gather(*(streamed(streams) for _ in range(concurrency)))
    per_stream = (time.process_time() - started) * 1000 / (streams * concurrency)
    await client.close()
    return per_call, per_stream


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", help="another version of http1.py to compare with")
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    tmp, mock, upstream = bench.start_mock()
    versions = {"now": http1}
    if args.other:
        versions = {"before": load(args.other), "now": http1}
    message = {"model": "gpt-4o", "messages": [{"role": "user", "content": bench.PROMPT}]}
    body, stream_body = json.dumps(message).encode(), json.dumps(dict(message, stream=True)).encode()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    print(f"load average {os.getloadavg()[0]:.2f}; {args.calls} calls, {args.concurrency} at a time")
    try:
        for round_number in range(args.rounds):
            for name, module in versions.items():
                results[name].append(asyncio.run(calls(module, upstream, body, stream_body, args.calls, args.concurrency)))
                call, stream = results[name][-1]
                print(f"{round_number} {name:7s} {call:.4f} CPU ms/call  {stream:.3f} CPU ms/stream  load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        bench.stop(mock)
    print()
    for name, values in results.items():
        print(f"{name:7s} median {statistics.median(v[0] for v in values):.4f} CPU ms/call, "
              f"{statistics.median(v[1] for v in values):.3f} CPU ms/stream")
    return 0


if __name__ == "__main__":
    sys.exit(main())
