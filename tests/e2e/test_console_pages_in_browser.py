"""The manager's Console workflow in Chromium: dashboard, events, escalations, budgets."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.costs.selectors import team_budgets
from apps.escalations.models import Escalation
from apps.policies.builtin import builtin_yaml
from apps.policies.models import TeamPolicyVersion
from tests.apps.console.conftest import escalating, gateway, store  # noqa: F401 (fixtures)
from tests.apps.events.conftest import alice_key, bob_key, make_event  # noqa: F401 (fixtures)
from tests.factories import EscalationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XSS = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


@pytest.fixture
def traffic(store, alice_key, bob_key):
    return {
        "allowed": store(alice_key, model="gpt-4o", cost_usd=1.5, ago=timedelta(minutes=3)),
        "blocked": store(alice_key, model="gpt-4o-mini", action="block", ago=timedelta(minutes=2),
                         policies=[{"name": "secrets", "type": "dlp-filter", "action": "block",
                                    "findings": {"aws_access_key": 1}, "reasons": ["AWS key in prompt"]}],
                         prompt_excerpt="deploy with [SECRET_1] " + XSS),
        "escalated": store(alice_key, model="gpt-4o", action="escalate", ago=timedelta(minutes=1),
                           policies=[escalating()]),
        "bobs": store(bob_key, model="claude-3-5-sonnet", cost_usd=9.0),
    }


def test_manager_sees_only_their_teams_on_every_page(page, log_in, screenshot, manager, traffic):
    log_in(manager)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("AI requests per developer")).to_be_visible()
    expect(page.locator("svg.bars").first).to_be_visible()
    screenshot("dashboard")
    for label, heading in (("Events", "Events"), ("Cost Center", "Cost Center"), ("Escalations", "Escalations")):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert "bob@acme.test" not in page.content() and "claude-3-5-sonnet" not in page.content()
        screenshot(label.lower().replace(" ", "-"))


def test_manager_filters_events_and_opens_one(page, log_in, screenshot, manager, traffic):
    log_in(manager)
    page.goto("/events/")
    page.get_by_label("Action").select_option("block")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("secrets")
    screenshot("events-filtered")
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Policies")).to_be_visible()
    expect(page.get_by_text("AWS key in prompt")).to_be_visible()
    # The excerpt's HTML is shown as text, never run.
    expect(page.locator("pre.excerpt").first).to_contain_text("<script>document.title='pwned'</script>")
    assert page.title() != "pwned"
    screenshot("event-detail")


def test_live_tail_streams_new_events_without_reloading(page, log_in, manager, traffic, store, alice_key, bob_key):
    log_in(manager)
    page.goto("/events/")
    expect(page.locator("table.events tbody tr")).to_have_count(3)
    expect(page.locator("#tail-status")).to_have_text("streaming")
    store(bob_key, model="claude-3-5-sonnet", ago=timedelta(seconds=0))  # payments: never in this manager's tail
    store(alice_key, model="o3-mini", ago=timedelta(seconds=0))
    expect(page.locator("#tail-live")).to_contain_text("o3-mini", timeout=5_000)  # pushed, not polled
    expect(page.locator("table.events")).not_to_contain_text("claude-3-5-sonnet")
    page.get_by_label("Live tail").uncheck()
    expect(page.locator("#tail-status")).to_have_text("paused")


def test_live_tail_falls_back_to_polling_when_the_server_refuses_a_stream(page, log_in, manager, traffic, store,
                                                                          alice_key, monkeypatch):
    from apps.events import views
    from apps.events.stream import StreamSlots

    monkeypatch.setattr(views, "LIVE_TAILS", StreamSlots(0))  # every slot taken: 503
    log_in(manager)
    page.goto("/events/")
    expect(page.locator("#tail-status")).to_have_text("polling every 5 s")
    store(alice_key, model="o3-mini", ago=timedelta(seconds=0))
    expect(page.locator("tbody.fresh").filter(has_text="o3-mini")).to_have_count(1, timeout=15_000)


def test_manager_triages_escalations_both_ways(page, log_in, screenshot, manager, alice, platform, traffic):
    second = EscalationFactory(organization=platform.organization, team=platform, user=alice,
                                       policy="pii-check", policy_type="pii", score=0.4, dedupe_key="second",
                                       reasons=["phone number-like digits"])
    first = Escalation.objects.get(event_id=traffic["escalated"])
    log_in(manager)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Escalations")).to_contain_text("2")  # the open count in the nav
    page.goto("/escalations/")
    screenshot("escalation-queue")
    page.get_by_role("link", name=f"#{first.pk}", exact=True).click()
    expect(page.get_by_text("email address in prompt").first).to_be_visible()
    page.get_by_label("Note").fill("real customer email")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("confirmed")
    screenshot("escalation-confirmed")
    page.goto(f"/escalations/{second.pk}/")
    page.get_by_role("button", name="Dismiss as false positive").click()
    expect(page.get_by_role("status")).to_contain_text("dismissed")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.note, second.status) == ("confirmed", "real customer email", "dismissed")
    page.goto("/escalations/?status=all")
    rates = page.get_by_role("region", name="False-positive rate per policy")
    expect(rates.get_by_role("row", name="pii-check")).to_contain_text("50.0%")  # 1 dismissed of 2 triaged
    screenshot("escalations-triaged")


def test_manager_sets_a_budget_and_sees_the_new_policy_version(page, log_in, screenshot, manager, org, platform):
    TeamPolicyVersion.objects.create(organization=org, team=platform, version=1, yaml_text=builtin_yaml("budget-only"))
    log_in(manager)
    page.goto("/settings/budgets/")
    expect(page.get_by_label("Monthly limit (USD)")).to_have_value("2000.00")  # the team's cost_limit policy
    page.get_by_label("Monthly limit (USD)").fill("1500")
    page.get_by_label("Alert at (% of the limit)").fill("90")
    page.get_by_role("button", name="Save Platform budget").click()
    expect(page.get_by_role("status")).to_contain_text("$1,500.00 a month, alert at 90% — saved as policy version 2")
    screenshot("budgets")
    page.get_by_role("status").get_by_role("link", name="see the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Policies of platform")
    diff = page.get_by_label("Diff")
    expect(diff).to_contain_text("-    monthly_limit: 2000")
    expect(diff).to_contain_text("+    monthly_limit: 1500")
    expect(diff).to_contain_text("-    alert_at: 0.8")
    expect(diff).to_contain_text("+    alert_at: 0.9")
    expect(page.get_by_role("cell", name="Budget: $1,500.00 a month, alert at 90%")).to_be_visible()
    assert team_budgets([platform.id])[platform.id].limit_usd == 1500
    screenshot("budget-policy-diff")
    page.goto("/settings/budgets/")
    page.get_by_role("button", name="Remove Platform budget").click()
    expect(page.get_by_role("status")).to_contain_text("budget removed — saved as policy version 3")
    expect(page.get_by_role("button", name="Remove Platform budget")).to_have_count(0)
    assert platform.id not in team_budgets([platform.id])
