from django.db.models import Count
from django.core.management import call_command

from apps.events.models import Event, PolicyEntry, UsageRollup
from apps.tenancy.models import Organization


def test_generated_traffic_is_believable_and_rollups_match(org, platform, payments, manager, api, token_for):
    call_command("generate_events", "--count", "3000", "--days", "7", "--org", "acme", "--developers", "12",
                 "--seed", "7")
    events = Event.objects.filter(organization=org)
    assert events.count() == 3000
    assert events.values("user").distinct().count() >= 10
    assert events.values("model").distinct().count() >= 6
    actions = dict(events.values_list("action").annotate(n=Count("id")))
    assert actions["allow"] > 2000 and {"block", "redact", "escalate", "error"} <= set(actions)
    assert PolicyEntry.objects.filter(type="quality-scorer").count() > 1500
    assert sum(UsageRollup.objects.filter(organization=org).values_list("requests", flat=True)) == 3000
    body = api(token_for(manager), "/v1/events", since="14d", group_by="model").json()
    platform_events = Event.objects.filter(team=platform).count()
    assert sum(g["requests"] for g in body["data"]) == platform_events


def test_unknown_org_is_a_clear_error(db):
    import pytest
    from django.core.management.base import CommandError

    Organization.objects.create(name="Acme", slug="acme")
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("generate_events", "--org", "nope", "--count", "1")


def test_generated_escalate_entries_fill_the_queue_and_older_ones_are_triaged(org, platform, payments, manager):
    from datetime import timedelta

    from django.utils import timezone

    from apps.escalations.models import Escalation

    call_command("generate_events", "--count", "3000", "--days", "14", "--org", "acme", "--developers", "12",
                 "--seed", "7")
    escalate_entries = PolicyEntry.objects.filter(event__organization=org, action="escalate")
    escalations = Escalation.objects.filter(organization=org, kind=Escalation.Kind.POLICY)
    assert escalations.count() == escalate_entries.count() > 20
    week_ago = timezone.now() - timedelta(days=7)
    recent = escalations.filter(event_ts__gte=week_ago)
    assert set(recent.values_list("status", flat=True)) == {"open"}
    older = escalations.filter(event_ts__lt=week_ago)
    assert set(older.values_list("status", flat=True)) == {"confirmed", "dismissed", "resolved"}
    assert not older.filter(triaged_at__isnull=True).exists()
    one = escalations.first()
    event = Event.objects.get(id=one.event_id)
    assert (one.team_id, one.user_id, one.event_ts) == (event.team_id, event.user_id, event.ts)
    # Running it again adds traffic, never a second escalation for the same entry.
    call_command("generate_events", "--count", "500", "--days", "14", "--org", "acme", "--seed", "8")
    assert escalations.count() == escalate_entries.count()
    # The escalation counts the Console reads say the same, per status.
    from apps.escalations.selectors import escalation_tallies
    from apps.tenancy.scope import unscoped_operator_scope

    tallies = escalation_tallies(scope=unscoped_operator_scope(org))
    for status in Escalation.Status.values:
        assert sum(n for (_, s), n in tallies.items() if s == status) == escalations.filter(status=status).count()
