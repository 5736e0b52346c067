"""Gateway overhead, side by side in one run: direct to the mock, through a bare proxy, through the gateway.

    python bench/gateway.py                      # defaults: full-policy.yaml, 1 KB prompt, 1 worker
    python bench/gateway.py --workers 2 --seconds 10 --c1-requests 1000
    python bench/gateway.py --profile prof.txt   # also: cProfile of the gateway under the c=64 load

Everything runs on this machine: `kt mock-upstream`, `bench/bare_proxy.py` and `kt gateway run`
(standalone, examples/full-policy.yaml) as subprocesses on ephemeral ports; the load generator is
this process (aiohttp + uvloop). Measured:
- concurrency 1: latency p50/p99 of each path; "added" = path minus direct, requests interleaved
  across the three paths so drift in machine load hits them equally;
- concurrency 64: throughput and p99 of each path; the issue's three rows (direct, bare proxy, gateway on
  the same prompt) alternate for --rounds rounds of --seconds each and pool their results, so drift in the
  machine's load hits them alike (each round's gateway/bare ratio is printed too);
- streaming: time to first content chunk (TTFT) at concurrency 1, and its overhead over direct;
- RSS of the gateway (all workers) at the end of the load.
Beside the issue's configuration (the same 1 KB prompt on every request, which the gateway's
detection cache answers after the first request), three more c=64 rows keep the uncached cost visible:
- "unique prompt": every request's 1 KB prompt differs (a request number and varied words), so every
  input scan misses the cache — the cost of a first turn or a one-shot prompt;
- "multi-turn": each of the 64 clients holds a chat (system prompt, --turns questions, each answer
  re-sent as history, then a new chat), the way chat clients call an LLM; every question is new;
- "multi-turn, cache off": the same chats through a second gateway started with KT_DETECTION_CACHE_ENTRIES=0;
  the bare proxy also carries the multi-turn chats, as the reference for the larger bodies.
Results go to stdout (markdown) and bench/results/gateway-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
KEY = "kt_gk_bench000000000000000000000000000000000"
PROMPT = ("Please review the following function and suggest improvements to readability and error handling. " * 11)[:1024]
SYSTEM_PROMPT = ("You are the engineering assistant of the platform team. Answer concisely, prefer standard library "
                 "solutions, show code in fenced blocks, and say when you are unsure. Our services run Python 3.12 on "
                 "Kubernetes with PostgreSQL and Redis; deployments go through the CI pipeline after review. ") * 2
WORDS = ("function cache request response handler timeout retry queue worker database index query migration schema "
         "deploy build test fixture mock client server thread loop socket buffer parser token config setting module "
         "package import export logging metric latency throughput memory allocation profile benchmark readability "
         "error handling exception boundary validation interface refactor naming comment review branch commit merge "
         "release version dependency upgrade rollback alert dashboard pipeline stage artifact container image volume").split()


def varied_text(number: int, size: int) -> str:
    """Developer prose of about `size` characters, different for every `number` (no PII, nothing a policy blocks)."""
    rng = random.Random(number)
    sentences = [f"Request {number}: please review the following code and suggest improvements."]
    while sum(map(len, sentences)) < size:
        words = rng.sample(WORDS, rng.randint(8, 16))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)[:size]


class SamePrompt:
    """The issue's configuration: one body for every request."""

    def __init__(self, body: bytes):
        self.body = body

    def client(self):
        return self

    def next_body(self) -> bytes:
        return self.body

    def answered(self, raw: bytes) -> None:
        pass


class UniquePrompts(SamePrompt):
    """A different 1 KB prompt on every request, generated before the clock starts (more on demand if they run out)."""

    def __init__(self, count: int, start: int = 0):
        self.numbers = itertools.count(start)
        self.bodies = [self._body(next(self.numbers)) for _ in range(count)]
        self.bodies.reverse()

    @staticmethod
    def _body(number: int) -> bytes:
        return json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": varied_text(number, len(PROMPT))}]}).encode()

    def next_body(self) -> bytes:
        return self.bodies.pop() if self.bodies else self._body(next(self.numbers))


