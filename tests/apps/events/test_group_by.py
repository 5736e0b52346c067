from datetime import datetime, timedelta, timezone

import pytest

from apps.events.models import Event

from .conftest import ingest, make_event

NOW = datetime.now(timezone.utc)
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4"]
ACTIONS = ["allow", "allow", "block", "escalate", "redact", "error"]


def entry_for(action):
    kinds = {"block": ("team-content-safety", "content-filter"), "escalate": ("team-quality-gate", "quality-scorer"),
             "redact": ("team-pii-protection", "pii-detector")}
    if action not in kinds:
        return []
    name, type_ = kinds[action]
    return [{"name": name, "type": type_, "action": action, "score": 0.5}]


@pytest.fixture
def spread(gateway, alice_key, manager_key):
    """60 events over the last 6 hours, at odd minutes, two users, three models."""
    events = []
    for i in range(60):
        key = alice_key if i % 3 else manager_key
        action = ACTIONS[i % len(ACTIONS)]
        events.append(make_event(key, ago=timedelta(minutes=7 + i * 6, seconds=i), model=MODELS[i % 3], action=action,
                                 policies=entry_for(action), tokens_in=10 * i, tokens_out=i))
    assert ingest(gateway, events)["accepted"] == 60
    return events


@pytest.fixture
def manager_key(manager, platform):
    from tests.factories import GatewayKeyFactory

    return GatewayKeyFactory(team=platform, user=manager)


def raw(since, until=None, **filters):
    qs = Event.objects.filter(ts__gte=since, **filters)
    return qs.filter(ts__lt=until) if until else qs


GROUP_BYS = ["user", "model", "hour", "day", "user,model", "key", "gateway", "team", "action"]


@pytest.mark.parametrize("on_the_hour", [False, True])
def test_group_totals_equal_raw_counts(api, token_for, manager, spread, on_the_hour):
    since = NOW - timedelta(hours=3, minutes=17, seconds=5)
    if on_the_hour:
        since = since.replace(minute=0, second=0, microsecond=0)
    token = token_for(manager)
    rows = raw(since)
    for group_by in GROUP_BYS:
        response = api(token, "/v1/events", since=since.isoformat(), group_by=group_by)
        assert response.status_code == 200
        body = response.json()
        assert body["group_by"] == group_by.split(",")
        assert sum(g["requests"] for g in body["data"]) == rows.count(), group_by
        assert sum(g["blocked"] for g in body["data"]) == rows.filter(action="block").count(), group_by
        assert sum(g["tokens_in"] for g in body["data"]) == sum(rows.values_list("tokens_in", flat=True)), group_by


def test_until_off_the_hour_adds_the_raw_edge(api, token_for, manager, spread):
    since, until = NOW - timedelta(hours=5, minutes=41), NOW - timedelta(hours=1, minutes=13)
    body = api(token_for(manager), "/v1/events", since=since.isoformat(), until=until.isoformat(),
               group_by="model").json()
    assert sum(g["requests"] for g in body["data"]) == raw(since, until).count()
    for group in body["data"]:
        assert group["requests"] == raw(since, until, model=group["model"]).count()


def test_group_by_reads_whole_hours_from_rollups(api, token_for, manager, spread):
    """Deleting raw events of whole hours does not change the answer: those hours come from
    the rollup, written with the events; only the edge before the first whole hour is raw."""
    since = NOW - timedelta(hours=3, minutes=30)
    expected = raw(since).count()
    first_whole_hour = (since + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    Event.objects.filter(ts__gte=first_whole_hour).delete()
    body = api(token_for(manager), "/v1/events", since=since.isoformat(), group_by="user").json()
    assert sum(g["requests"] for g in body["data"]) == expected


def test_group_by_user_shape(api, token_for, manager, spread):
    body = api(token_for(manager), "/v1/events", since="14d", group_by="user").json()
    users = {g["user"]: g for g in body["data"]}
    assert set(users) == {"alice@acme.test", "manager@acme.test"}
    assert set(users["alice@acme.test"]) == {"user", "requests", "blocked", "redacted", "escalated", "tokens_in",
                                             "tokens_out", "cost_usd"}
    assert isinstance(users["alice@acme.test"]["cost_usd"], float)


def test_group_by_policy_counts_entries(api, token_for, manager, spread):
    body = api(token_for(manager), "/v1/events", since="7d", group_by="policy,action").json()
    got = {(g["policy"], g["action"]): g["requests"] for g in body["data"]}
    assert got == {("team-content-safety", "block"): 10, ("team-quality-gate", "escalate"): 10,
                   ("team-pii-protection", "redact"): 10}


def test_group_by_with_policy_filter_falls_back_to_raw(api, token_for, manager, spread):
    body = api(token_for(manager), "/v1/events", since="7d", policy="content-filter", group_by="user").json()
    assert sum(g["requests"] for g in body["data"]) == 10
    assert all(g["blocked"] == g["requests"] for g in body["data"])


def test_developer_groups_only_their_own(api, token_for, alice, spread):
    body = api(token_for(alice), "/v1/events", since="7d", group_by="user").json()
    assert [g["user"] for g in body["data"]] == ["alice@acme.test"]
    body = api(token_for(alice), "/v1/events", since="7d", group_by="policy").json()
    assert sum(g["requests"] for g in body["data"]) == Event.objects.filter(
        user=alice, action__in=["block", "escalate", "redact"]).count()


def test_seed_queries_work(api, token_for, manager, spread):
    token = token_for(manager)
    for params in ({"since": "7d", "policy": "quality-scorer"}, {"since": "7d", "policy": "content-filter",
                   "action": "block"}, {"since": "14d", "group_by": "user"}, {"since": "14d", "group_by": "model"},
                   {"since": "7d", "group_by": "model"}):
        assert api(token, "/v1/events", **params).status_code == 200, params


def test_days_hours_and_edges_add_up_over_several_days(api, token_for, manager, gateway, alice_key):
    events = [make_event(alice_key, ago=timedelta(hours=3 * i, minutes=11 * i), model=MODELS[i % 3],
                         tokens_in=i) for i in range(40)]  # ~5 days back
    assert ingest(gateway, events)["accepted"] == 40
    since = NOW - timedelta(days=4, hours=5, minutes=17)
    until = NOW - timedelta(hours=7, minutes=41)
    token = token_for(manager)
    for params in ({"since": since.isoformat()}, {"since": since.isoformat(), "until": until.isoformat()}):
        rows = raw(since, until if "until" in params else None)
        for group_by in ("model", "day", "user,day"):
            body = api(token, "/v1/events", group_by=group_by, **params).json()
            assert sum(g["requests"] for g in body["data"]) == rows.count(), (params, group_by)
            assert sum(g["tokens_in"] for g in body["data"]) == sum(rows.values_list("tokens_in", flat=True))
