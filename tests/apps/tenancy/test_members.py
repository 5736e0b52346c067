from apps.audit.models import AuditEntry
from apps.tenancy.models import Membership, Role, User

URL = "/settings/members/"


def test_manager_adds_a_developer_to_their_team(login, manager, platform):
    response = login(manager).post(URL, {"email": "new@acme.test", "team": platform.id, "role": "developer"})
    assert response.status_code == 200
    user = User.objects.get(email="new@acme.test")
    assert Membership.objects.get(user=user).role == Role.DEVELOPER
    # A new person gets an initial password, shown once, that really logs them in.
    assert response.context["initial_password"]
    assert user.check_password(response.context["initial_password"])
    assert AuditEntry.objects.filter(action="membership.added", target_label="new@acme.test").exists()


def test_manager_cannot_grant_admin(login, manager, platform):
    response = login(manager).post(URL, {"email": "x@acme.test", "team": "", "role": "admin"})
    assert response.status_code == 400
    assert not User.objects.filter(email="x@acme.test").exists()


def test_developer_cannot_add_members(login, alice, platform):
    assert login(alice).post(URL, {"email": "y@acme.test", "team": platform.id, "role": "developer"}).status_code == 403


def test_role_change_is_applied_and_audited(login, owner, alice, platform):
    membership = Membership.objects.get(user=alice)
    response = login(owner).post(f"{URL}{membership.pk}/role/", {"role": "manager"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.data == {"old_role": "developer", "new_role": "manager"} and entry.actor == owner


def test_manager_cannot_change_roles_in_another_team(login, manager, bob):
    membership = Membership.objects.get(user=bob)
    assert login(manager).post(f"{URL}{membership.pk}/role/", {"role": "manager"}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.DEVELOPER


def test_members_page_lists_only_visible_teams(login, manager, alice, bob):
    body = login(manager).get(URL).content.decode()
    assert alice.email in body and bob.email not in body
