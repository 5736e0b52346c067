from datetime import timedelta

import pytest

from apps.escalations.models import Escalation
from apps.tenancy.models import Role
from tests.apps.console.conftest import escalating
from tests.factories import EscalationFactory, budget, member


@pytest.fixture
def traffic(store, alice_key, bob_key):
    store(alice_key, model="gpt-4o", cost_usd=1.25)
    store(alice_key, model="gpt-4o-mini", action="block", cost_usd=0.0,
          policies=[{"name": "secrets", "type": "dlp-filter", "action": "block"}])
    store(alice_key, model="gpt-4o", action="escalate", cost_usd=0.5, policies=[escalating()])
    store(bob_key, model="claude-3-5-sonnet", cost_usd=7.0)


def test_dashboard_shows_sprint_metrics_from_rollups(login, manager, viewer, traffic, platform):
    budget(platform, 100, alert_at="0.8")
    body = login(manager).get("/").content.decode()
    assert "AI requests per developer" in body
    # platform only: alice made 3 requests with 2 models, one blocked, $1.75
    assert ">3<" in body.replace(" ", "")  # requests per developer (1 developer)
    assert "33.3%" in body  # block rate
    assert "$1.75" in body
    assert "claude-3-5-sonnet" not in body  # bob's team is not the manager's
    assert "secrets" in body  # top triggered policy
    assert "Spend per day by model" in body and "Table view" in body
    assert "$100.00" in body  # budget


def test_adoption_counts_members_with_a_governed_call(login, manager, traffic, platform):
    member(platform, Role.DEVELOPER, "carol@acme.test")  # no calls yet
    body = login(manager).get("/").content.decode()
    # members of platform: manager, alice, viewer? (only those fixtures created) + carol; alice adopted
    assert "1 of " in body and "team members made a governed call" in body


def test_developer_sees_only_their_own_numbers(login, alice, bob, traffic):
    body = login(bob).get("/").content.decode()
    assert "$7.00" in body and "$1.75" not in body


def test_onboarding_tracks_key_issued_to_first_call(login, manager, alice_key, store):
    body = login(manager).get("/").content.decode()
    assert "alice@acme.test" in body and "not yet" in body
    store(alice_key, ago=timedelta(0))
    assert "not yet" not in login(manager).get("/").content.decode()


def test_false_positive_rate_is_dismissed_over_triaged(login, manager, platform, alice):
    for i, status in enumerate([Escalation.Status.DISMISSED, Escalation.Status.CONFIRMED,
                                Escalation.Status.CONFIRMED, Escalation.Status.OPEN]):
        EscalationFactory(organization=platform.organization, team=platform, user=alice, policy="pii-check",
                                  policy_type="pii", status=status, dedupe_key=f"k{i}")
    body = login(manager).get("/").content.decode()
    assert "33.3%" in body


def test_empty_dashboard_says_how_to_point_an_app_at_the_gateway(login, manager):
    body = login(manager).get("/").content.decode()
    assert "No events yet" in body and "export OPENAI_BASE_URL=http://gateway.internal:41002/v1" in body


@pytest.mark.parametrize("query", ["period=14d", "period=30d", "period=custom&start=2026-01-01&end=2026-01-14"])
def test_period_filters(login, manager, traffic, query):
    assert login(manager).get(f"/?{query}").status_code == 200


def test_bad_sprint_dates_are_explained_not_500(login, manager):
    body = login(manager).get("/?period=custom&start=2026-02-01&end=2026-01-01").content.decode()
    assert "before its start date" in body


def test_team_filter_cannot_reach_an_invisible_team(login, manager, payments, traffic):
    body = login(manager).get(f"/?team={payments.id}").content.decode()
    assert "Select a valid choice" in body and "$7.00" not in body


def test_outsider_sees_none_of_acme(login, outsider, traffic):
    body = login(outsider).get("/").content.decode()
    assert "$1.75" not in body and "alice@acme.test" not in body


def test_anonymous_is_sent_to_login(client):
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_dashboard_query_count_is_bounded(login, manager, traffic, django_assert_max_num_queries):
    client = login(manager)
    with django_assert_max_num_queries(30):
        assert client.get("/?period=30d").status_code == 200


def test_dashboard_links_to_the_periods_events_for_review_and_export(login, owner, platform, traffic):
    client = login(owner)
    body = client.get(f"/?team={platform.id}&period=custom&start=2026-11-02&end=2026-11-15").content.decode()
    link = "/events/?since=2026-11-02T00%3A00%3A00Z&amp;until=2026-11-16T00%3A00%3A00Z&amp;team=platform"
    assert f'href="{link}"' in body
    events = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2026-11-02T00:00:00Z"' in events and '<option value="platform" selected>' in events
