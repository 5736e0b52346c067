from apps.audit.models import AuditEntry
from apps.policies.models import PolicyTemplate, TeamPolicyVersion

GOOD = "policies:\n  - name: budget\n    type: cost_limit\n    monthly_limit: 500\n    action: block\n"
INJECTION = "policies:\n  - name: injection\n    type: prompt-injection\n    action: block\n"
BAD = "policies:\n  - name: pii\n    type: pii-detecter\n    action: redact\n"


def builtin(slug="quality-and-safety"):
    return PolicyTemplate.objects.get(organization=None, slug=slug)


def test_builtin_templates_are_installed_by_migrate(db):
    assert set(PolicyTemplate.objects.filter(organization=None).values_list("slug", flat=True)) == {
        "quality-and-safety", "strict-data-protection", "budget-only"}


def test_live_lint_shows_the_clis_message_at_its_line(login, manager):
    response = login(manager).post("/templates/lint/", {"yaml_text": BAD}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "line 3:11" in body and "did you mean &#x27;pii-detector&#x27;?" in body
    assert "<html" not in body  # just the partial


def test_manager_applies_a_template_and_sees_the_diff(login, manager, platform):
    TeamPolicyVersion.objects.create(organization=platform.organization, team=platform, version=1, yaml_text=INJECTION)
    client = login(manager)
    response = client.post(f"/templates/{builtin().pk}/", {"team": platform.id, "note": "sprint 12"}, follow=True)
    assert response.status_code == 200
    version = TeamPolicyVersion.objects.get(team=platform, version=2)
    assert version.template == builtin() and version.created_by == manager
    body = response.content.decode()
    assert 'class="diff-add">+  - name: team-quality-gate' in body
    assert 'class="diff-del">-  - name: injection' in body
    entry = AuditEntry.objects.get(action="policy.applied")
    assert entry.data["version"] == 2 and entry.data["previous_version"] == 1 and entry.team == platform


def test_applying_the_same_set_twice_says_so(login, manager, platform):
    client = login(manager)
    client.post(f"/templates/{builtin().pk}/", {"team": platform.id})
    response = client.post(f"/templates/{builtin().pk}/", {"team": platform.id})
    assert response.status_code == 400 and b"already runs exactly this policy set" in response.content
    assert TeamPolicyVersion.objects.filter(team=platform).count() == 1


def test_developer_cannot_apply_templates(login, alice, platform):
    response = login(alice).post(f"/templates/{builtin().pk}/", {"team": platform.id})
    assert response.status_code == 400
    assert not TeamPolicyVersion.objects.exists()


def test_manager_cannot_apply_to_another_team(login, manager, payments):
    login(manager).post(f"/templates/{builtin().pk}/", {"team": payments.id})
    assert not TeamPolicyVersion.objects.filter(team=payments).exists()


def test_invalid_yaml_is_refused_with_the_lint_message(login, manager):
    response = login(manager).post("/templates/new/", {"name": "Mine", "yaml_text": BAD})
    assert response.status_code == 400
    assert b"unknown type" in response.content
    assert not PolicyTemplate.objects.filter(name="Mine").exists()


def test_manager_saves_an_org_template_and_downloads_it(login, manager, org):
    client = login(manager)
    response = client.post("/templates/new/", {"name": "Lean budget", "yaml_text": GOOD})
    template = PolicyTemplate.objects.get(name="Lean budget")
    assert response.status_code == 302 and template.organization == org
    download = client.get(f"/templates/{template.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="lean-budget.yaml"'
    assert download.content.decode() == GOOD


def test_builtin_templates_are_read_only(login, manager):
    assert login(manager).post(f"/templates/{builtin().pk}/edit/", {"name": "x", "yaml_text": GOOD}).status_code == 403


def test_another_orgs_template_is_404(login, manager, outsider, other_org):
    theirs = PolicyTemplate.objects.create(organization=other_org, slug="secret", name="Secret", yaml_text=GOOD)
    client = login(manager)
    assert client.get(f"/templates/{theirs.pk}/").status_code == 404
    assert client.get(f"/templates/{theirs.pk}/download/").status_code == 404
    assert b"Secret" not in client.get("/templates/").content


def test_team_history_of_an_invisible_team_is_404(login, manager, payments):
    assert login(manager).get(f"/templates/teams/{payments.slug}/").status_code == 404


def test_team_version_downloads_as_yaml_for_kt_gateway_run(login, alice, platform):
    TeamPolicyVersion.objects.create(organization=platform.organization, team=platform, version=1, yaml_text=GOOD)
    response = login(alice).get(f"/templates/teams/{platform.slug}/v1.yaml")
    assert response.status_code == 200 and response.content.decode() == GOOD
