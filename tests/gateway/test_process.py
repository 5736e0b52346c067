"""`kt gateway run` and `kt mock-upstream` as the processes an operator starts."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.gateway.conftest import ALICE_KEY, needs_detectors, write_keys

REPO = Path(__file__).resolve().parents[2]
KT = [sys.executable, "-m", "keeptrusts.cli"]


def spawn(args, env=None):
    """Start `kt …` and wait for its `listening on http://host:port` line."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KT_")}
    full_env.update(env or {})
    proc = subprocess.Popen(KT + args, cwd=REPO, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"listening on http://[\d.]+:(\d+)", line)
    if not match:
        proc.kill()
        raise AssertionError(f"did not start: {line!r} {proc.stderr.read()}")
    return proc, int(match.group(1))


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def mock_process():
    proc, port = spawn(["mock-upstream", "--port", "0", "--delay-ms", "0"])
    yield port
    stop(proc)


@pytest.fixture
def gateway_process(tmp_path, mock_process):
    procs = []

    def start(*extra, policy: Path | None = None):
        keys = write_keys(tmp_path / "keys.yaml", (ALICE_KEY, "alice@example.com", "platform"))
        if policy is None:
            policy = tmp_path / "policy.yaml"
            policy.write_text("policies:\n  - {name: team-secrets, type: dlp-filter, action: block}\n")
        args = ["gateway", "run", "--policy-config", str(policy), "--port", "0", "--host", "127.0.0.1",
                "--upstream", f"http://127.0.0.1:{mock_process}/v1", "--keys-file", str(keys),
                "--events-file", str(tmp_path / "events.jsonl"), *extra]
        proc, port = spawn(args)
        procs.append(proc)
        return proc, port

    yield start
    for proc in procs:
        stop(proc)


@needs_detectors("pii", "content", "injection")
def test_seed_curl_line_works_as_written(gateway_process):
    _, port = gateway_process(policy=REPO / "examples" / "team-policy.yaml")
    # The seed's Day 2 line, with gateway.internal:41002 read as this test's address.
    result = subprocess.run(
        ["curl", "-s", "-X", "POST", f"http://127.0.0.1:{port}/v1/chat/completions",
         "-H", f"Authorization: Bearer {ALICE_KEY}",
         "-H", "Content-Type: application/json",
         "-d", '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}'],
        capture_output=True, text=True, timeout=20)
    answer = json.loads(result.stdout)
    assert answer["object"] == "chat.completion" and answer["choices"][0]["message"]["content"]


def test_port_in_use_is_one_line_naming_the_port_and_the_fix(gateway_process, mock_process):
    result = subprocess.run(KT + ["gateway", "run", "--port", str(mock_process), "--host", "127.0.0.1"], cwd=REPO,
                            capture_output=True, text=True, timeout=20, env={k: v for k, v in os.environ.items() if not k.startswith("KT_")})
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if "in use" in line]
    assert len(error_lines) == 1 and f"port {mock_process}" in error_lines[0] and "--port" in error_lines[0]
    assert "Traceback" not in result.stderr


def test_standalone_mode_warns_at_start(tmp_path, mock_process):
    proc, _ = spawn(["gateway", "run", "--port", "0", "--host", "127.0.0.1", "--upstream", f"http://127.0.0.1:{mock_process}/v1",
                     "--events-file", str(tmp_path / "e.jsonl")])
    stop(proc)
    stderr = proc.stderr.read()
    assert "standalone mode" in stderr and "KT_GATEWAY_TOKEN" in stderr


def wait_until_in_flight(port: int, count: int, seconds: float = 10) -> None:
    """Poll /metrics rather than sleep: on a loaded machine the calls may take a while to arrive."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        for line in metrics.splitlines():
            # The /metrics request is itself in flight while it answers.
            if line.startswith("kt_gateway_inflight_requests") and float(line.split()[-1]) >= count + 1:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} requests never were in flight at once")


def test_sigterm_finishes_in_flight_requests_and_writes_their_events(gateway_process, tmp_path):
    proc, port = gateway_process()
    results = []

    def slow_call():
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}], "mock": {"delay_ms": 800}}
        results.append(httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body, timeout=10,
                                   headers={"Authorization": f"Bearer {ALICE_KEY}"}))

    callers = [threading.Thread(target=slow_call) for _ in range(3)]
    [t.start() for t in callers]
    wait_until_in_flight(port, 3)  # all three are now waiting on the upstream
    proc.send_signal(signal.SIGTERM)
    [t.join() for t in callers]
    assert proc.wait(15) == 0
    assert [r.status_code for r in results] == [200, 200, 200]
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert sorted(e["id"] for e in events) == sorted(r.headers["x-request-id"] for r in results)


def test_workers_share_the_port(gateway_process):
    proc, port = gateway_process("--workers", "2")
    for _ in range(6):
        response = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", timeout=10, headers={"Authorization": f"Bearer {ALICE_KEY}"},
                              json={"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]})
        assert response.status_code == 200
    stop(proc)
    assert proc.returncode == 0
