import csv
import io
from decimal import Decimal

import pytest

from apps.audit.models import AuditEntry
from apps.costs.selectors import team_budgets
from apps.policies.models import TeamPolicyVersion
from tests.factories import GatewayFactory, budget


@pytest.fixture
def spend(store, alice_key, bob_key):
    store(alice_key, model="gpt-4o", cost_usd=2.5, tokens_in=1000)
    store(alice_key, model="gpt-4o-mini", cost_usd=0.25)
    store(bob_key, model="claude-3-5-sonnet", cost_usd=9.0)


def test_cost_center_shows_spend_by_user_and_model(login, manager, spend):
    body = login(manager).get("/costs/").content.decode()
    assert "Spend by developer" in body and "alice@acme.test" in body and "$2.75" in body
    assert "gpt-4o-mini" in body and "$0.25" in body
    assert "bob@acme.test" not in body and "claude-3-5-sonnet" not in body


def test_cost_center_shows_budget_bar_and_forecast(login, manager, spend, platform):
    budget(platform, 10)
    body = login(manager).get("/costs/").content.decode()
    assert 'role="meter"' in body and "$10.00" in body and "Forecast" in body


def test_csv_export_has_the_filtered_rows(login, manager, spend):
    response = login(manager).get("/costs/?period=30d&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["day", "team", "user", "model", "requests", "tokens_in", "tokens_out", "cost_usd"]
    assert {r[3] for r in rows[1:]} == {"gpt-4o", "gpt-4o-mini"}
    assert sum(Decimal(r[7]) for r in rows[1:]) == Decimal("2.75")


def test_developer_sees_only_own_spend(login, bob, spend):
    body = login(bob).get("/costs/").content.decode()
    assert "$9.00" in body and "alice@acme.test" not in body


def test_outsider_export_is_empty(login, outsider, spend):
    response = login(outsider).get("/costs/?format=csv")
    assert len(b"".join(response.streaming_content).decode().strip().splitlines()) == 1


def test_cost_center_query_count_is_bounded(login, manager, spend, django_assert_max_num_queries):
    client = login(manager)
    with django_assert_max_num_queries(20):
        assert client.get("/costs/?period=30d").status_code == 200


def test_manager_sets_a_budget_and_it_is_audited(login, manager, platform):
    response = login(manager).post("/settings/budgets/", {
        "team": platform.id, f"t{platform.id}-monthly_limit_usd": "1500", f"t{platform.id}-alert_percent": "80",
        f"t{platform.id}-scope": "team", f"t{platform.id}-action": "block"})
    assert response.status_code == 302
    rule = team_budgets([platform.id])[platform.id]
    assert rule.limit_usd == Decimal("1500") and rule.alert_at == Decimal("0.8")
    entry = AuditEntry.objects.get(action="budget.set")
    assert entry.team == platform and entry.data["after"]["monthly_limit_usd"] == "1500.00"
    assert entry.data["version"] == 1 and entry.data["before"] == {}


def test_new_budget_reaches_gateways_with_the_next_config_pull(login, manager, org, platform, client):
    gateway = GatewayFactory(organization=org, teams=[platform])
    login(manager).post("/settings/budgets/", {
        "team": platform.id, f"t{platform.id}-monthly_limit_usd": "750", f"t{platform.id}-scope": "team",
        f"t{platform.id}-action": "block"})
    client.logout()
    config = client.get("/v1/gateway/config", HTTP_AUTHORIZATION=f"Bearer {gateway.plaintext}").json()
    team = next(t for t in config["teams"] if t["slug"] == "platform")
    assert team["budget"]["monthly_limit_usd"] == 750.0


def test_negative_budget_is_refused_with_a_reason(login, manager, platform):
    response = login(manager).post("/settings/budgets/", {
        "team": platform.id, f"t{platform.id}-monthly_limit_usd": "-5", f"t{platform.id}-scope": "team",
        f"t{platform.id}-action": "block"})
    assert response.status_code == 400 and "must be more than $0" in response.content.decode()
    assert not TeamPolicyVersion.objects.exists()


def test_developer_cannot_set_a_budget(login, alice, platform):
    response = login(alice).post("/settings/budgets/", {
        "team": platform.id, f"t{platform.id}-monthly_limit_usd": "1", f"t{platform.id}-scope": "team",
        f"t{platform.id}-action": "block"})
    assert response.status_code == 403 and not TeamPolicyVersion.objects.exists()


def test_manager_cannot_set_another_teams_budget(login, manager, payments):
    response = login(manager).post("/settings/budgets/", {
        "team": payments.id, f"t{payments.id}-monthly_limit_usd": "1", f"t{payments.id}-scope": "team",
        f"t{payments.id}-action": "block"})
    assert response.status_code == 404


def test_outsider_cannot_set_acme_budget(login, outsider, platform):
    response = login(outsider).post("/settings/budgets/", {"team": platform.id})
    assert response.status_code == 404


def test_budget_page_shows_a_form_per_managed_team(login, manager, platform):
    body = login(manager).get("/settings/budgets/").content.decode()
    assert "Save Platform budget" in body and 'for="id_t%d-monthly_limit_usd"' % platform.id in body


QUALITY = """policies:
  - name: team-security
    type: prompt-injection
    action: block
  - name: team-budget
    type: cost_limit
    monthly_limit: 2000
    action: block
"""


def post_budget(client, team, limit, alert=""):
    return client.post("/settings/budgets/", {
        "team": team.id, f"t{team.id}-monthly_limit_usd": limit, f"t{team.id}-alert_percent": alert,
        f"t{team.id}-scope": "team", f"t{team.id}-action": "block"})


def test_budget_change_is_a_policy_version_whose_diff_is_the_budget_alone(login, manager, org, platform, client):
    TeamPolicyVersion.objects.create(organization=org, team=platform, version=1, yaml_text=QUALITY)
    gateway = GatewayFactory(organization=org, teams=[platform])
    etag = client.get("/v1/gateway/config", HTTP_AUTHORIZATION=f"Bearer {gateway.plaintext}")["ETag"]
    console = login(manager)
    assert post_budget(console, platform, "1500", alert="80").status_code == 302
    version = TeamPolicyVersion.objects.get(team=platform, version=2)
    assert version.created_by == manager and version.note == "Budget: $1,500.00 a month, alert at 80%"
    assert version.yaml_text == QUALITY.replace("monthly_limit: 2000\n", "monthly_limit: 1500\n    alert_at: 0.8\n")
    entry = AuditEntry.objects.get(action="budget.set")
    assert entry.data["before"]["monthly_limit_usd"] == "2000" and entry.data["previous_version"] == 1
    history = console.get(f"/templates/teams/{platform.slug}/").content.decode()
    assert '<span class="diff-del">-    monthly_limit: 2000</span>' in history
    assert '<span class="diff-add">+    monthly_limit: 1500</span>' in history
    assert '<span class="diff-add">+    alert_at: 0.8</span>' in history
    assert "diff-del\">-  - name: team-security" not in history
    client.logout()
    pulled = client.get("/v1/gateway/config", HTTP_AUTHORIZATION=f"Bearer {gateway.plaintext}", HTTP_IF_NONE_MATCH=etag)
    assert pulled.status_code == 200 and pulled["ETag"] != etag
    team = next(t for t in pulled.json()["teams"] if t["slug"] == "platform")
    assert team["policy_version"] == 2 and "monthly_limit: 1500" in team["policy_yaml"]
    assert team["budget"]["monthly_limit_usd"] == 1500.0 and team["budget"]["policy"] == "team-budget"


def test_saving_the_same_budget_again_says_nothing_changed(login, manager, platform):
    client = login(manager)
    post_budget(client, platform, "100")
    response = post_budget(client, platform, "100.00")
    assert response.status_code == 400 and "already runs exactly this policy set" in response.content.decode()
    assert TeamPolicyVersion.objects.filter(team=platform).count() == 1


def test_budgets_page_shows_a_cost_limit_applied_from_a_template(login, manager, platform):
    from apps.policies.models import PolicyTemplate

    client = login(manager)
    template = PolicyTemplate.objects.get(organization=None, slug="budget-only")
    client.post(f"/templates/{template.pk}/", {"team": platform.id})
    body = client.get("/settings/budgets/").content.decode()
    assert f'name="t{platform.id}-monthly_limit_usd" value="2000.00"' in body
    assert f'name="t{platform.id}-alert_percent" value="80"' in body


def test_a_template_without_cost_limit_keeps_the_budget(login, manager, platform):
    from apps.policies.models import PolicyTemplate

    budget(platform, 750, alert_at="0.9")
    client = login(manager)
    template = PolicyTemplate.objects.get(organization=None, slug="strict-data-protection")
    response = client.post(f"/templates/{template.pk}/", {"team": platform.id}, follow=True)
    assert response.status_code == 200
    current = TeamPolicyVersion.objects.filter(team=platform).latest("version")
    assert current.yaml_text.startswith(template.yaml_text)
    assert team_budgets([platform.id])[platform.id].limit_usd == 750


def test_manager_removes_a_budget_as_a_new_audited_policy_version(login, manager, org, platform, client):
    TeamPolicyVersion.objects.create(organization=org, team=platform, version=1, yaml_text=QUALITY)
    gateway = GatewayFactory(organization=org, teams=[platform])
    console = login(manager)
    assert "Remove Platform budget" in console.get("/settings/budgets/").content.decode()
    response = console.post("/settings/budgets/", {"team": platform.id, "remove": "1"}, follow=True)
    assert "Platform: budget removed" in response.content.decode()
    version = TeamPolicyVersion.objects.get(team=platform, version=2)
    assert version.yaml_text == QUALITY + "    enabled: false\n"  # the budget policy's one-line change
    assert platform.id not in team_budgets([platform.id])
    entry = AuditEntry.objects.get(action="budget.removed")
    assert entry.actor == manager and entry.data["before"]["monthly_limit_usd"] == "2000"
    assert "Remove Platform budget" not in console.get("/settings/budgets/").content.decode()
    client.logout()
    config = client.get("/v1/gateway/config", HTTP_AUTHORIZATION=f"Bearer {gateway.plaintext}").json()
    assert next(t for t in config["teams"] if t["slug"] == "platform")["budget"] is None
    # Setting a budget again re-enables the same policy.
    assert post_budget(login(manager), platform, "900").status_code == 302
    assert team_budgets([platform.id])[platform.id].limit_usd == 900
    assert "enabled: false" not in TeamPolicyVersion.objects.get(team=platform, version=3).yaml_text


def test_removing_a_budget_that_is_not_there_says_so(login, manager, platform):
    response = login(manager).post("/settings/budgets/", {"team": platform.id, "remove": "1"}, follow=True)
    assert "Platform has no budget to remove." in response.content.decode()
    assert not TeamPolicyVersion.objects.exists()


def test_developer_and_other_teams_manager_cannot_remove_a_budget(login, alice, manager, platform, payments):
    budget(platform, 500)
    budget(payments, 500)
    assert login(alice).post("/settings/budgets/", {"team": platform.id, "remove": "1"}).status_code == 403
    assert login(manager).post("/settings/budgets/", {"team": payments.id, "remove": "1"}).status_code == 404
    assert set(team_budgets([platform.id, payments.id])) == {platform.id, payments.id}
