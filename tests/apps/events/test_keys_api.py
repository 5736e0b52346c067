from django.test import Client

from apps.audit.models import AuditEntry
from apps.keys.models import GatewayKey


def call(token, method, path, body=None):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")
    if method == "get":
        return client.get(path)
    return client.post(path, body or {}, content_type="application/json")


def test_manager_creates_a_key_for_a_member_shown_once(token_for, manager, alice, platform):
    token = token_for(manager, scopes=["keys:write"])
    response = call(token, "post", "/v1/keys", {"user": "alice@acme.test", "team": "platform", "name": "ci"})
    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith("kt_gk_") and body["user"] == "alice@acme.test" and body["team"] == "platform"
    assert set(body) == {"id", "key", "display", "user", "team", "expires_at", "created_at"}
    key = GatewayKey.objects.get(key_id=body["id"])
    assert key.user == alice and GatewayKey.authenticate(body["key"]) == key
    assert AuditEntry.objects.filter(action="gateway_key.created", target_id=key.key_id).exists()
    listed = call(token, "get", "/v1/keys").json()["data"]
    assert [k["id"] for k in listed] == [key.key_id] and "key" not in listed[0]


def test_keys_write_scope_is_required(token_for, manager, alice, platform):
    response = call(token_for(manager), "post", "/v1/keys", {"user": "alice@acme.test", "team": "platform"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
    assert call(token_for(manager), "get", "/v1/keys").status_code == 403
    assert call(token_for(manager, scopes=["keys:read"]), "get", "/v1/keys").status_code == 200
    assert not GatewayKey.objects.exists()


def test_developer_cannot_create_keys_for_others(token_for, alice, manager, platform):
    response = call(token_for(alice, scopes=["keys:write"]), "post", "/v1/keys",
                    {"user": "manager@acme.test", "team": "platform"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_unknown_team_is_400_with_accepted_teams(token_for, manager, alice, platform):
    response = call(token_for(manager, scopes=["keys:write"]), "post", "/v1/keys",
                    {"user": "alice@acme.test", "team": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "team" and "platform" in response.json()["error"]["message"]


def test_revoke_is_audited_and_outsiders_get_404(token_for, manager, outsider, alice, platform):
    from tests.factories import GatewayKeyFactory

    key = GatewayKeyFactory(team=platform, user=alice)
    assert call(token_for(outsider, scopes=["keys:write"]), "post", f"/v1/keys/{key.key_id}/revoke").status_code == 404
    response = call(token_for(manager, scopes=["keys:write"]), "post", f"/v1/keys/{key.key_id}/revoke")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert AuditEntry.objects.filter(action="gateway_key.revoked", target_id=key.key_id).exists()


def test_outsider_lists_no_keys(token_for, outsider, alice, platform):
    from tests.factories import GatewayKeyFactory

    GatewayKeyFactory(team=platform, user=alice)
    assert call(token_for(outsider, scopes=["keys:read"]), "get", "/v1/keys").json()["data"] == []
