"""The escalation counts (EscalationCount) stay equal to counting the escalations
themselves, through every write, and are read within the actor's scope."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum

from apps.escalations.models import Escalation, EscalationCount
from apps.escalations.selectors import escalation_tallies
from apps.escalations.services import (
    escalation_confirm, escalation_counts_rebuild, escalation_dismiss, escalation_open_budget_alert,
    escalation_resolve,
)
from apps.tenancy.scope import scope_for
from tests.apps.console.conftest import escalating, gateway, store  # noqa: F401 (fixtures)
from tests.apps.events.conftest import alice_key, bob_key  # noqa: F401 (fixtures)
from tests.factories import EscalationFactory


def counted() -> dict:
    rows = EscalationCount.objects.values("team_id", "day", "policy", "status").annotate(n=Sum("count"))
    return {(r["team_id"], r["day"].date(), r["policy"], r["status"]): r["n"] for r in rows if r["n"]}


def raw() -> dict:
    rows = Escalation.objects.values("team_id", "created_at", "policy", "status")
    tally = {}
    for r in rows:
        key = (r["team_id"], r["created_at"].astimezone(timezone.utc).date(), r["policy"], r["status"])
        tally[key] = tally.get(key, 0) + 1
    return tally


def open_some(store, alice_key, bob_key):
    alices = [(0, "pii-check"), (0, "pii-check"), (3, "pii-check"), (9, "jailbreak")]
    store([*(_event(alice_key, days, policy) for days, policy in alices), _event(bob_key, 1, "payments-pii")])


def _event(key, days, policy):
    from tests.apps.events.conftest import make_event

    return make_event(key, ago=timedelta(days=days, minutes=5), action="escalate", policies=[escalating(policy)])


def test_counts_equal_raw_counts_after_open_and_each_triage(store, alice_key, bob_key, manager, owner):
    open_some(store, alice_key, bob_key)
    assert counted() == raw() and sum(raw().values()) == 5
    first, second, third = Escalation.objects.filter(team=alice_key.team).order_by("created_at")[:3]
    escalation_confirm(scope=scope_for(manager), actor=manager, escalation=first)
    assert counted() == raw()
    escalation_dismiss(scope=scope_for(manager), actor=manager, escalation=second)
    assert counted() == raw()
    escalation_resolve(scope=scope_for(manager), actor=manager, escalation=Escalation.objects.get(pk=first.pk))
    escalation_resolve(scope=scope_for(manager), actor=manager, escalation=third)
    assert counted() == raw()
    assert escalation_tallies(scope=scope_for(owner)) == {
        ("pii-check", "open"): 1, ("pii-check", "dismissed"): 1, ("jailbreak", "resolved"): 1,
        ("pii-check", "resolved"): 1, ("payments-pii", "open"): 1}


def test_refused_triage_changes_no_count(store, alice_key, bob_key, manager):
    open_some(store, alice_key, bob_key)
    escalation = Escalation.objects.filter(team=alice_key.team).first()
    escalation_dismiss(scope=scope_for(manager), actor=manager, escalation=escalation)
    before = counted()
    with pytest.raises(ValidationError, match="already dismissed"):
        escalation_confirm(scope=scope_for(manager), actor=manager, escalation=escalation)
    assert counted() == before == raw()


def test_bulk_triage_keeps_counts_equal(login, store, alice_key, bob_key, manager):
    open_some(store, alice_key, bob_key)
    ids = list(Escalation.objects.filter(team=alice_key.team).values_list("pk", flat=True)[:3])
    login(manager).post("/escalations/", {"ids": ids, "action": "dismiss"})
    assert Escalation.objects.filter(status="dismissed").count() == 3
    assert counted() == raw()


def test_budget_alert_is_counted_once(platform):
    rule = SimpleNamespace(name="team-budget", limit_usd=Decimal(100), alert_at=Decimal("0.8"))
    month = datetime.now(timezone.utc).date().replace(day=1)
    for _ in range(2):
        escalation_open_budget_alert(team=platform, month=month, subject="", rule=rule, spent=Decimal(85))
    assert counted() == raw() and sum(counted().values()) == 1


def test_rollup_recompute_is_idempotent(store, alice_key, bob_key, org):
    open_some(store, alice_key, bob_key)
    Escalation.objects.filter(policy="jailbreak").update(status="dismissed")  # written behind the services' back
    escalation_counts_rebuild(org.pk)
    escalation_counts_rebuild(org.pk)
    assert counted() == raw()


def test_tallies_follow_the_scope(store, alice_key, bob_key, manager, owner, alice, bob, outsider, outsider_team):
    open_some(store, alice_key, bob_key)
    EscalationFactory(team=outsider_team, policy="pii-check")
    assert escalation_tallies(scope=scope_for(owner)).total() == 5
    assert set(escalation_tallies(scope=scope_for(manager))) == {("pii-check", "open"), ("jailbreak", "open")}
    assert escalation_tallies(scope=scope_for(alice)).total() == 4  # a developer: their own escalations
    assert escalation_tallies(scope=scope_for(bob)) == {("payments-pii", "open"): 1}
    assert escalation_tallies(scope=scope_for(outsider)) == {("pii-check", "open"): 1}


def test_developer_counts_only_their_own_in_their_team(store, alice_key, bob_key, alice, platform):
    from tests.factories import member

    open_some(store, alice_key, bob_key)
    carol = member(platform, email="carol@acme.test")
    assert escalation_tallies(scope=scope_for(carol)).total() == 0
    assert escalation_tallies(scope=scope_for(alice), policy="jailbreak").total() == 1


def test_tallies_of_a_period_are_whole_utc_days(store, alice_key, bob_key, owner):
    open_some(store, alice_key, bob_key)
    end = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    week = escalation_tallies(scope=scope_for(owner), start=end - timedelta(days=7), end=end)
    expected = Escalation.objects.filter(created_at__gte=end - timedelta(days=7), created_at__lt=end).count()
    assert week.total() == expected == 4
    assert Escalation.objects.aggregate(n=Count("id"))["n"] == 5