class MultiTurn:
    """Each client holds a chat: system prompt, questions, the answers re-sent as history; after `turns` a new chat."""

    numbers = itertools.count(10_000_000)

    def __init__(self, turns: int):
        self.turns = turns
        self.sizes: list[int] = []

    def client(self) -> "MultiTurn._Chat":
        return MultiTurn._Chat(self)

    class _Chat:
        def __init__(self, owner: "MultiTurn"):
            self.owner = owner
            self.history: list[dict] = []

        def next_body(self) -> bytes:
            if len(self.history) >= 2 * self.owner.turns:
                self.history = []
            number = next(MultiTurn.numbers)
            question = {"role": "user", "content": varied_text(number, 300 + number % 500)}
            messages = [{"role": "system", "content": SYSTEM_PROMPT}] + self.history + [question]
            self.history.append(question)
            body = json.dumps({"model": "gpt-4o", "messages": messages}).encode()
            self.owner.sizes.append(len(body))
            return body

        def answered(self, raw: bytes) -> None:
            self.history.append({"role": "assistant", "content": json.loads(raw)["choices"][0]["message"]["content"]})


def spawn(args: list[str], env: dict | None = None, cwd: Path = REPO) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, **(env or {})))
    line = proc.stdout.readline()
    match = re.search(r"listening on http://[\d.]+:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"{args[:4]} did not start: {line!r}")
    return proc, int(match.group(1))


KT = [sys.executable, "-m", "keeptrusts.cli"]


def start_mock() -> tuple[Path, subprocess.Popen, str]:
    """uvloop for the load generator, a scratch directory with the bench key, and `kt mock-upstream`:
    (scratch directory, mock process, upstream base URL)."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    tmp = Path(tempfile.mkdtemp(prefix="kt-bench-"))
    (tmp / "keys.yaml").write_text(f"keys:\n  - {{key: {KEY}, user: bench@example.com, team: platform}}\n")
    mock, mock_port = spawn(KT + ["mock-upstream", "--port", "0"])
    return tmp, mock, f"http://127.0.0.1:{mock_port}/v1"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mb(pid: int) -> float:
    """RSS of a process and its children (the gateway's workers), in MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (workers): robust to a shared, busy machine."""
    total = 0.0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def one(session: aiohttp.ClientSession, url: str, body: bytes, client=None) -> float:
    started = time.perf_counter()
    async with session.post(url, data=body, headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}) as resp:
        raw = await resp.read()
        if resp.status != 200:
            raise SystemExit(f"{url} answered {resp.status}: {raw[:300]!r}")
    elapsed = (time.perf_counter() - started) * 1000
    if client is not None:
        client.answered(raw)
    return elapsed


async def ttft(session: aiohttp.ClientSession, url: str, body: bytes) -> float:
    started = time.perf_counter()
    first = None
    async with session.post(url, data=body, headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}) as resp:
        async for line in resp.content:
            if first is None and b'"content":"' in line and b'"content":""' not in line:
                first = (time.perf_counter() - started) * 1000
    return first if first is not None else float("nan")


async def sequential(targets: dict[str, str], body: bytes, count: int, measure) -> dict[str, list[float]]:
    results = {name: [] for name in targets}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for name, url in targets.items():  # warm-up: connections, caches, detector loading
            for _ in range(30):
                await measure(session, url, body)
        for _ in range(count):
            for name, url in targets.items():
                results[name].append(await measure(session, url, body))
    return results


