import pytest
from playwright.sync_api import expect

from apps.policies.models import TeamPolicyVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_applies_a_template_and_sees_the_diff(page, log_in, screenshot, manager, platform):
    TeamPolicyVersion.objects.create(organization=platform.organization, team=platform, version=1,
                                     yaml_text="policies:\n  - name: budget\n    type: cost_limit\n    monthly_limit: 500\n    action: block\n")
    log_in(manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    screenshot("templates")
    page.get_by_role("link", name="Strict data protection").click()
    page.get_by_label("Apply to team").select_option(label="platform")
    page.get_by_label("Note").fill("customer data project")
    page.get_by_role("button", name="Apply template").click()
    expect(page.get_by_role("heading", name="Version 2 (in force) compared with version 1")).to_be_visible()
    expect(page.locator(".diff-add", has_text="name: block-secrets")).to_be_visible()
    expect(page.locator(".diff-del", has_text="name: budget")).to_have_count(0)  # the team's budget stays
    expect(page.get_by_role("status")).to_contain_text("kept its budget of $500.00 a month")
    screenshot("diff")
    assert TeamPolicyVersion.objects.get(team=platform, version=2).note == "customer data project"


def test_editor_lints_live_as_the_manager_types(page, log_in, screenshot, manager, platform):
    log_in(manager)
    page.goto("/templates/new/")
    page.get_by_label("Policy YAML").fill("policies:\n  - name: pii\n    type: pii-detecter\n    action: redact\n")
    expect(page.locator("#lint-results")).to_contain_text("did you mean 'pii-detector'?")
    expect(page.locator("#lint-results")).to_contain_text("line 3:11")
    screenshot("lint-error")
    page.get_by_label("Policy YAML").fill("policies:\n  - name: pii\n    type: pii-detector\n    action: redact\n")
    expect(page.locator("#lint-results")).to_contain_text("No problems")
