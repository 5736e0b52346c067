import hashlib

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.keys.models import GatewayKey
from tests.factories import GatewayKeyFactory

KEYS_URL = "/settings/keys/"


def create_key(client, team, user, **extra):
    return client.post(KEYS_URL, {"team": team.id, "user": user.id, "name": "laptop", **extra})


def test_manager_creates_a_key_for_a_developer_and_sees_it_once(login, manager, alice, platform):
    client = login(manager)
    response = create_key(client, platform, alice)
    assert response.status_code == 200
    key = GatewayKey.objects.get(user=alice)
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("kt_gk_") and plaintext.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    # Stored as a SHA-256 digest only.
    assert key.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in {getattr(key, f.attname) for f in key._meta.fields if isinstance(getattr(key, f.attname), str)}
    # The list shows the display form, never the secret again.
    again = client.get(KEYS_URL)
    assert key.display.encode() in again.content
    assert plaintext.encode() not in again.content


def test_plaintext_key_authenticates_and_revoked_key_does_not(platform, alice):
    key = GatewayKeyFactory(team=platform, user=alice)
    assert GatewayKey.authenticate(key.plaintext) == key
    key.revoke()
    assert GatewayKey.authenticate(key.plaintext) is None


def test_expired_key_is_rejected_like_an_unknown_one(platform, alice):
    key = GatewayKeyFactory(team=platform, user=alice, expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert key.status == "expired"
    assert GatewayKey.authenticate(key.plaintext) is None
    assert GatewayKey.authenticate("kt_gk_unknown") is None


def test_developer_creates_a_key_for_themselves(login, alice, platform):
    response = create_key(login(alice), platform, alice)
    assert response.status_code == 200
    assert GatewayKey.objects.filter(user=alice, team=platform).count() == 1


def test_developer_cannot_create_a_key_for_someone_else(login, alice, manager, platform):
    response = create_key(login(alice), platform, manager)
    assert response.status_code == 400
    assert not GatewayKey.objects.filter(user=manager).exists()


def test_viewer_cannot_create_keys(login, viewer, platform):
    assert create_key(login(viewer), platform, viewer).status_code == 403


def test_manager_cannot_create_a_key_in_another_team(login, manager, bob, payments):
    response = create_key(login(manager), payments, bob)
    assert response.status_code == 400  # payments is not a choice for them
    assert not GatewayKey.objects.filter(user=bob).exists()


def test_developer_sees_only_their_own_keys(login, alice, manager, platform):
    mine = GatewayKeyFactory(team=platform, user=alice)
    theirs = GatewayKeyFactory(team=platform, user=manager)
    body = login(alice).get(KEYS_URL).content.decode()
    assert mine.key_id in body and theirs.key_id not in body


def test_manager_gets_404_for_another_teams_key(login, manager, bob, payments):
    key = GatewayKeyFactory(team=payments, user=bob)
    response = login(manager).post(f"{KEYS_URL}{key.key_id}/revoke/")
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_outsider_gets_404_for_our_key(login, outsider, alice, platform):
    key = GatewayKeyFactory(team=platform, user=alice)
    assert login(outsider).post(f"{KEYS_URL}{key.key_id}/revoke/").status_code == 404
    assert key.key_id not in login(outsider).get(KEYS_URL).content.decode()


def test_manager_revokes_a_key_and_the_audit_log_records_create_and_revoke(login, manager, alice, platform):
    client = login(manager)
    create_key(client, platform, alice)
    key = GatewayKey.objects.get(user=alice)
    response = client.post(f"{KEYS_URL}{key.key_id}/revoke/", follow=True)
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.status == "revoked"
    actions = list(AuditEntry.objects.filter(target_id=key.key_id).values_list("action", "actor_label", "ip"))
    assert ("gateway_key.created", manager.email, "127.0.0.1") in actions
    assert ("gateway_key.revoked", manager.email, "127.0.0.1") in actions


def test_developer_revokes_their_own_key(login, alice, platform):
    key = GatewayKeyFactory(team=platform, user=alice)
    login(alice).post(f"{KEYS_URL}{key.key_id}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_key_with_expiry_shows_it(login, manager, alice, platform):
    create_key(login(manager), platform, alice, expires_at="2030-01-01T10:00")
    key = GatewayKey.objects.get(user=alice)
    assert key.expires_at.year == 2030 and key.status == "active"


def test_key_list_query_count_is_bounded(login, manager, alice, platform, django_assert_max_num_queries):
    for _ in range(20):
        GatewayKeyFactory(team=platform, user=alice)
    client = login(manager)
    with django_assert_max_num_queries(12):
        assert client.get(KEYS_URL).status_code == 200


@pytest.mark.parametrize("path", [KEYS_URL, "/settings/tokens/", "/settings/gateways/", "/settings/members/", "/"])
def test_anonymous_is_sent_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