async def each_once(url: str, bodies: list[bytes]) -> list[float]:
    """TTFT of each body in turn, at concurrency 1."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        return [await ttft(session, url, body) for body in bodies]


async def concurrent(url: str, load, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    clients = [load.client() for _ in range(concurrency)]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        # Warm-up at full concurrency: every connection (client → server → upstream) is open before the clock
        # starts, as in a service with pooled clients; a cold burst of 64 new connections is not what we measure.
        for _ in range(2):
            await asyncio.gather(*(one(session, url, client.next_body(), client) for client in clients))
        deadline = time.perf_counter() + seconds

        async def worker(client):
            while time.perf_counter() < deadline:
                latencies.append(await one(session, url, client.next_body(), client))

        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


def c64_row(path: str, load: str, latencies: list[float], seconds: float, cpu: float, requests: int) -> dict:
    """One c=64 row of the report: `requests` counts the warm-up's too, since the server's CPU time does."""
    return {"path": path, "load": load, "rps": round(len(latencies) / seconds), "p50_ms": round(pct(latencies, 0.5), 2),
            "p99_ms": round(pct(latencies, 0.99), 2), "cpu_ms_per_request": round(cpu * 1000 / max(1, requests), 3)}


def host_speed() -> str:
    """The host's plain-Python speed, the same figure docs/performance.md quotes for each round: the
    c=1 latencies and the TTFT overhead scale with it, so a slow host is not read as a regression."""
    per_loop = min(timeit.repeat("sum(x)", "x = list(range(1000))", number=20000, repeat=5)) / 20000
    return f"timeit sum(range(1000)) {per_loop * 1e6:.2f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description="Gateway overhead vs direct and a bare proxy (see module docstring).")
    parser.add_argument("--policy", default=str(REPO / "examples" / "full-policy.yaml"))
    parser.add_argument("--workers", type=int, default=1, help="processes for the bare proxy and for the gateway")
    parser.add_argument("--c1-requests", type=int, default=400, help="requests per path at concurrency 1")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=4.0, help="duration per path (per round, for the issue's rows) at --concurrency")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in which the issue's c=64 rows alternate (direct, bare, gateway)")
    parser.add_argument("--stream-requests", type=int, default=150)
    parser.add_argument("--profile", help="write a cProfile summary of the gateway under load to this file")
    parser.add_argument("--py-spy", help="sample the gateway with py-spy during one c=64 run (--py-spy-row); write a top-functions summary here")
    parser.add_argument("--py-spy-row", default="same prompt", choices=("same prompt", "unique prompt", "multi-turn"),
                        help="which gateway row py-spy samples (default: the issue's, the same prompt)")
    parser.add_argument("--turns", type=int, default=10, help="questions per chat in the multi-turn rows")
    parser.add_argument("--skip-extra-rows", action="store_true", help="only the issue's configuration (no unique/multi-turn rows)")
    args = parser.parse_args()
    tmp, mock, upstream = start_mock()
    kt = KT
    bare, bare_port = spawn([sys.executable, "bench/bare_proxy.py", "--upstream", upstream, "--workers", str(args.workers)])
    gateway_cmd = kt + ["gateway", "run", "--policy-config", args.policy, "--port", "0", "--host", "127.0.0.1", "--upstream", upstream,
                        "--keys-file", str(tmp / "keys.yaml"), "--events-file", str(tmp / "events.jsonl"), "--workers", str(args.workers),
                        "--log-level", "WARNING"]
    if args.profile:
        gateway_cmd = [sys.executable, "-m", "cProfile", "-o", str(tmp / "gateway.prof")] + gateway_cmd[1:]
    gateway, gateway_port = spawn(gateway_cmd)
    uncached = None
    if not args.skip_extra_rows:
        uncached, uncached_port = spawn(kt + gateway_cmd[gateway_cmd.index("gateway"):], env={"KT_DETECTION_CACHE_ENTRIES": "0"})
    targets = {"direct": f"{upstream}/chat/completions", "bare proxy": f"http://127.0.0.1:{bare_port}/v1/chat/completions",
               "gateway": f"http://127.0.0.1:{gateway_port}/v1/chat/completions"}
    body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": PROMPT}]}).encode()
    stream_body = json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": PROMPT}]}).encode()
    report: dict = {"machine": f"{os.cpu_count()} cores, {host_speed()}, load average {os.getloadavg()[0]:.2f} at start",
                    "workers": args.workers, "policy": Path(args.policy).name, "prompt_bytes": len(PROMPT)}
    # (row, path, url, server pid, load): the rows first, then the ones that show the uncached cost.
    same = SamePrompt(body)
    rows = [("direct", "direct", targets["direct"], mock.pid, same), ("bare proxy", "bare proxy", targets["bare proxy"], bare.pid, same),
            ("gateway", "same prompt", targets["gateway"], gateway.pid, same)]
    if uncached is not None:
        budget = int(args.seconds * 4000) + args.concurrency  # more prompts than the gateway can take in --seconds
        chats = MultiTurn(args.turns)
        rows += [("gateway", "unique prompt", targets["gateway"], gateway.pid, UniquePrompts(budget)),
                 ("bare proxy", "multi-turn", targets["bare proxy"], bare.pid, MultiTurn(args.turns)),
                 ("gateway", "multi-turn", targets["gateway"], gateway.pid, chats),
                 ("gateway", "multi-turn, cache off", f"http://127.0.0.1:{uncached_port}/v1/chat/completions", uncached.pid,
                  MultiTurn(args.turns))]
    try:
        c1 = asyncio.run(sequential(targets, body, args.c1_requests, one))
        report["c1"] = {name: {"p50_ms": round(pct(v, 0.5), 3), "p99_ms": round(pct(v, 0.99), 3)} for name, v in c1.items()}
        for name in ("bare proxy", "gateway"):
            report["c1"][name]["added_p50_ms"] = round(pct(c1[name], 0.5) - pct(c1["direct"], 0.5), 3)
            report["c1"][name]["added_p99_ms"] = round(pct(c1[name], 0.99) - pct(c1["direct"], 0.99), 3)
        report["c64"] = []
        peak_rss = 0.0
        # The three rows (direct, bare proxy, gateway on the same prompt) alternate for --rounds rounds,
        # so a neighbour's burst on this shared VM hits all three rather than one row: their req/s, p99 and
        # CPU pool every round, and the gateway/bare ratio of each round is kept to show the spread.
        pooled = {path: {"seconds": 0.0, "latencies": [], "cpu": 0.0, "requests": 0} for path, *_ in rows[:3]}
        round_ratios = []
        for _ in range(args.rounds):
            rates = {}
            for path, load_name, url, pid, load in rows[:3]:
                cpu_before = cpu_seconds(pid)
                rps, latencies = asyncio.run(concurrent(url, load, args.concurrency, args.seconds))
                into = pooled[path]
                into["cpu"] += cpu_seconds(pid) - cpu_before
                into["requests"] += len(latencies) + args.concurrency
                into["seconds"] += len(latencies) / rps
                into["latencies"] += latencies
                rates[path] = rps
                if pid == gateway.pid:
                    peak_rss = max(peak_rss, rss_mb(gateway.pid))
            round_ratios.append(round(rates["gateway"] / rates["bare proxy"], 3))
            print("c=64 round: " + ", ".join(f"{path} {rate:,.0f} req/s" for path, rate in rates.items()), file=sys.stderr, flush=True)
        for path, load_name, *_ in rows[:3]:
            into = pooled[path]
            report["c64"].append(c64_row(path, load_name, into["latencies"], into["seconds"], into["cpu"], into["requests"]))
        report["round_ratios"] = round_ratios
        for path, load_name, url, pid, load in rows[3:] + ([rows[2]] if args.py_spy and args.py_spy_row == "same prompt" else []):
            spy = None
            if path == "gateway" and args.py_spy and load_name == args.py_spy_row:
                spy = subprocess.Popen([shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw", "-o", str(tmp / "spy.txt"), "-r", "200",
                                        "-d", str(int(args.seconds)), "-p", str(pid), "--subprocesses"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(0.5)
            cpu_before = cpu_seconds(pid)
            rps, latencies = asyncio.run(concurrent(url, load, args.concurrency, args.seconds))
            row = c64_row(path, load_name, latencies, len(latencies) / rps, cpu_seconds(pid) - cpu_before, len(latencies) + args.concurrency)
            if isinstance(load, MultiTurn):
                row["mean_body_bytes"] = round(statistics.mean(load.sizes))
            if not spy or load_name != "same prompt":  # the profiled extra run of the row is not reported
                report["c64"].append(row)
            if pid == gateway.pid:
                peak_rss = max(peak_rss, rss_mb(gateway.pid))
            if spy is not None:
                spy.wait(30)
                summarize_spy(tmp / "spy.txt", Path(args.py_spy))
        streams = asyncio.run(sequential({k: v for k, v in targets.items()}, stream_body, args.stream_requests, ttft))
        report["ttft"] = {name: round(statistics.median(v), 3) for name, v in streams.items()}
        report["ttft"]["gateway_overhead_ms"] = round(report["ttft"]["gateway"] - report["ttft"]["direct"], 3)
        if uncached is not None:
            unique_streams = [json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": varied_text(n, len(PROMPT))}]}).encode()
                              for n in range(20_000_000, 20_000_000 + args.stream_requests)]
            report["ttft"]["gateway_unique_prompt"] = round(statistics.median(asyncio.run(each_once(targets["gateway"], unique_streams))), 3)
            report["ttft"]["gateway_unique_prompt_overhead_ms"] = round(report["ttft"]["gateway_unique_prompt"] - report["ttft"]["direct"], 3)
        report["gateway_rss_mb"] = round(peak_rss, 1)
        report["machine"] += f", {os.getloadavg()[0]:.2f} at end"
    finally:
        for proc in (gateway, uncached, bare, mock):
            if proc is not None:
                stop(proc)
    if args.profile:
        import pstats

        with open(args.profile, "w") as out:
            stats = pstats.Stats(str(tmp / "gateway.prof"), stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
    print_report(report)
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"gateway-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    return 0


def summarize_spy(raw: Path, out: Path) -> None:
    """Collapsed stacks → share of busy samples per frame (inclusive), grouped the way the docs report them."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}  # the leaf frame: where the CPU is actually spent
    busy = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if frames and ("select" in frames[-1] or "poll" in frames[-1]) and "epoll" in stack:
            continue  # idle in the event loop
        busy += int(count)
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
    lines = [f"{busy} busy samples", "", "inclusive (the frame and what it calls):"]
    for frame, count in sorted(inclusive.items(), key=lambda item: -item[1])[:60]:
        lines.append(f"{count / busy:6.1%}  {frame}")
    lines += ["", "own (the frame itself):"]
    for frame, count in sorted(own.items(), key=lambda item: -item[1])[:40]:
        lines.append(f"{count / busy:6.1%}  {frame}")
    out.write_text("\n".join(lines) + "\n")
    shutil.copyfile(raw, out.with_suffix(".raw"))  # the collapsed stacks, for other cuts


