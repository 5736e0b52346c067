import hashlib

from apps.audit.models import AuditEntry
from apps.gateways.models import Gateway
from tests.factories import GatewayFactory

URL = "/settings/gateways/"


def test_manager_registers_a_gateway_and_gets_a_copy_ready_command(login, manager, platform):
    response = login(manager).post(URL, {"name": "platform-prod", "teams": [platform.id]})
    assert response.status_code == 200
    token = response.context["plaintext"]
    gateway = Gateway.objects.get(name="platform-prod")
    assert token.startswith("kt_gwt_")
    assert gateway.digest == hashlib.sha256(token.encode()).hexdigest()
    assert list(gateway.teams.all()) == [platform]
    command = response.context["command"]
    assert f"KT_GATEWAY_TOKEN={token}" in command and "kt gateway run --port 41002" in command
    assert "KT_API_URL=http://testserver" in command
    assert AuditEntry.objects.filter(action="gateway.registered", target_id=gateway.key_id).exists()


def test_a_gateway_can_serve_several_teams(login, owner, platform, payments):
    login(owner).post(URL, {"name": "dept", "teams": [platform.id, payments.id]})
    assert set(Gateway.objects.get(name="dept").teams.all()) == {platform, payments}


def test_developer_cannot_register_a_gateway(login, alice, platform):
    assert login(alice).post(URL, {"name": "x", "teams": [platform.id]}).status_code == 403


def test_manager_cannot_register_for_a_team_they_do_not_manage(login, manager, payments):
    response = login(manager).post(URL, {"name": "x", "teams": [payments.id]})
    assert response.status_code == 400
    assert not Gateway.objects.filter(name="x").exists()


def test_gateways_of_other_teams_are_invisible_and_404(login, manager, org, payments):
    gateway = GatewayFactory(organization=org, teams=[payments])
    client = login(manager)
    assert gateway.name not in client.get(URL).content.decode()
    assert client.post(f"{URL}{gateway.key_id}/revoke/").status_code == 404


def test_manager_revokes_their_gateway(login, manager, org, platform):
    gateway = GatewayFactory(organization=org, teams=[platform])
    login(manager).post(f"{URL}{gateway.key_id}/revoke/")
    gateway.refresh_from_db()
    assert gateway.status == "revoked"
    assert Gateway.authenticate(gateway.plaintext) is None
