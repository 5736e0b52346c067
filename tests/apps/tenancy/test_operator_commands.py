from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.gateways.models import Gateway
from apps.keys.models import ApiToken, GatewayKey
from apps.policies.models import TeamPolicyVersion
from apps.tenancy.models import Membership, Organization, Role


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()


def test_create_gateway_key_prints_the_key_alone_on_the_last_line(alice, platform):
    key = run("create_gateway_key", "--email", alice.email, "--team", "platform")[-1]
    assert GatewayKey.authenticate(key).user == alice


def test_create_gateway_key_for_a_non_member_explains_what_to_do(bob, platform):
    with pytest.raises(CommandError, match="not a member of team 'platform'"):
        run("create_gateway_key", "--email", bob.email, "--team", "platform")


def test_create_api_token_with_scopes(manager):
    token = ApiToken.authenticate(run("create_api_token", "--email", manager.email, "--scopes", "events:read,keys:write")[-1])
    assert token.scopes == ["events:read", "keys:write"]


def test_create_api_token_rejects_an_unknown_scope(manager):
    with pytest.raises(CommandError, match="accepted: events:read, keys:read, keys:write"):
        run("create_api_token", "--email", manager.email, "--scopes", "events:write")


def test_register_gateway_for_two_teams(platform, payments):
    token = run("register_gateway", "--team", "platform", "--team", "payments")[-1]
    gateway = Gateway.authenticate(token)
    assert {t.slug for t in gateway.teams.all()} == {"platform", "payments"}


@pytest.fixture
def state_dir(tmp_path, settings):
    settings.STATE_DIR = tmp_path
    return tmp_path


def read_env(path: Path) -> dict:
    return dict(line[7:].split("=", 1) for line in path.read_text().splitlines() if line.startswith("export "))


def test_seed_demo_creates_the_demo_org_and_a_working_env_file(db, state_dir):
    run("seed_demo")
    org = Organization.objects.get(slug="acme")
    assert sorted(org.teams.values_list("slug", flat=True)) == ["payments", "platform"]
    roles = {(m.user.email, m.role, m.team.slug if m.team else None) for m in Membership.objects.filter(organization=org)}
    assert roles == {("admin@example.com", Role.OWNER, None), ("manager@example.com", Role.MANAGER, "platform"),
                     ("alice@example.com", Role.DEVELOPER, "platform"), ("bob@example.com", Role.DEVELOPER, "payments")}
    for team in org.teams.all():
        first, second = TeamPolicyVersion.objects.filter(team=team).order_by("version")
        assert "team-quality-gate" in first.yaml_text and "cost_limit" not in first.yaml_text
        assert second.yaml_text.startswith(first.yaml_text) and "monthly_limit: 2000" in second.yaml_text
    env = read_env(state_dir / "demo.env")
    assert env["GATEWAY_KEY"] == env["OPENAI_API_KEY"]
    assert GatewayKey.authenticate(env["GATEWAY_KEY"]).user.email == "alice@example.com"
    assert ApiToken.authenticate(env["KT_API_TOKEN"]).user.email == "manager@example.com"
    assert [t.slug for t in Gateway.authenticate(env["KT_GATEWAY_TOKEN"]).teams.all()] == ["platform"]
    assert env["OPENAI_BASE_URL"] == "http://127.0.0.1:41002/v1" and env["KT_API_URL"] == "http://127.0.0.1:8000"


def test_seed_demo_twice_reuses_data_and_credentials(db, state_dir):
    run("seed_demo")
    first = (state_dir / "demo.env").read_text()
    run("seed_demo")
    assert (state_dir / "demo.env").read_text() == first
    assert Organization.objects.filter(slug="acme").count() == 1


def test_seed_demo_reissues_credentials_when_the_env_file_is_gone(db, state_dir):
    run("seed_demo")
    old = read_env(state_dir / "demo.env")
    (state_dir / "demo.env").unlink()
    run("seed_demo")
    new = read_env(state_dir / "demo.env")
    assert GatewayKey.authenticate(old["GATEWAY_KEY"]) is None
    assert GatewayKey.authenticate(new["GATEWAY_KEY"]) is not None
