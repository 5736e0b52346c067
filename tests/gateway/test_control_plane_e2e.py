"""The gateway against the real control plane (Django on a live server with the test database)."""

import time

import pytest

from apps.events.models import Event
from apps.gateways.models import Gateway as GatewayRecord
from keeptrusts.gateway.app import GATEWAY, Settings, create_app
from tests.factories import GatewayFactory, GatewayKeyFactory
from tests.gateway.conftest import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connected(live_server, org, platform, alice, mock_upstream, tmp_path):
    registration = GatewayFactory(organization=org, teams=[platform], name="e2e")
    key = GatewayKeyFactory(team=platform, user=alice)
    settings = Settings(upstream_url=mock_upstream.url + "/v1", api_url=live_server.url, gateway_token=registration.plaintext,
                        state_dir=tmp_path / "state", events_file=tmp_path / "unused.jsonl")
    server = ServerThread(create_app(settings)).start()
    yield server, key, registration
    server.stop()


def test_events_from_the_gateway_land_in_the_control_plane(connected, alice):
    import openai

    server, key, registration = connected
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=key.plaintext, max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    assert raw.parse().choices[0].message.content
    request_id = raw.headers["x-request-id"]
    server.call(server.app[GATEWAY].sink.flush())
    deadline = time.monotonic() + 10
    while not Event.objects.filter(id=request_id).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    event = Event.objects.get(id=request_id)
    assert (event.user_id, event.team.slug, event.key_id, event.status) == (alice.id, "platform", key.key_id, 200)
    assert event.cost_usd > 0 and event.gateway_id == registration.id
    record = GatewayRecord.objects.get(pk=registration.pk)
    assert record.policy_source == "control-plane" and len(record.policy_hash) == 64 and record.last_seen_at


def test_unknown_key_is_refused_by_a_connected_gateway(connected):
    import httpx2 as httpx

    server, _, _ = connected
    response = httpx.post(server.url + "/v1/chat/completions", headers={"Authorization": "Bearer kt_gk_nope"},
                          json={"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]})
    assert response.status_code == 401
