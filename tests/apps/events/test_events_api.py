from datetime import datetime, timedelta, timezone

import pytest

from .conftest import ingest, make_event

BLOCK = {"name": "team-content-safety", "type": "content-filter", "action": "block", "score": 0.91,
         "findings": {"harmful": 1}}
QUALITY_OK = {"name": "team-quality-gate", "type": "quality-scorer", "action": "allow", "score": 0.88}
QUALITY_LOW = {"name": "team-quality-gate", "type": "quality-scorer", "action": "escalate", "score": 0.4}
PII = {"name": "team-pii-protection", "type": "pii-detector", "action": "redact", "findings": {"email": 2}}


@pytest.fixture
def traffic(gateway, alice_key, manager, org, platform, payments, bob_key):
    """alice (platform): 1 block, 1 escalated+redacted, 1 allow 3 days ago, 1 error 20 days ago.
    bob (payments, another gateway): 1 allow."""
    from tests.factories import GatewayFactory

    events = {
        "block": make_event(alice_key, action="block", policies=[BLOCK], model="gpt-4o"),
        "escalate": make_event(alice_key, ago=timedelta(minutes=30), action="escalate",
                               policies=[QUALITY_LOW, PII], model="claude-sonnet-4", tokens_in=1000, tokens_out=500),
        "old": make_event(alice_key, ago=timedelta(days=3), policies=[QUALITY_OK]),
        "error": make_event(alice_key, ago=timedelta(days=20), action="error", status=502),
    }
    assert ingest(gateway, list(events.values()))["accepted"] == 4
    payments_gw = GatewayFactory(organization=org, teams=[payments])
    events["bob"] = make_event(bob_key)
    ingest(payments_gw, [events["bob"]])
    return events


def ids(response):
    return [e["id"] for e in response.json()["data"]]


def test_list_is_newest_first_with_policies(api, token_for, manager, traffic):
    response = api(token_for(manager), "/v1/events", since="30d")
    assert response.status_code == 200
    assert ids(response) == [traffic[k]["id"] for k in ("block", "escalate", "old", "error")]
    first = response.json()["data"][0]
    assert first["user"] == "alice@acme.test" and first["team"] == "platform" and first["action"] == "block"
    assert first["policies"] == [{"name": "team-content-safety", "type": "content-filter", "action": "block",
                                  "phase": "input", "score": 0.91, "findings": {"harmful": 1}}]
    assert response.json()["next_cursor"] is None


def test_since_limits_the_window(api, token_for, manager, traffic):
    assert ids(api(token_for(manager), "/v1/events", since="24h")) == [traffic["block"]["id"], traffic["escalate"]["id"]]
    until = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    assert ids(api(token_for(manager), "/v1/events", since="30d", until=until)) == [
        traffic["old"]["id"], traffic["error"]["id"]]


