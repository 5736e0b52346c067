import hashlib

from apps.audit.models import AuditEntry
from apps.keys.models import ApiToken
from apps.keys.selectors import api_token_scope
from apps.tenancy.scope import scope_for
from tests.factories import ApiTokenFactory


def test_token_is_shown_once_and_stored_hashed(login, manager):
    client = login(manager)
    response = client.post("/settings/tokens/", {"name": "ci", "scopes": ["events:read", "keys:read"]})
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    token = ApiToken.objects.get(user=manager)
    assert plaintext.startswith("kt_api_")
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert token.scopes == ["events:read", "keys:read"]
    assert plaintext.encode() not in client.get("/settings/tokens/").content
    assert AuditEntry.objects.filter(action="api_token.created", target_id=token.key_id).exists()


def test_token_limited_to_a_team_sees_only_that_team(owner, platform, payments):
    token = ApiTokenFactory(user=owner)
    token.teams.set([payments])
    assert api_token_scope(token, scope_for(owner)).team_ids == [payments.id]


def test_unlimited_token_follows_its_creators_current_teams(manager, platform):
    token = ApiTokenFactory(user=manager)
    assert api_token_scope(token, scope_for(manager)).team_ids == [platform.id]


def test_someone_elses_token_is_404(login, manager, alice):
    token = ApiTokenFactory(user=alice)
    assert login(manager).post(f"/settings/tokens/{token.key_id}/revoke/").status_code == 404


def test_owner_revokes_their_token(login, manager):
    token = ApiTokenFactory(user=manager)
    login(manager).post(f"/settings/tokens/{token.key_id}/revoke/")
    token.refresh_from_db()
    assert token.status == "revoked"
    assert ApiToken.authenticate(token.plaintext) is None
