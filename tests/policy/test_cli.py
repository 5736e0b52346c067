"""`kt policy lint` and `kt policy test` as a manager runs them."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from keeptrusts.cli.main import main
from keeptrusts.policy import evaluate

from .conftest import TEST_DETECTORS

ROOT = Path(__file__).resolve().parents[2]
BROKEN = "policies:\n  - name: team-pii\n    type: pii-detecter\n  - name: q\n    type: quality-scorer\n    action: block\n"


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "team-policy.yaml"
    path.write_text(BROKEN)
    return path


@pytest.fixture
def test_detectors(monkeypatch):
    monkeypatch.setattr(evaluate, "DEFAULT_DETECTORS", TEST_DETECTORS)


def test_lint_of_the_seed_file_exits_0(capsys):
    assert main(["policy", "lint", "--file", str(ROOT / "examples/team-policy.yaml")]) == 0
    assert "OK — 4 policies" in capsys.readouterr().out


def test_lint_prints_each_problem_and_exits_1(broken, capsys):
    assert main(["policy", "lint", "--file", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{broken}:3:11: error: policy 'team-pii': unknown type 'pii-detecter'; did you mean 'pii-detector'? [unknown-type]"
    assert out[1].startswith(f"{broken}:6:13: warning: policy 'q': quality-scorer judges the whole answer")
    assert out[-1] == f"{broken}: 1 error, 1 warning"


def test_lint_json_has_the_documented_shape(broken, capsys):
    assert main(["policy", "lint", "--file", str(broken), "--output", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False
    assert body["errors"] == [{"file": str(broken), "line": 3, "col": 11, "policy": "team-pii", "code": "unknown-type",
                               "message": "unknown type 'pii-detecter'", "hint": "did you mean 'pii-detector'?"}]
    assert [w["code"] for w in body["warnings"]] == ["block-after-stream"]


def test_warnings_alone_exit_0(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("policies:\n  - name: q\n    type: quality-scorer\n    action: block\n")
    assert main(["policy", "lint", "--file", str(path)]) == 0


def test_unreadable_file_exits_2(tmp_path, capsys):
    assert main(["policy", "lint", "--file", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["policy", "lint", "--file", str(tmp_path)]) == 2


def test_missing_file_argument_is_a_usage_error():
    with pytest.raises(SystemExit) as exited:
        main(["policy", "lint"])
    assert exited.value.code == 2


def test_policy_test_prints_the_decision_with_spans(test_detectors, capsys):
    text = "mail alice@example.com"
    assert main(["policy", "test", "--file", str(ROOT / "examples/full-policy.yaml"), text]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["action"] == "redact"
    assert line["redacted"] == "mail [EMAIL_1]"
    pii = next(p for p in line["policies"] if p["type"] == "pii-detector")
    assert pii == {"name": "team-pii-protection", "type": "pii-detector", "action": "redact", "score": None,
                   "findings": {"email": 1}, "reasons": [], "spans": [{"start": 5, "end": 22, "type": "email"}]}
    assert text[5:22] == "alice@example.com"


def test_policy_test_reads_jsonl_one_line_per_input(test_detectors, tmp_path, capsys, monkeypatch):
    lines = [json.dumps({"text": f"user{i}@example.com"}) for i in range(2000)] + ["not json"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines).encode())))
    assert main(["policy", "test", "--file", str(ROOT / "examples/team-policy.yaml"), "--jsonl", "-"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2001
    assert json.loads(out[1999])["redacted"] == "[EMAIL_1]"
    assert json.loads(out[2000])["error"].startswith("line 2001:")


def test_policy_test_output_phase_uses_finish_reason(tmp_path, capsys):
    data = tmp_path / "answers.jsonl"
    data.write_text(json.dumps({"text": "The first step is", "finish_reason": "length"}) + "\n"
                    + json.dumps({"text": "{}", "response_format": {"type": "json_object"}}) + "\n")
    policy = tmp_path / "q.yaml"
    policy.write_text("policies:\n  - {name: q, type: quality-scorer, min_score: 0.7}\n")
    assert main(["policy", "test", "--file", str(policy), "--phase", "output", "--jsonl", str(data)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["action"], first["policies"][0]["score"]) == ("escalate", 0.5)
    assert (second["action"], second["policies"][0]["score"]) == ("allow", 1.0)


def test_policy_test_needs_text_or_jsonl(capsys):
    assert main(["policy", "test", "--file", str(ROOT / "examples/team-policy.yaml")]) == 2


def test_kt_entry_point_runs_lint():
    result = subprocess.run([sys.executable, "-m", "keeptrusts.cli", "policy", "lint", "--file",
                             str(ROOT / "examples/full-policy.yaml"), "--output", "json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "errors": [], "warnings": []}