def test_action_filters_by_entry_and_policy_and_action_share_the_entry(api, token_for, manager, traffic):
    token = token_for(manager)
    assert ids(api(token, "/v1/events", since="7d", action="block")) == [traffic["block"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", action="redact")) == [traffic["escalate"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", action="allow")) == [traffic["old"]["id"]]
    assert ids(api(token, "/v1/events", since="30d", action="error")) == [traffic["error"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", policy="quality-scorer")) == [
        traffic["escalate"]["id"], traffic["old"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", policy="content-filter", action="block")) == [traffic["block"]["id"]]
    # quality-scorer never blocked: the pair applies to the same entry
    assert ids(api(token, "/v1/events", since="7d", policy="quality-scorer", action="block")) == []
    assert ids(api(token, "/v1/events", since="7d", policy="team-quality-gate", action="escalate")) == [
        traffic["escalate"]["id"]]


def test_other_filters(api, token_for, owner, traffic, alice_key):
    token = token_for(owner)
    assert ids(api(token, "/v1/events", since="7d", model="claude-sonnet-4")) == [traffic["escalate"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", user="bob@acme.test")) == [traffic["bob"]["id"]]
    assert ids(api(token, "/v1/events", since="7d", team="payments")) == [traffic["bob"]["id"]]
    assert len(ids(api(token, "/v1/events", since="7d", key=alice_key.key_id))) == 3
    assert len(ids(api(token, "/v1/events", since="7d", gateway="platform-gw"))) == 3


def test_cursor_pages_through_everything_once(api, token_for, manager, traffic):
    token = token_for(manager)
    seen, cursor = [], None
    while True:
        body = api(token, "/v1/events", since="30d", limit=1, **({"cursor": cursor} if cursor else {})).json()
        seen += [e["id"] for e in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [traffic[k]["id"] for k in ("block", "escalate", "old", "error")]


@pytest.mark.parametrize("params, param, accepted", [
    ({"action": "blocked"}, "action", "block, escalate, redact, log, allow, error"),
    ({"since": "yesterday"}, "since", "30m, 24h, 7d, 2w"),
    ({"limit": "5000"}, "limit", "1–1000"),
    ({"group_by": "colour"}, "group_by", "user, model, team, gateway, policy, action, day, hour, key"),
    ({"sinse": "7d"}, "sinse", "since, until"),
    ({"cursor": "abc"}, "cursor", "next_cursor"),
])
def test_bad_parameter_is_400_naming_it_and_the_accepted_values(api, token_for, manager, params, param, accepted):
    response = api(token_for(manager), "/v1/events", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == param
    assert accepted in error["message"]


def test_no_token_is_401_and_bad_token_is_401(client, db):
    response = client.get("/v1/events")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_token"
    assert "KT_API_TOKEN" in response.json()["error"]["message"]
    response = client.get("/v1/events", HTTP_AUTHORIZATION="Bearer kt_api_wrong")
    assert response.status_code == 401 and "kt_api_wrong" not in response.content.decode()


def test_developer_sees_only_own_events(api, token_for, alice, traffic, bob):
    assert len(ids(api(token_for(alice), "/v1/events", since="30d"))) == 4
    assert ids(api(token_for(bob), "/v1/events", since="30d")) == [traffic["bob"]["id"]]


def test_outsider_sees_nothing_and_gets_404_on_detail(api, token_for, outsider, traffic):
    token = token_for(outsider)
    assert ids(api(token, "/v1/events", since="30d")) == []
    response = api(token, f"/v1/events/{traffic['block']['id']}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api(token, "/v1/events", since="30d", group_by="user").json()["data"] == []


def test_token_narrowed_to_a_team_sees_only_it(api, token_for, owner, payments, traffic):
    token = token_for(owner, teams=[payments])
    assert ids(api(token, "/v1/events", since="30d")) == [traffic["bob"]["id"]]
    assert api(token, f"/v1/events/{traffic['block']['id']}").status_code == 404


def test_detail(api, token_for, manager, traffic):
    response = api(token_for(manager), f"/v1/events/{traffic['escalate']['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == traffic["escalate"]["id"] and body["model"] == "claude-sonnet-4"
    assert {p["type"] for p in body["policies"]} == {"quality-scorer", "pii-detector"}
    assert body["cost_usd"] == pytest.approx((1000 * 3 + 500 * 15) / 1e6)


def test_token_without_events_scope_is_403(api, token_for, manager, traffic):
    response = api(token_for(manager, scopes=["keys:read"]), "/v1/events")
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"


def test_list_query_count_is_bounded(api, token_for, manager, traffic, django_assert_max_num_queries):
    token = token_for(manager)
    with django_assert_max_num_queries(12):
        api(token, "/v1/events", since="30d")


def test_openapi_needs_no_token(client, db):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert "/v1/events" in response.json()["paths"]


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_repeated_bad_tokens_get_429_but_valid_tokens_keep_working(client, settings, token_for, manager):
    settings.KT_AUTH_FAILURE_LIMIT = 3
    for _ in range(3):
        assert client.get("/v1/events", HTTP_AUTHORIZATION="Bearer kt_api_bad").status_code == 401
    response = client.get("/v1/events", HTTP_AUTHORIZATION="Bearer kt_api_bad")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "too_many_auth_failures"
    good = client.get("/v1/events", HTTP_AUTHORIZATION=f"Bearer {token_for(manager).plaintext}")
    assert good.status_code == 200


def test_policy_filter_pages_newest_first_with_other_filters_and_duplicate_entries(
        api, token_for, owner, gateway, alice_key, bob_key, org, payments):
    """The policy filter walks matching entries newest first (PostgreSQL): every
    match once, in order, across pages, after the event-level filters."""
    from tests.factories import GatewayFactory

    cf_a = {"name": "cf-a", "type": "content-filter", "action": "block", "findings": {"harmful": 1}}
    cf_b = {**cf_a, "name": "cf-b"}
    events = [make_event(alice_key, ago=timedelta(minutes=5 * i), action="block",
                         model="gpt-4o" if i % 3 else "claude-sonnet-4",
                         policies=[cf_a, cf_b] if i % 2 else [cf_a]) for i in range(40)]
    events.append(make_event(alice_key, ago=timedelta(minutes=1), policies=[QUALITY_OK]))
    redacted = [make_event(alice_key, ago=timedelta(minutes=5 * i + 2), action="redact",
                           policies=[PII] if i % 2 else [{**PII, "name": "secrets", "type": "dlp-filter"}])
                for i in range(9)]
    assert ingest(gateway, events + redacted)["accepted"] == 50
    bob_event = make_event(bob_key, ago=timedelta(minutes=7), action="block", policies=[cf_b])
    ingest(GatewayFactory(organization=org, teams=[payments]), [bob_event])
    token = token_for(owner)

    def walk(**params):
        seen, cursor = [], None
        while True:
            body = api(token, "/v1/events", since="7d", limit=4, **params,
                       **({"cursor": cursor} if cursor else {})).json()
            seen += [e["id"] for e in body["data"]]
            cursor = body["next_cursor"]
            if cursor is None:
                return seen

    everything = sorted([e["id"] for e in events[:40]] + [bob_event["id"]], reverse=True)
    assert walk(policy="content-filter", action="block") == everything
    assert walk(policy="content-filter") == everything
    assert walk(policy="cf-b", action="block") == sorted(
        [e["id"] for i, e in enumerate(events[:40]) if i % 2] + [bob_event["id"]], reverse=True)
    gpt = [e["id"] for e in events[:40] if e["model"] == "gpt-4o"]
    assert walk(policy="content-filter", model="gpt-4o", team="platform") == sorted(gpt, reverse=True)
    assert walk(policy="content-filter", action="redact") == []
    assert walk(action="redact") == sorted(e["id"] for e in redacted)[::-1]
    until = (datetime.now(timezone.utc) - timedelta(minutes=5 * 4 + 3)).isoformat()
    assert walk(action="redact", until=until) == sorted(e["id"] for e in redacted[5:])[::-1]
