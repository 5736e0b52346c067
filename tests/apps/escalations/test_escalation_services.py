import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEntry
from apps.escalations.models import Escalation
from apps.escalations.selectors import escalation_false_positive_rates, escalation_list
from apps.escalations.services import (
    escalation_assign, escalation_confirm, escalation_dismiss, escalation_resolve,
)
from apps.tenancy.scope import scope_for
from tests.factories import EscalationFactory



def open_escalation(team, user, policy="team-quality-gate", n=0):
    from datetime import datetime, timezone

    return EscalationFactory(
        organization=team.organization, team=team, user=user, event_id=f"01J{n:023d}", policy=policy,
        policy_type="quality-scorer", score=0.4, dedupe_key=f"event:{n}:{policy}",
        event_ts=datetime.now(timezone.utc))


def test_manager_confirms_dismisses_and_resolves_with_audit(manager, alice, platform):
    scope = scope_for(manager)
    first, second = open_escalation(platform, alice, n=1), open_escalation(platform, alice, n=2)
    confirmed = escalation_confirm(scope=scope, actor=manager, escalation=first, note="real leak")
    assert (confirmed.status, confirmed.note, confirmed.triaged_by) == ("confirmed", "real leak", manager)
    assert escalation_resolve(scope=scope, actor=manager, escalation=confirmed, note="rotated").status == "resolved"
    assert escalation_dismiss(scope=scope, actor=manager, escalation=second).status == "dismissed"
    assert AuditEntry.objects.filter(action__startswith="escalation.").count() == 3
    assert escalation_false_positive_rates(scope=scope) == {"team-quality-gate": 0.5}


def test_triage_is_compare_and_set(manager, alice, platform):
    scope = scope_for(manager)
    escalation = open_escalation(platform, alice)
    escalation_dismiss(scope=scope, actor=manager, escalation=escalation)
    with pytest.raises(ValidationError, match="already dismissed"):
        escalation_confirm(scope=scope, actor=manager, escalation=Escalation.objects.get(pk=escalation.pk))


def test_developer_cannot_triage_and_outsider_cannot_see(alice, outsider, platform):
    escalation = open_escalation(platform, alice)
    with pytest.raises(PermissionDenied):
        escalation_confirm(scope=scope_for(alice), actor=alice, escalation=escalation)
    with pytest.raises(Escalation.DoesNotExist):
        escalation_confirm(scope=scope_for(outsider), actor=outsider, escalation=escalation)
    assert list(escalation_list(scope=scope_for(outsider))) == []
    assert list(escalation_list(scope=scope_for(alice))) == [escalation]  # her own request


def test_assign_only_to_someone_who_sees_the_team(manager, alice, bob, platform):
    scope = scope_for(manager)
    escalation = open_escalation(platform, alice)
    assert escalation_assign(scope=scope, actor=manager, escalation=escalation, assignee=manager).assignee == manager
    with pytest.raises(ValidationError, match="cannot see team"):
        escalation_assign(scope=scope, actor=manager, escalation=escalation, assignee=bob)
