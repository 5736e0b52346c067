"""`kt doctor`: is the governed path working? One line per check, the guide's fix for each failure.

    ✓ name — detail                 the check passed
    ✗ name — detail — fix: …        it failed (exit status 1)
    - name — why it could not run   for want of input (no key, no policy file, …)

`OK`/`FAIL` replace the symbols when NO_COLOR is set or stdout is not a terminal.
Fix wording follows the seed's "Common Onboarding Issues" table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 3.0
FIX_NOT_RUNNING = "Verify gateway is running: kt gateway run --policy-config team-policy.yaml --port 41002"
FIX_BAD_KEY = "Check gateway key is correct and active (Console Settings > Gateway Keys)"
FIX_MODEL = "Add model to allowed list in policy config (allowed_models)"
FIX_BLOCK_RATE = "Review policy thresholds, adjust for team's use case (kt events list --since 24h --action block)"
FIX_SLOW = "Check gateway resources, network path to LLM provider"
MIN_REQUESTS_FOR_RATES = 20
HIGH_BLOCK_RATE = 0.10  # more than one request in ten blocked
SLOW_GATEWAY_MS = 50.0  # the gateway's own time per request
SLOW_UPSTREAM_MS = 10_000.0


@dataclass
class Check:
    name: str
    status: str  # ok | fail | skip
    detail: str
    fix: str = ""


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check the gateway, key, control plane, upstream and events",
                                   description="Check the governed LLM path end to end; exits 1 when a check fails.")
    parser.add_argument("--gateway-url", help="gateway base URL (default $KT_GATEWAY_URL, $OPENAI_BASE_URL without /v1, "
                        "else http://127.0.0.1:41002)")
    parser.add_argument("--key", help="gateway key to try (default $GATEWAY_KEY, else $OPENAI_API_KEY)")
    parser.add_argument("--policy-config", type=Path, help="policy file to lint (default $KT_POLICY_CONFIG)")
    parser.add_argument("--model", default=os.environ.get("KT_MODEL", "gpt-4o"), help="model the team uses (default gpt-4o)")
    parser.add_argument("--api-url", help="control plane (default $KT_API_URL, else http://127.0.0.1:8000)")
    parser.add_argument("--api-token", help="API token for the control plane checks (default $KT_API_TOKEN)")
    parser.set_defaults(func=run)


def gateway_url(args) -> str:
    if args.gateway_url or os.environ.get("KT_GATEWAY_URL"):
        return (args.gateway_url or os.environ["KT_GATEWAY_URL"]).rstrip("/")
    base = os.environ.get("OPENAI_BASE_URL", "").rstrip("/")
    if base:
        return base[:-3] if base.endswith("/v1") else base
    return "http://127.0.0.1:41002"


def fetch(url: str, token: str | None = None) -> tuple[int, bytes]:
    """(status, body); status 0 with the reason as body when nothing answered."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return 0, str(reason).encode()


def check_policy_file(path: Path | None) -> Check:
    if path is None:
        return Check("policy file", "skip", "no --policy-config or KT_POLICY_CONFIG (control-plane-managed policies)")
    from keeptrusts.policy import load

    try:
        text = path.read_text()
    except OSError as exc:
        return Check("policy file", "fail", f"cannot read {path}: {exc.strerror}", "check the --policy-config path")
    loaded = load(text, str(path))
    if loaded.errors:
        return Check("policy file", "fail", f"{path}: {len(loaded.errors)} error(s), first: {loaded.errors[0]}",
                     f"kt policy lint --file {path}")
    warnings = f", {len(loaded.warnings)} warning(s)" if loaded.warnings else ""
    return Check("policy file", "ok", f"{path}: {len(loaded.policies)} policies lint clean{warnings}")


def check_gateway(url: str) -> tuple[Check, dict | None]:
    status, body = fetch(url + "/healthz")
    if status == 0:
        return Check("gateway", "fail", f"cannot connect to {url} ({body.decode()})", FIX_NOT_RUNNING), None
    try:
        health = json.loads(body)
    except ValueError:
        health = None
    if status != 200 or not isinstance(health, dict) or "policy_source" not in health:
        return Check("gateway", "fail", f"{url}/healthz answered HTTP {status}, not a Keeptrusts gateway", FIX_NOT_RUNNING), None
    detail = f"{url} {health['status']}, {health.get('mode', '?')} mode, policies from {health['policy_source']}, v{health.get('version')}"
    return Check("gateway", "ok", detail), health


