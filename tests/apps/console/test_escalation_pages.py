import pytest

from apps.audit.models import AuditEntry
from apps.escalations.models import Escalation
from tests.apps.console.conftest import escalating
from tests.factories import EscalationFactory


@pytest.fixture
def escalation(store, alice_key):
    store(alice_key, action="escalate", prompt_excerpt="my email is [EMAIL]", policies=[escalating()])
    return Escalation.objects.get()


@pytest.fixture
def bobs_escalation(store, bob_key):
    store(bob_key, action="escalate", policies=[escalating("payments-pii")])
    return Escalation.objects.get(policy="payments-pii")


def test_queue_lists_open_escalations_oldest_first_with_age(login, manager, escalation, platform):
    other = EscalationFactory(organization=platform.organization, team=platform, policy="later",
                                      policy_type="pii", dedupe_key="later")
    body = login(manager).get("/escalations/").content.decode()
    assert body.index("pii-check") < body.index("later")
    assert "Review target: 24 h" in body and other.policy in body


def test_escalation_older_than_the_sla_is_flagged(login, manager, escalation, org):
    org.review_sla_hours = 0
    org.save()
    assert "past 0 h SLA" in login(manager).get("/escalations/").content.decode()


def test_open_count_shows_in_the_navigation(login, manager, escalation):
    assert 'aria-label="1 open"' in login(manager).get("/").content.decode()


def test_detail_shows_event_policy_score_and_reasons(login, manager, escalation):
    body = login(manager).get(f"/escalations/{escalation.pk}/").content.decode()
    assert "pii-check" in body and "0.91" in body and "email address in prompt" in body
    assert escalation.event_id in body and "my email is [EMAIL]" in body


def test_manager_confirms_with_a_note_and_it_is_audited(login, manager, escalation):
    response = login(manager).post(f"/escalations/{escalation.pk}/", {"action": "confirm", "note": "real leak"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == "confirmed" and escalation.note == "real leak" and escalation.triaged_by == manager
    assert AuditEntry.objects.filter(action="escalation.confirmed").exists()


def test_dismissing_counts_toward_the_false_positive_rate(login, manager, escalation):
    client = login(manager)
    client.post(f"/escalations/{escalation.pk}/", {"action": "dismiss"})
    escalation.refresh_from_db()
    assert escalation.status == "dismissed"
    body = client.get("/escalations/").content.decode()
    assert "100.0%" in body  # pii-check: 1 dismissed of 1 triaged


def test_resolve_after_confirm(login, manager, escalation):
    client = login(manager)
    client.post(f"/escalations/{escalation.pk}/", {"action": "confirm"})
    client.post(f"/escalations/{escalation.pk}/", {"action": "resolve", "note": "rotated the data"})
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.note == "rotated the data"


def test_triaging_twice_explains_instead_of_failing(login, manager, escalation):
    client = login(manager)
    client.post(f"/escalations/{escalation.pk}/", {"action": "dismiss"})
    response = client.post(f"/escalations/{escalation.pk}/", {"action": "confirm"}, follow=True)
    assert "already dismissed" in response.content.decode()


def test_assign_to_me_and_to_a_member(login, manager, alice, escalation):
    client = login(manager)
    client.post(f"/escalations/{escalation.pk}/", {"action": "assign_me"})
    escalation.refresh_from_db()
    assert escalation.assignee == manager
    client.post(f"/escalations/{escalation.pk}/", {"assignee": alice.pk})
    escalation.refresh_from_db()
    assert escalation.assignee == alice


def test_bulk_dismiss(login, manager, platform, alice):
    rows = [EscalationFactory(organization=platform.organization, team=platform, user=alice, policy="p",
                                      policy_type="pii", dedupe_key=f"b{i}") for i in range(3)]
    response = login(manager).post("/escalations/", {"ids": [r.pk for r in rows[:2]], "action": "dismiss"})
    assert response.status_code == 302
    assert list(Escalation.objects.order_by("pk").values_list("status", flat=True)) == ["dismissed", "dismissed", "open"]


def test_bulk_cannot_touch_another_teams_escalation(login, manager, escalation, bobs_escalation):
    login(manager).post("/escalations/", {"ids": [escalation.pk, bobs_escalation.pk], "action": "dismiss"})
    bobs_escalation.refresh_from_db()
    assert bobs_escalation.status == "open"


def test_outsider_gets_404(login, outsider, escalation):
    assert login(outsider).get(f"/escalations/{escalation.pk}/").status_code == 404


def test_manager_of_another_team_gets_404(login, manager, bobs_escalation):
    assert login(manager).get(f"/escalations/{bobs_escalation.pk}/").status_code == 404


def test_developer_sees_own_escalation_but_cannot_triage(login, alice, escalation):
    client = login(alice)
    assert client.get(f"/escalations/{escalation.pk}/").status_code == 200
    assert client.post(f"/escalations/{escalation.pk}/", {"action": "dismiss"}).status_code == 403
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_viewer_cannot_triage(login, viewer, escalation):
    assert login(viewer).post(f"/escalations/{escalation.pk}/", {"action": "confirm"}).status_code == 403


def test_empty_queue_says_so(login, manager):
    assert "No open escalations" in login(manager).get("/escalations/").content.decode()


def test_queue_query_count_is_bounded(login, manager, platform, alice, django_assert_max_num_queries):
    for i in range(20):
        EscalationFactory(organization=platform.organization, team=platform, user=alice, policy="p",
                                  policy_type="pii", dedupe_key=f"q{i}")
    client = login(manager)
    with django_assert_max_num_queries(15):
        assert client.get("/escalations/").status_code == 200