def print_report(r: dict) -> None:
    print(f"\n{r['machine']}; {r['workers']} worker(s); {r['policy']}; {r['prompt_bytes']} B prompt\n")
    print("| path | c=1 p50 ms | c=1 p99 ms | added p50 | added p99 | c=64 req/s | c=64 p99 ms | CPU ms/req | TTFT ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    same = {row["path"]: row for row in r["c64"] if row["load"] in ("direct", "bare proxy", "same prompt")}
    for name in ("direct", "bare proxy", "gateway"):
        c1, c64 = r["c1"][name], same[name]
        print(f"| {name} | {c1['p50_ms']} | {c1['p99_ms']} | {c1.get('added_p50_ms', '–')} | {c1.get('added_p99_ms', '–')} | "
              f"{c64['rps']} | {c64['p99_ms']} | {c64['cpu_ms_per_request']} | {r['ttft'][name]} |")
    bare, gw = same["bare proxy"], same["gateway"]
    ratios = r.get("round_ratios") or []
    spread = f" (rounds: {', '.join(f'{x:.0%}' for x in ratios)})" if len(ratios) > 1 else ""
    print(f"\ngateway throughput = {gw['rps'] / bare['rps']:.0%} of the bare proxy's{spread}; p99 = {gw['p99_ms'] / bare['p99_ms']:.2f}× the bare "
          f"proxy's; TTFT overhead {r['ttft']['gateway_overhead_ms']} ms; gateway RSS {r['gateway_rss_mb']} MB")
    # The ratio that holds on a busy machine: when other work starves the bare proxy, its req/s (and so the
    # throughput ratio) says more about the machine than about the gateway. The throughput ratio is 1 / the CPU
    # ratio only when both servers keep one core busy; the mock and the load generator share the other core
    # and can hold the bare proxy below that, so each server's busy cores are printed beside it.
    busy = {name: row["cpu_ms_per_request"] * row["rps"] / 1000 for name, row in (("bare proxy", bare), ("gateway", gw))}
    print(f"gateway CPU per request = {gw['cpu_ms_per_request'] / bare['cpu_ms_per_request']:.2f}× the bare proxy's; busy cores "
          f"(CPU-bound = {r['workers']}.0, one per worker): bare proxy {busy['bare proxy']:.2f}, gateway {busy['gateway']:.2f}; {r['machine']}")
    print("\nc=64, every row side by side (gateway rows relative to the bare proxy on the same bodies):\n")
    print("| path | requests | mean body | req/s | p50 ms | p99 ms | CPU ms/req | vs bare: req/s | vs bare: p99 |")
    print("|---|---|---|---|---|---|---|---|---|")
    bare_by_load = {row["load"]: row for row in r["c64"] if row["path"] == "bare proxy"}
    for row in r["c64"]:
        reference = bare_by_load.get("multi-turn" if row["load"].startswith("multi-turn") else "bare proxy")
        relative = ("–", "–") if row["path"] != "gateway" or reference is None else (
            f"{row['rps'] / reference['rps']:.0%}", f"{row['p99_ms'] / reference['p99_ms']:.1f}×")
        size = f"{row['mean_body_bytes']:,} B" if "mean_body_bytes" in row else f"{r['prompt_bytes']:,} B prompt"
        load = "same 1 KB prompt" if row["load"] in ("direct", "bare proxy", "same prompt") else row["load"]
        print(f"| {row['path']} | {load} | {size} | {row['rps']:,} | {row['p50_ms']} | {row['p99_ms']} | {row['cpu_ms_per_request']} | "
              f"{relative[0]} | {relative[1]} |")
    if "gateway_unique_prompt" in r["ttft"]:
        print(f"\nTTFT with a unique prompt per stream: {r['ttft']['gateway_unique_prompt']} ms "
              f"(overhead {r['ttft']['gateway_unique_prompt_overhead_ms']} ms over direct)")


if __name__ == "__main__":
    sys.exit(main())