def check_key(url: str, key: str | None, model: str) -> list[Check]:
    if not key:
        return [Check("gateway key", "skip", "no --key, GATEWAY_KEY or OPENAI_API_KEY"),
                Check("model allowed", "skip", "needs a gateway key")]
    status, body = fetch(url + "/v1/models", key)
    display = f"{key[:6]}…{key[-4:]}" if len(key) > 12 else "the key"
    if status == 401:
        return [Check("gateway key", "fail", f"{display} was refused (401)", FIX_BAD_KEY),
                Check("model allowed", "skip", "needs an accepted key")]
    if status == 429:
        return [Check("gateway key", "fail", f"{display}: too many failed attempts from this address (429)", "wait a minute, then " + FIX_BAD_KEY),
                Check("model allowed", "skip", "needs an accepted key")]
    if status != 200:
        return [Check("gateway key", "fail", f"/v1/models answered HTTP {status}", FIX_NOT_RUNNING),
                Check("model allowed", "skip", "needs an accepted key")]
    models = [m.get("id") for m in json.loads(body).get("data", [])]
    allowed = Check("model allowed", "ok", f"{model} is allowed") if model in models else Check(
        "model allowed", "fail", f"{model} is not in this key's allowed models ({', '.join(models) or 'none'})", FIX_MODEL)
    return [Check("gateway key", "ok", f"{display} accepted"), allowed]


def check_dependencies(health: dict | None) -> list[Check]:
    if health is None:
        return [Check("upstream", "skip", "needs a running gateway"), Check("control plane", "skip", "needs a running gateway"),
                Check("events", "skip", "needs a running gateway")]
    upstream = health.get("upstream") or {}
    checks = [Check("upstream", "ok", f"{upstream.get('url')} reachable") if upstream.get("status") == "ok" else Check(
        "upstream", "fail", f"{upstream.get('url')}: {upstream.get('error') or 'unreachable'}",
        "Check the network path to the LLM provider and --upstream / KT_UPSTREAM_URL, KT_UPSTREAM_API_KEY")]
    control = health.get("control_plane") or {}
    events = health.get("events") or {}
    spool = health.get("spool_depth", 0)
    if control.get("status") == "standalone":
        checks.append(Check("control plane", "skip", "gateway runs standalone (no KT_GATEWAY_TOKEN): events go to its --events-file"))
        checks.append(Check("events", "ok", f"written to the local events file ({events.get('pending', 0)} pending)"))
        return checks
    if control.get("status") == "ok":
        checks.append(Check("control plane", "ok", f"{control.get('url')} reachable, gateway token valid, config {control.get('version')}"))
    else:
        error = control.get("error") or "unreachable"
        fix = ("register the gateway again in Console Settings > Gateways and set the new KT_GATEWAY_TOKEN"
               if "401" in error else "start the control plane or fix KT_API_URL on the gateway host")
        checks.append(Check("control plane", "fail", error, fix))
    if spool or events.get("last_error"):
        checks.append(Check("events", "fail", f"{spool} events waiting in the gateway's spool ({events.get('last_error') or 'retrying'})",
                            "they are re-sent automatically once the control plane answers; check it is up"))
    else:
        checks.append(Check("events", "ok", f"flowing to the control plane ({events.get('pending', 0)} queued, spool empty)"))
    return checks


def check_api(api_url: str, token: str | None) -> Check:
    if not token:
        return Check("API token", "skip", "no --api-token or KT_API_TOKEN (needed for kt events)")
    status, body = fetch(api_url.rstrip("/") + "/v1/events?since=24h&limit=1", token)
    if status == 0:
        return Check("API token", "fail", f"cannot connect to {api_url} ({body.decode()})", "start the control plane or fix KT_API_URL")
    if status == 401:
        return Check("API token", "fail", "refused (401)", "create a token in Console Settings > API Tokens and set KT_API_TOKEN")
    if status != 200:
        return Check("API token", "fail", f"/v1/events answered HTTP {status}", "check KT_API_URL points at the control plane")
    data = json.loads(body).get("data") or []
    last = f"last event {data[0].get('ts')}" if data else "no events in the last 24 h yet"
    return Check("API token", "ok", f"{api_url} accepts it; {last}")


