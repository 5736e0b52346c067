import json
from datetime import date
from decimal import Decimal

import pytest

from apps.costs.models import BudgetMonth
from apps.costs.selectors import budget_month_to_date, month_of
from apps.costs.services import budget_recompute_month
from apps.escalations.models import Escalation
from apps.events.models import IngestBatch
from apps.events.services import batch_accept, batch_process
from tests.factories import budget
from apps.policies.models import TeamPolicyVersion
from tests.factories import GatewayFactory, GatewayKeyFactory

from ..events.conftest import make_event


@pytest.fixture
def setup(org, platform, alice, manager):
    gateway = GatewayFactory(organization=org, teams=[platform])
    return gateway, GatewayKeyFactory(team=platform, user=alice), GatewayKeyFactory(team=platform, user=manager)


def ingest(gateway, events):
    batch_accept(gateway=gateway, body=json.dumps({"events": events}).encode())
    for batch_id in IngestBatch.objects.filter(status="pending").values_list("id", flat=True):
        batch_process(batch_id)


def test_month_to_date_is_kept_per_team_and_member(setup, platform):
    gateway, alice_key, manager_key = setup
    ingest(gateway, [make_event(alice_key, cost_usd=1.25), make_event(manager_key, cost_usd=2.0)])
    assert budget_month_to_date(platform) == Decimal("3.25")
    assert budget_month_to_date(platform, "alice@acme.test") == Decimal("1.25")
    BudgetMonth.objects.filter(team=platform).update(spent_usd=0)  # drift
    budget_recompute_month(platform)
    assert budget_month_to_date(platform) == Decimal("3.25")


def test_alert_at_crossing_opens_one_escalation_a_month(setup, org, platform):
    gateway, alice_key, _ = setup
    budget(platform, 10, alert_at="0.8")
    ingest(gateway, [make_event(alice_key, cost_usd=5)])
    assert not Escalation.objects.exists()
    ingest(gateway, [make_event(alice_key, cost_usd=4)])  # 9 of 10: crossed 80 %
    ingest(gateway, [make_event(alice_key, cost_usd=0.5)])  # still over: no second one
    [alert] = Escalation.objects.all()
    assert (alert.kind, alert.policy, alert.policy_type) == ("budget", "team-budget", "cost_limit")
    assert "$9.00 of $10.00" in alert.reasons[0]


def test_policy_cost_limit_per_user_alerts_for_that_member(setup, org, platform, alice):
    gateway, alice_key, manager_key = setup
    TeamPolicyVersion.objects.create(organization=org, team=platform, version=1, yaml_text=(
        "policies:\n  - name: dev-budget\n    type: cost_limit\n    monthly_limit: 10\n    alert_at: 0.5\n"
        "    scope: user\n    action: block\n"))
    ingest(gateway, [make_event(manager_key, cost_usd=4), make_event(alice_key, cost_usd=6)])
    [alert] = Escalation.objects.all()
    assert alert.user == alice and alert.policy == "dev-budget"


def test_month_of_is_utc_first_day():
    from datetime import datetime, timezone

    assert month_of(datetime(2026, 11, 30, 23, 59, tzinfo=timezone.utc)) == date(2026, 11, 1)
