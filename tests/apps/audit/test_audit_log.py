from tests.factories import GatewayKeyFactory


def test_admin_sees_the_audit_log(login, owner, manager, alice, platform):
    client = login(manager)
    client.post("/settings/keys/", {"team": platform.id, "user": alice.id})
    body = login(owner).get("/audit/").content.decode()
    assert "gateway_key.created" in body and manager.email in body


def test_manager_cannot_read_the_audit_log(login, manager):
    assert login(manager).get("/audit/").status_code == 403


def test_audit_log_shows_nothing_of_another_org(login, owner, outsider, outsider_team):
    from apps.keys.services import gateway_key_create
    from apps.tenancy.scope import scope_for

    gateway_key_create(scope=scope_for(outsider), actor=outsider, user=outsider, team=outsider_team)
    assert outsider.email not in login(owner).get("/audit/").content.decode()


def test_revoking_an_unknown_key_records_nothing(login, manager, alice, platform):
    key = GatewayKeyFactory(team=platform, user=alice)
    key.revoke()
    login(manager).post(f"/settings/keys/{key.key_id}/revoke/")  # already revoked: no second entry
    from apps.audit.models import AuditEntry

    assert not AuditEntry.objects.filter(action="gateway_key.revoked").exists()
