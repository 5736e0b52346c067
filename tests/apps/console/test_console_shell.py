import subprocess
import sys

import pytest
from django.test import Client

from tests.factories import PASSWORD


def test_login_and_logout(client, manager):
    response = client.post("/accounts/login/", {"username": manager.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_gets_a_clear_message(client, manager):
    response = client.post("/accounts/login/", {"username": manager.email, "password": "nope"})
    assert b"did not match" in response.content


@pytest.mark.parametrize("path", ["/", "/events/", "/escalations/", "/costs/", "/templates/", "/settings/keys/",
                                  "/settings/tokens/", "/settings/gateways/", "/settings/members/", "/settings/budgets/"])
def test_every_console_page_renders_for_a_manager(login, manager, path):
    response = login(manager).get(path)
    assert response.status_code == 200
    assert b'aria-label="Main"' in response.content


def test_team_switcher_offers_only_visible_teams(login, manager, platform, payments):
    body = login(manager).get("/").content.decode()
    assert "Platform" in body and "Payments" not in body


def test_switching_to_an_invisible_team_is_ignored(login, manager, alice, payments):
    client = login(manager)
    client.post("/switch-team/", {"team": payments.id, "next": "/"})
    assert client.session.get("console_team_id") is None


def test_switching_team_narrows_the_pages(login, owner, alice, bob, platform, payments):
    from tests.factories import GatewayKeyFactory

    GatewayKeyFactory(team=platform, user=alice)
    bobs = GatewayKeyFactory(team=payments, user=bob)
    client = login(owner)
    assert bobs.key_id in client.get("/settings/keys/").content.decode()
    client.post("/switch-team/", {"team": platform.id, "next": "/settings/keys/"})
    assert bobs.key_id not in client.get("/settings/keys/").content.decode()


def test_forms_require_a_csrf_token(manager, platform, alice):
    client = Client(enforce_csrf_checks=True)
    client.login(email=manager.email, password=PASSWORD)
    response = client.post("/settings/keys/", {"team": platform.id, "user": alice.id})
    assert response.status_code == 403


def test_csrf_token_is_on_the_body_for_htmx(login, manager):
    assert b'hx-headers=\'{"X-CSRFToken"' in login(manager).get("/").content


def test_user_without_any_team_gets_a_clear_403(client, org):
    from tests.factories import UserFactory

    lonely = UserFactory(organization=org)
    client.login(email=lonely.email, password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 403 and b"not a member of any team" in response.content


def test_static_assets_are_served_locally(client, db):
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


@pytest.mark.parametrize("url, fragment", [
    ("mysql://root@localhost/db", "unsupported database"),
    ("not a url", "DATABASE_URL"),
    ("postgres://user@host:5432/", "names no database"),
])
def test_bad_database_url_gives_a_clear_error_at_start(url, fragment):
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True,
                            env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert fragment in result.stderr
    assert "ImproperlyConfigured" in result.stderr
