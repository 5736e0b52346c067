"""Shared fixtures: one org (Acme) with two teams and a person of every role, and an outsider org.

    acme:  owner · manager (platform) · developer alice (platform) · developer bob (payments)
           · viewer (platform)
    other: outsider (owner of another org, with a team and a key of their own)
"""

import os

import pytest

from apps.tenancy.models import Role
from tests.factories import PASSWORD, GatewayKeyFactory, OrganizationFactory, TeamFactory, member


def pytest_collection_modifyitems(config, items):
    """Integration tests marked `services` need PostgreSQL + Redis: skipped without them,
    a failure under KT_REQUIRE_SERVICES=1 (CI), so nothing hides behind a skip there."""
    needing = [item for item in items if item.get_closest_marker("services")]
    if not needing:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    ok = engine == "django.db.backends.postgresql" and bool(os.environ.get("KT_TEST_REDIS_URL"))
    if ok:
        return
    reason = "needs PostgreSQL and Redis (DATABASE_URL, KT_TEST_REDIS_URL)"
    if os.environ.get("KT_REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"{len(needing)} integration tests {reason}, and KT_REQUIRE_SERVICES=1")
    for item in needing:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed-credential counters live in the cache: one test's bad tokens must not lock out the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def platform(org):
    return TeamFactory(organization=org, name="Platform", slug="platform")


@pytest.fixture
def payments(org):
    return TeamFactory(organization=org, name="Payments", slug="payments")


@pytest.fixture
def owner(platform, payments):
    return member(platform, Role.OWNER, "owner@acme.test")


@pytest.fixture
def manager(platform, payments):
    return member(platform, Role.MANAGER, "manager@acme.test")


@pytest.fixture
def alice(platform):
    return member(platform, Role.DEVELOPER, "alice@acme.test")


@pytest.fixture
def bob(payments):
    return member(payments, Role.DEVELOPER, "bob@acme.test")


@pytest.fixture
def viewer(platform):
    return member(platform, Role.VIEWER, "viewer@acme.test")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def outsider_team(other_org):
    return TeamFactory(organization=other_org, name="Skunkworks", slug="skunkworks")


@pytest.fixture
def outsider(outsider_team):
    return member(outsider_team, Role.OWNER, "outsider@globex.test")


@pytest.fixture
def outsider_key(outsider, outsider_team):
    return GatewayKeyFactory(team=outsider_team, user=outsider)


@pytest.fixture
def login(client):
    """Log a user in on the test client: `login(manager)`."""

    def _login(user):
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login
