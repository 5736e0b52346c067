"""Connected mode: config polled from the control plane, budgets leased, events pushed and spooled."""

import time

import httpx2 as httpx
import pytest

from keeptrusts import wire
from tests.gateway.conftest import ALICE_KEY, BOB_KEY, ServerThread, sha256
from tests.gateway.fake_control_plane import TOKEN, FakeControlPlane

HELLO = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}
PLATFORM_POLICY = "allowed_models: [gpt-4o]\npolicies: []\n"
PAYMENTS_POLICY = "allowed_models: [gpt-4o-mini]\npolicies: []\n"


def key_record(key, key_id, user, team, status="active"):
    return wire.KeyRecord(key_id=key_id, sha256=sha256(key), user=user, team=team, status=status)


def initial_config():
    return wire.GatewayConfig(
        version="1", organization="acme", gateway_id="gw_1", poll_seconds=1,
        teams=[wire.TeamConfig(slug="platform", policy_version=1, policy_yaml=PLATFORM_POLICY),
               wire.TeamConfig(slug="payments", policy_version=3, policy_yaml=PAYMENTS_POLICY)],
        keys=[key_record(ALICE_KEY, "key_alice", "alice@example.com", "platform"),
              key_record(BOB_KEY, "key_bob", "bob@example.com", "payments")],
        prices={"gpt-4o": wire.ModelPrice(input=2.5, output=10.0)},
    )


@pytest.fixture
def control_plane():
    plane = FakeControlPlane(initial_config())
    server = ServerThread(plane.app()).start()
    plane.url = server.url
    yield plane
    server.stop()


@pytest.fixture
def connected_gateway(control_plane, start_gateway, tmp_path):
    def start(**overrides):
        values = dict(api_url=control_plane.url, gateway_token=TOKEN, keys_file=None, state_dir=tmp_path / "state")
        values.update(overrides)
        return start_gateway(**values)
    return start


