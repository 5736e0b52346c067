"""`kt doctor`: one line per check with the seed's fix for each failure; exit 1 when one fails."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx

from tests.gateway.conftest import ALICE_KEY, mock_upstream, start_gateway  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parents[2]
POLICY = "allowed_models: [gpt-4o]\npolicies:\n  - {name: team-secrets, type: dlp-filter, action: block}\n"


def doctor(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KT_", "OPENAI_", "GATEWAY_"))}
    clean.update(env, NO_COLOR="1")
    result = subprocess.run([sys.executable, "-m", "keeptrusts.cli", "doctor", *args], cwd=REPO, env=clean,
                            capture_output=True, text=True, timeout=30)
    lines = {line.split(" — ")[0].split(" ", 1)[1]: line for line in result.stdout.splitlines() if " — " in line}
    return result.returncode, lines


def test_healthy_gateway_passes_every_check_it_can_run(start_gateway, tmp_path):
    gw = start_gateway(POLICY)
    policy = tmp_path / "team-policy.yaml"
    policy.write_text(POLICY)
    code, lines = doctor("--policy-config", str(policy), GATEWAY_KEY=ALICE_KEY, KT_GATEWAY_URL=gw.url)
    assert code == 0, lines
    assert lines["policy file"].startswith("OK policy file")
    assert lines["gateway"].startswith("OK gateway") and "standalone" in lines["gateway"]
    assert lines["gateway key"].startswith("OK") and ALICE_KEY not in lines["gateway key"]
    assert lines["model allowed"].startswith("OK") and lines["upstream"].startswith("OK")
    assert lines["control plane"].startswith("- ")  # standalone: cannot run, not a failure


def test_gateway_not_running_says_to_verify_it_is_running():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, lines = doctor(OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1")
    assert code == 1
    assert lines["gateway"].startswith("FAIL gateway") and f"127.0.0.1:{port}" in lines["gateway"]
    assert "fix: Verify gateway is running" in lines["gateway"]


def test_wrong_key_says_to_check_it_is_correct_and_active(start_gateway):
    gw = start_gateway(POLICY)
    code, lines = doctor(OPENAI_API_KEY="kt_gk_not_a_real_key_00000000000000", KT_GATEWAY_URL=gw.url)
    assert code == 1 and "fix: Check gateway key is correct and active" in lines["gateway key"]
    assert "kt_gk_not_a_real_key_00000000000000" not in lines["gateway key"]


def test_model_outside_the_allowlist_says_to_add_it(start_gateway):
    gw = start_gateway(POLICY)
    code, lines = doctor("--model", "gpt-4o-mini", GATEWAY_KEY=ALICE_KEY, KT_GATEWAY_URL=gw.url)
    assert code == 1 and "fix: Add model to allowed list in policy config" in lines["model allowed"]


def test_broken_policy_file_fails_with_the_lint_command(tmp_path):
    broken = tmp_path / "team-policy.yaml"
    broken.write_text("policies:\n  - {name: x, type: pii-detecter, action: redact}\n")
    code, lines = doctor(KT_POLICY_CONFIG=str(broken), KT_GATEWAY_URL="http://127.0.0.1:9")
    assert code == 1 and lines["policy file"].startswith("FAIL") and f"kt policy lint --file {broken}" in lines["policy file"]


def test_high_block_rate_points_at_policy_thresholds(start_gateway):
    gw = start_gateway(POLICY)
    for _ in range(22):  # every one of these is blocked by allowed_models
        httpx.post(gw.url + "/v1/chat/completions", headers={"Authorization": f"Bearer {ALICE_KEY}"},
                   json={"model": "gpt-3.5-turbo", "messages": [{"role": "user", "content": "Hello"}]})
    code, lines = doctor(GATEWAY_KEY=ALICE_KEY, KT_GATEWAY_URL=gw.url)
    assert code == 1
    assert "100.0% of 22 requests blocked" in lines["block rate"]
    assert "fix: Review policy thresholds, adjust for team's use case" in lines["block rate"]
    assert lines["latency"].startswith("OK latency")