def parse_metrics(text: str) -> dict[str, float]:
    """Sum each series name over its labels (what the rate checks need)."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_part, _, value = line.rpartition(" ")
        name = name_part.split("{", 1)[0]
        labels = name_part[len(name):]
        key = name + ('{action="block"}' if 'action="block"' in labels else "")
        if name == "kt_gateway_request_seconds_sum" or name == "kt_gateway_request_seconds_count":
            if 'endpoint="/v1/chat/completions"' not in labels and 'endpoint="/v1/embeddings"' not in labels:
                continue
        try:
            totals[key] = totals.get(key, 0.0) + float(value)
        except ValueError:
            continue
    return totals


def check_rates(url: str, health: dict | None) -> list[Check]:
    if health is None:
        return [Check("block rate", "skip", "needs a running gateway"), Check("latency", "skip", "needs a running gateway")]
    status, body = fetch(url + "/metrics")
    if status != 200:
        return [Check("block rate", "skip", "no /metrics"), Check("latency", "skip", "no /metrics")]
    totals = parse_metrics(body.decode())
    requests = totals.get("kt_gateway_request_seconds_count", 0)
    if requests < MIN_REQUESTS_FOR_RATES:
        why = f"only {int(requests)} model requests since the gateway started (need {MIN_REQUESTS_FOR_RATES})"
        return [Check("block rate", "skip", why), Check("latency", "skip", why)]
    blocked = totals.get('kt_gateway_policy_actions_total{action="block"}', 0)
    rate = blocked / requests
    block = Check("block rate", "ok", f"{rate:.1%} of {int(requests)} requests blocked") if rate <= HIGH_BLOCK_RATE else Check(
        "block rate", "fail", f"{rate:.1%} of {int(requests)} requests blocked (over {HIGH_BLOCK_RATE:.0%})", FIX_BLOCK_RATE)
    total_ms = totals.get("kt_gateway_request_seconds_sum", 0) / requests * 1000
    upstream_count = totals.get("kt_gateway_upstream_seconds_count", 0)
    upstream_ms = totals.get("kt_gateway_upstream_seconds_sum", 0) / upstream_count * 1000 if upstream_count else 0.0
    own_ms = max(0.0, total_ms - upstream_ms)
    detail = f"mean {total_ms:.0f} ms per request: gateway {own_ms:.1f} ms, upstream {upstream_ms:.0f} ms"
    slow = own_ms > SLOW_GATEWAY_MS or upstream_ms > SLOW_UPSTREAM_MS
    latency = Check("latency", "fail", detail, FIX_SLOW) if slow else Check("latency", "ok", detail)
    return [block, latency]


def render(check: Check, plain: bool) -> str:
    if check.status == "skip":
        return f"- {check.name} — {check.detail}"
    if plain:
        mark = "OK" if check.status == "ok" else "FAIL"
    else:
        mark = "\033[32m✓\033[0m" if check.status == "ok" else "\033[31m✗\033[0m"
    line = f"{mark} {check.name} — {check.detail}"
    return line + (f" — fix: {check.fix}" if check.status == "fail" and check.fix else "")


def run(args: argparse.Namespace) -> int:
    plain = bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
    url = gateway_url(args)
    key = args.key or os.environ.get("GATEWAY_KEY") or os.environ.get("OPENAI_API_KEY")
    policy = args.policy_config or (Path(os.environ["KT_POLICY_CONFIG"]) if os.environ.get("KT_POLICY_CONFIG") else None)
    api_url = args.api_url or os.environ.get("KT_API_URL", "http://127.0.0.1:8000")
    api_token = args.api_token or os.environ.get("KT_API_TOKEN")

    checks = [check_policy_file(policy)]
    gateway, health = check_gateway(url)
    checks.append(gateway)
    checks += check_key(url, key, args.model) if health else [Check("gateway key", "skip", "needs a running gateway"),
                                                            Check("model allowed", "skip", "needs a running gateway")]
    checks += check_dependencies(health)
    checks.append(check_api(api_url, api_token))
    checks += check_rates(url, health)
    for check in checks:
        print(render(check, plain), flush=True)
    return 1 if any(c.status == "fail" for c in checks) else 0