def chat(gw, key=ALICE_KEY, body=HELLO):
    return httpx.post(gw.url + "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def wait_for(condition, timeout=6.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_each_key_gets_its_own_teams_policy(connected_gateway):
    gw = connected_gateway()
    assert chat(gw, ALICE_KEY).status_code == 200
    assert chat(gw, BOB_KEY).status_code == 403  # payments allows gpt-4o-mini only
    assert chat(gw, BOB_KEY, dict(HELLO, model="gpt-4o-mini")).status_code == 200


def test_config_poll_reports_version_policy_source_and_hash(connected_gateway, control_plane):
    connected_gateway()
    headers = control_plane.poll_headers[0]
    assert headers[wire.HEADER_POLICY_SOURCE] == "control-plane" and headers[wire.HEADER_GATEWAY_VERSION]
    assert len(headers[wire.HEADER_POLICY_HASH]) == 64


def test_file_managed_gateway_reports_the_files_hash(connected_gateway, control_plane):
    connected_gateway(policy_yaml="policies: []\n")
    headers = control_plane.poll_headers[0]
    assert headers[wire.HEADER_POLICY_SOURCE] == "file" and headers[wire.HEADER_POLICY_HASH] == sha256("policies: []\n")


def test_revoked_key_stops_and_new_key_starts_working_within_a_poll(connected_gateway, control_plane):
    gw = connected_gateway()
    carol = "kt_gk_carol000000000000000000000000000000000"
    assert chat(gw, ALICE_KEY).status_code == 200 and chat(gw, carol).status_code == 401
    keys = [key_record(ALICE_KEY, "key_alice", "alice@example.com", "platform", status="revoked"),
            key_record(carol, "key_carol", "carol@example.com", "platform")]
    control_plane.set_config(keys=keys)
    assert wait_for(lambda: chat(gw, ALICE_KEY).status_code == 401, timeout=3)
    assert chat(gw, carol).status_code == 200


def test_events_reach_the_control_plane(connected_gateway, control_plane):
    gw = connected_gateway()
    ids = [chat(gw).headers["x-request-id"] for _ in range(3)]
    gw.server.call(gw.gateway.sink.flush())
    assert sorted(control_plane.events) == sorted(ids)
    event = control_plane.events[ids[0]]
    assert event["key_id"] == "key_alice" and event["team"] == "platform" and event["cost_usd"] > 0


@pytest.mark.parametrize("outage_seconds", [1.0])
def test_control_plane_outage_loses_no_event_and_duplicates_none(connected_gateway, control_plane, outage_seconds):
    gw = connected_gateway()
    control_plane.down = True
    ids, deadline = [], time.monotonic() + outage_seconds
    while time.monotonic() < deadline:  # traffic keeps flowing through the outage
        response = chat(gw)
        assert response.status_code == 200
        ids.append(response.headers["x-request-id"])
    gw.server.call(gw.gateway.sink.flush())
    assert httpx.get(gw.url + "/healthz").json()["spool_depth"] > 0
    control_plane.down = False
    assert wait_for(lambda: len(control_plane.events) == len(ids), timeout=10)
    assert sorted(control_plane.events) == sorted(ids)
    assert wait_for(lambda: httpx.get(gw.url + "/healthz").json()["spool_depth"] == 0)


def test_spooled_events_survive_a_gateway_restart(connected_gateway, control_plane, tmp_path):
    gw = connected_gateway()
    control_plane.down = True
    ids = [chat(gw).headers["x-request-id"] for _ in range(4)]
    gw.server.stop()  # shutdown: the control plane is down, so the queue goes to the spool
    assert list((tmp_path / "state" / "spool").glob("*.json"))
    control_plane.down = False
    connected_gateway()  # same state dir
    assert wait_for(lambda: sorted(control_plane.events) == sorted(ids), timeout=10)


def test_gateway_started_during_an_outage_serves_from_its_cached_config(connected_gateway, control_plane):
    first = connected_gateway()
    first.server.stop()
    control_plane.down = True
    gw = connected_gateway()
    assert chat(gw).status_code == 200
    assert httpx.get(gw.url + "/healthz").json()["status"] == "degraded"


BUDGET_POLICY = PLATFORM_POLICY.replace("policies: []\n", "policies:\n  - name: team-budget\n    type: cost_limit\n"
                                                            "    monthly_limit: 0.05\n    action: block\n")


def test_team_budget_is_leased_and_enforced(connected_gateway, control_plane):
    # As the control plane sends it: the team's cost_limit policy, and the same budget to lease.
    budget = wire.TeamBudget(monthly_limit_usd=0.05, month=time.strftime("%Y-%m", time.gmtime()), spent_usd=0.0,
                             policy="team-budget")
    teams = [wire.TeamConfig(slug="platform", policy_version=1, policy_yaml=BUDGET_POLICY, budget=budget)]
    control_plane.set_config(teams=teams)
    control_plane.budget_remaining["platform"] = 0.05
    gw = connected_gateway()
    small = dict(HELLO, max_tokens=200)  # worst case ≈ $0.002
    assert chat(gw, body=small).status_code == 200
    assert control_plane.lease_requests and control_plane.lease_requests[0]["team"] == "platform"
    big = dict(HELLO, max_tokens=100_000)  # worst case $1: more than the whole budget
    response = chat(gw, body=big)
    assert response.status_code == 402 and response.json()["error"]["code"] == "budget_exceeded"
    message = response.json()["error"]["message"]
    assert message.startswith("Team platform's monthly budget of $0.05 is used up")  # the lease, not a local ledger
    assert "Settings > Budgets" in message and response.json()["error"]["param"] == "team-budget"


def test_key_of_a_team_the_gateway_does_not_serve_is_rejected(connected_gateway, control_plane):
    control_plane.set_config(teams=[wire.TeamConfig(slug="platform", policy_version=1, policy_yaml=PLATFORM_POLICY)])
    gw = connected_gateway()
    assert chat(gw, BOB_KEY).status_code == 401
