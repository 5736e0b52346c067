"""`kt events list|tail` against a live control plane (pytest-django's live_server)."""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from apps.events.api.views import EventStreamView
from tests.apps.events.conftest import ingest, make_event
from tests.factories import ApiTokenFactory, GatewayFactory, GatewayKeyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(live_server, platform, manager, alice):
    gateway = GatewayFactory(organization=platform.organization, teams=[platform])
    key = GatewayKeyFactory(team=platform, user=alice)
    token = ApiTokenFactory(user=manager, organization=manager.organization)
    return live_server.url, token.plaintext, gateway, key


def kt(url, token, *args, timeout=30):
    env = {**os.environ, "KT_API_URL": url, "KT_API_TOKEN": token, "NO_COLOR": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "keeptrusts.cli", "events", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_list_prints_a_table_and_json(setup):
    url, token, gateway, key = setup
    blocked = make_event(key, action="block", model="gpt-4o", tokens_in=120, tokens_out=0, latency_ms=35,
                         policies=[{"name": "team-security", "type": "prompt-injection", "action": "block"}])
    ingest(gateway, [blocked, make_event(key, ago=timedelta(hours=2))])

    result = kt(url, token, "list", "--since", "24h", "--limit", "20")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["TIME", "USER", "MODEL", "ACTION", "POLICIES", "TOKENS", "COST", "LATENCY"]
    assert len(lines) == 2 and "team-security:block" in lines[0] and "alice@acme.test" in lines[0]

    result = kt(url, token, "list", "--since", "1h", "--action", "block", "--limit", "10", "--output", "json")
    body = json.loads(result.stdout)
    assert [e["id"] for e in body["data"]] == [blocked["id"]] and body["next_cursor"] is None

    result = kt(url, token, "list", "--since", "24h", "--action", "block", "--output", "csv")
    assert result.stdout.splitlines()[0].startswith("time,user,model,action")


def test_list_pages_past_the_api_limit(setup, monkeypatch, capsys):
    url, token, gateway, key = setup
    ingest(gateway, [make_event(key, ago=timedelta(minutes=i + 1)) for i in range(5)])
    from keeptrusts.cli import events as cli_events
    from keeptrusts.cli.main import main

    monkeypatch.setattr(cli_events, "PAGE_MAX", 2)  # pages of 2 to fill --limit 4
    monkeypatch.setenv("KT_API_URL", url)
    monkeypatch.setenv("KT_API_TOKEN", token)
    assert main(["events", "list", "--since", "7d", "--limit", "4", "--output", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert len(body["data"]) == 4 and body["next_cursor"]


def test_missing_or_bad_token_is_one_clear_line(setup):
    url, _, _, _ = setup
    result = kt(url, "", "list", "--since", "24h")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Set KT_API_TOKEN" in result.stderr
    result = kt(url, "kt_api_bogus", "list", "--since", "24h")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Set KT_API_TOKEN" in result.stderr
    assert "kt_api_bogus" not in result.stderr


def test_unreachable_control_plane_says_what_to_set(db):
    result = kt("http://127.0.0.1:9", "kt_api_x", "list")
    assert result.returncode == 1 and "Set KT_API_URL" in result.stderr


def test_bad_filter_is_the_api_message(setup):
    url, token, _, _ = setup
    result = kt(url, token, "list", "--since", "yesterday")
    assert result.returncode == 2 and "since" in result.stderr and "24h" in result.stderr


def test_tail_reconnects_without_losing_or_repeating(setup, monkeypatch):
    url, token, gateway, key = setup
    monkeypatch.setattr(EventStreamView, "poll_seconds", 0.05)
    monkeypatch.setattr(EventStreamView, "max_seconds", 1)  # the server drops every second
    env = {**os.environ, "KT_API_URL": url, "KT_API_TOKEN": token}
    tail = subprocess.Popen([sys.executable, "-m", "keeptrusts.cli", "events", "tail", "--output", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    received = []
    reader = threading.Thread(target=lambda: received.extend(json.loads(line)["id"] for line in tail.stdout))
    reader.start()
    try:
        time.sleep(1.5)  # connected: starts after everything stored
        sent = []
        for round_ in range(4):  # batches spread over several server-side disconnects
            batch = [make_event(key, ago=timedelta(seconds=5 + i)) for i in range(3)]
            ingest(gateway, batch)
            sent += [e["id"] for e in batch]
            time.sleep(0.7)
        deadline = time.time() + 10
        while len(received) < len(sent) and time.time() < deadline:
            time.sleep(0.1)
    finally:
        tail.terminate()
        tail.wait(5)
        reader.join(5)
    assert sorted(received) == sorted(sent) and len(received) == len(set(received))
