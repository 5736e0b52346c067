from datetime import timedelta
from decimal import Decimal

import pytest

from apps.escalations.models import Escalation
from apps.events.models import Event, IngestBatch, PolicyEntry, PolicyRollup, UsageRollup
from apps.events.services import batch_process

from .conftest import make_event

URL = "/v1/gateway/events"


def post(client, events):
    return client.post(URL, {"events": events}, content_type="application/json")


def test_batch_is_stored_with_entries_and_rollups(gateway_client, alice_key):
    events = [
        make_event(alice_key, action="block", policies=[
            {"name": "team-security", "type": "prompt-injection", "action": "block", "score": 0.93}]),
        make_event(alice_key, cost_usd=0.5, policies=[
            {"name": "team-quality-gate", "type": "quality-scorer", "action": "allow", "score": 0.82}]),
    ]
    response = post(gateway_client, events)
    assert response.status_code == 202
    assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    assert Event.objects.count() == 2
    blocked = Event.objects.get(id=events[0]["id"])
    assert blocked.team == alice_key.team and blocked.user == alice_key.user and blocked.action == "block"
    assert PolicyEntry.objects.filter(event_id=events[0]["id"], type="prompt-injection", action="block").exists()
    assert sum(r.requests for r in UsageRollup.objects.all()) == 2
    assert {(r.policy, r.action, r.requests) for r in PolicyRollup.objects.all()} == {
        ("team-security", "block", 1), ("team-quality-gate", "allow", 1)}
    assert IngestBatch.objects.get().status == "done"


def test_resent_events_are_duplicates_not_double_counted(gateway_client, alice_key):
    events = [make_event(alice_key) for _ in range(3)]
    post(gateway_client, events)
    response = post(gateway_client, events + [events[0]])
    assert response.json() == {"accepted": 0, "duplicates": 4, "rejected": []}
    assert Event.objects.count() == 3
    assert sum(r.requests for r in UsageRollup.objects.all()) == 3


def test_the_same_events_queued_twice_are_stored_once(client, gateway, alice_key):
    events = [make_event(alice_key) for _ in range(3)]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {gateway.plaintext}"}
    for _ in range(2):  # both accepted: neither batch has been processed yet
        body = client.post(URL, {"events": events}, content_type="application/json", **auth).json()
        assert body["accepted"] == 3
    first, second = IngestBatch.objects.order_by("id")
    assert batch_process(first.pk) == 3
    assert batch_process(second.pk) == 0
    assert batch_process(first.pk) is None  # already done: a redelivered task is a no-op
    assert Event.objects.count() == 3
    assert sum(r.requests for r in UsageRollup.objects.all()) == 3


def test_invalid_events_are_rejected_one_by_one(gateway_client, alice_key, bob_key):
    good = make_event(alice_key)
    events = [
        good,
        make_event(alice_key, ago=timedelta(days=31)),
        make_event(alice_key, ago=timedelta(minutes=-10)),
        make_event(bob_key),  # a key of a team the gateway does not serve
        make_event(alice_key, team="payments"),
        {"id": "not-a-ulid", "ts": "x", "user": "a", "key_id": alice_key.key_id, "model": "m", "action": "allow"},
        {"tokens_in": "many"},
        make_event(alice_key, action="explode"),
    ]
    body = post(gateway_client, events).json()
    assert body["accepted"] == 1
    reasons = {r["index"]: r["error"] for r in body["rejected"]}
    assert set(reasons) == {1, 2, 3, 4, 5, 6, 7}
    assert "older than 30 days" in reasons[1]
    assert "future" in reasons[2]
    assert "not a key of this gateway's teams" in reasons[3]
    assert "does not match" in reasons[4]
    assert "not a ULID" in reasons[5]
    assert "accepted: block" in reasons[7]
    assert list(Event.objects.values_list("id", flat=True)) == [good["id"]]


@pytest.mark.parametrize("body", [b"not json", b'{"events": 3}', b"[]"])
def test_malformed_batch_is_400_and_writes_nothing(gateway_client, alice_key, body):
    response = gateway_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert not IngestBatch.objects.exists() and not Event.objects.exists()


def test_oversized_batch_is_400(gateway_client, alice_key):
    one = make_event(alice_key)
    response = post(gateway_client, [one] * 5001)
    assert response.status_code == 400
    assert "at most 5000" in response.json()["error"]["message"]
    assert not IngestBatch.objects.exists()


def test_missing_cost_is_computed_from_prices(gateway_client, alice_key):
    priced = make_event(alice_key, model="gpt-4o", tokens_in=1_000_000, tokens_out=0)
    unknown = make_event(alice_key, model="home-made-llm")
    post(gateway_client, [priced, unknown])
    assert Event.objects.get(id=priced["id"]).cost_usd == Decimal("2.5")
    stored = Event.objects.get(id=unknown["id"])
    assert stored.cost_usd == 0 and stored.priced is False


def test_escalate_entries_open_escalations(gateway_client, alice_key):
    event = make_event(alice_key, action="escalate", policies=[
        {"name": "team-quality-gate", "type": "quality-scorer", "action": "escalate", "score": 0.41,
         "reasons": ["too short"]}])
    post(gateway_client, [event])
    escalation = Escalation.objects.get()
    assert (escalation.event_id, escalation.policy, escalation.status) == (event["id"], "team-quality-gate", "open")
    assert escalation.reasons == ["too short"] and escalation.user == alice_key.user


def test_unknown_gateway_token_is_401(client, alice_key):
    response = client.post(URL, {"events": []}, content_type="application/json",
                           HTTP_AUTHORIZATION="Bearer kt_gwt_nope")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_gateway_token"
    assert client.post(URL, {"events": []}, content_type="application/json").status_code == 401


def test_api_token_cannot_push_events(client, alice, alice_key, token_for):
    token = token_for(alice)
    response = client.post(URL, {"events": [make_event(alice_key)]}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")
    assert response.status_code == 401
    assert not Event.objects.exists()
