"""Fixtures for the event pipeline: a gateway of `platform` with alice's key."""

from datetime import datetime, timedelta, timezone

import pytest

from apps.events.ulids import ulid_new
from tests.factories import ApiTokenFactory, GatewayFactory, GatewayKeyFactory


@pytest.fixture
def gateway(org, platform):
    return GatewayFactory(organization=org, teams=[platform], name="platform-gw")


@pytest.fixture
def alice_key(alice, platform):
    return GatewayKeyFactory(team=platform, user=alice)


@pytest.fixture
def bob_key(bob, payments):
    return GatewayKeyFactory(team=payments, user=bob)


class _CommittingClient:
    """A test client whose requests run their on-commit hooks (the enqueued ingest
    task, eager in tests), as a real request's commit would."""

    def __init__(self, client, capture):
        self.client, self.capture = client, capture

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name not in ("get", "post"):
            return method

        def call(*args, **kwargs):
            with self.capture(execute=True):
                return method(*args, **kwargs)

        return call


@pytest.fixture
def gateway_client(client, gateway, django_capture_on_commit_callbacks):
    """A test client authenticated as the gateway."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {gateway.plaintext}"
    return _CommittingClient(client, django_capture_on_commit_callbacks)


@pytest.fixture
def token_for():
    def _token(user, scopes=("events:read",), teams=()):
        token = ApiTokenFactory(user=user, organization=user.organization, scopes=list(scopes))
        if teams:
            token.teams.set(teams)
        return token

    return _token


def make_event(key, *, ago=timedelta(minutes=1), at=None, **fields):
    moment = at or datetime.now(timezone.utc) - ago
    event = {
        "id": ulid_new(moment), "ts": moment.isoformat().replace("+00:00", "Z"), "user": key.user.email,
        "key_id": key.key_id, "model": "gpt-4o", "action": "allow", "team": key.team.slug,
        "tokens_in": 100, "tokens_out": 50, "latency_ms": 120.0, "policies": [],
    }
    event.update(fields)
    return event


def ingest(gateway, events) -> dict:
    """Store events through the real pipeline (accept, then process), without HTTP."""
    import json

    from apps.events.models import IngestBatch
    from apps.events.services import batch_accept, batch_process

    body = batch_accept(gateway=gateway, body=json.dumps({"events": events}).encode())
    for batch_id in IngestBatch.objects.filter(status="pending").values_list("id", flat=True):
        batch_process(batch_id)
    return body


@pytest.fixture
def api():
    """`api(user_or_token, path, **params)` -> response, with the token's Bearer header."""
    from django.test import Client

    def _get(token, path, **params):
        return Client().get(path, params, HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")

    return _get


@pytest.fixture(autouse=True)
def fresh_auth_failure_counts():
    """Failed-credential counts live in the cache for 60 s; tests must not inherit them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
