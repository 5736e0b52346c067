import threading
from decimal import Decimal

import msgspec
import pytest
from django.db import connection

from apps.costs.models import BudgetLease, ModelPrice
from apps.gateways.models import Gateway
from apps.policies.models import TeamPolicyVersion
from keeptrusts import wire
from tests.factories import budget

from .conftest import make_event

POLICY = """policies:
  - name: team-budget
    type: cost_limit
    monthly_limit: 2000
    action: block
allowed_models: [gpt-4o, "claude-*"]
"""


@pytest.fixture
def policy(org, platform):
    return TeamPolicyVersion.objects.create(organization=org, team=platform, version=3, yaml_text=POLICY)


def test_config_serves_policy_keys_budget_and_prices(gateway_client, gateway, policy, alice_key, bob_key, org, platform):
    budget(platform, 500, alert_at="0.8")  # version 4: the policy's team-budget at $500
    ModelPrice.objects.create(organization=org, model="gpt-4o", input_per_million=1, output_per_million=2)
    gateway_client.post("/v1/gateway/events", {"events": [make_event(alice_key, cost_usd=12.5)]},
                        content_type="application/json")
    response = gateway_client.get("/v1/gateway/config", HTTP_X_KT_GATEWAY_VERSION="0.1.0",
                                  HTTP_X_KT_POLICY_SOURCE="control-plane", HTTP_X_KT_POLICY_HASH="ab" * 32)
    assert response.status_code == 200
    config = msgspec.json.decode(response.content, type=wire.GatewayConfig)
    assert response["ETag"] == f'"{config.version}"'
    [team] = config.teams
    assert (team.slug, team.policy_version) == ("platform", 4)
    assert team.policy_yaml == POLICY.replace("monthly_limit: 2000\n", "monthly_limit: 500\n    alert_at: 0.8\n")
    assert team.allowed_models == ["gpt-4o", "claude-*"]
    assert team.budget.monthly_limit_usd == 500 and team.budget.spent_usd == 12.5
    assert (team.budget.policy, team.budget.alert_at) == ("team-budget", 0.8)
    assert [k.key_id for k in config.keys] == [alice_key.key_id]  # bob's team is not this gateway's
    assert config.keys[0].sha256 == alice_key.digest and config.keys[0].user == alice_key.user.email
    assert config.prices["gpt-4o"] == wire.ModelPrice(input=1.0, output=2.0)
    assert config.prices["claude-sonnet-4"].output == 15.0
    gateway.refresh_from_db()
    assert gateway.last_seen_at is not None
    assert (gateway.reported_version, gateway.policy_source, gateway.policy_hash) == ("0.1.0", "control-plane", "ab" * 32)


def test_config_etag_gives_304_until_something_changes(gateway_client, policy, alice_key, platform, alice):
    etag = gateway_client.get("/v1/gateway/config")["ETag"]
    assert gateway_client.get("/v1/gateway/config", HTTP_IF_NONE_MATCH=etag).status_code == 304
    alice_key.revoke()
    changed = gateway_client.get("/v1/gateway/config", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["keys"][0]["status"] == "revoked"


def lease(client, team="platform", usd=100, user=None):
    return client.post("/v1/gateway/budget/lease", {"team": team, "requested_usd": usd, "user": user},
                       content_type="application/json")


def test_leases_never_exceed_what_remains(gateway_client, org, platform, alice_key):
    budget(platform, 250)
    assert lease(gateway_client, usd=100).json()["granted_usd"] == 100
    assert lease(gateway_client, usd=100).json()["granted_usd"] == 100
    last = lease(gateway_client, usd=100).json()
    assert last["granted_usd"] == 50 and last["remaining_usd"] == 0
    assert lease(gateway_client, usd=10).json()["granted_usd"] == 0


def test_spent_lease_money_is_not_counted_twice(gateway_client, org, platform, alice_key):
    budget(platform, 100)
    assert lease(gateway_client, usd=60).json()["granted_usd"] == 60
    gateway_client.post("/v1/gateway/events", {"events": [make_event(alice_key, cost_usd=60)]},
                        content_type="application/json")
    # 60 spent (settled against the lease), 40 left: no double counting of the lease
    assert lease(gateway_client, usd=100).json()["granted_usd"] == 40


def test_team_without_budget_gets_what_it_asks(gateway_client, platform):
    body = lease(gateway_client, usd=5).json()
    assert body["granted_usd"] == 5 and body["unlimited"] is True


def test_lease_for_a_team_the_gateway_does_not_serve_is_400(gateway_client, payments):
    response = lease(gateway_client, team="payments")
    assert response.status_code == 400 and response.json()["error"]["param"] == "team"


def test_user_scoped_budget_is_per_member(gateway_client, org, platform, alice_key):
    budget(platform, 30, scope="user")
    assert lease(gateway_client, usd=50, user="alice@acme.test").json()["granted_usd"] == 30
    assert lease(gateway_client, usd=50, user="carol@acme.test").json()["granted_usd"] == 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_leases_never_add_up_to_more_than_the_budget(org, platform):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serializes writers anyway)")
    from apps.costs.services import budget_lease_grant
    from tests.factories import GatewayFactory

    budget(platform, 100)
    gateways = [GatewayFactory(organization=org, teams=[platform]) for _ in range(8)]
    granted, errors = [], []

    def ask(gw):
        try:
            for _ in range(3):
                granted.append(budget_lease_grant(gateway=gw, team=platform, requested=Decimal("7")).granted)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(gw,)) for gw in gateways]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(granted) == Decimal("100")  # 24 asks of 7 = 168 > 100: capped exactly
    assert sum(lease.granted_usd for lease in BudgetLease.objects.all()) == Decimal("100")
    assert Gateway.objects.count() == 8
