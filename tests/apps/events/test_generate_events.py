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
