import pytest
from playwright.sync_api import expect

from apps.audit.models import AuditEntry
from apps.keys.models import GatewayKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_generates_and_revokes_a_key_for_a_developer(page, log_in, screenshot, manager, alice, platform):
    log_in(manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Gateway Keys")).to_be_visible()
    page.get_by_label("Team").last.select_option(label="platform")
    page.get_by_label("Member").select_option(label=alice.email)
    page.get_by_label("Name").fill("alice-laptop")
    page.get_by_role("button", name="Generate key").click()

    secret = page.locator("[data-secret]")
    expect(secret).to_contain_text("kt_gk_")
    plaintext = secret.inner_text().strip()
    screenshot("key-shown-once")
    key = GatewayKey.objects.get(user=alice, name="alice-laptop")
    assert GatewayKey.authenticate(plaintext) == key

    page.goto("/settings/keys/")
    expect(page.locator("[data-secret]")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row", name=key.key_id).get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row", name=key.key_id)).to_contain_text("revoked")
    screenshot("key-revoked")
    assert GatewayKey.authenticate(plaintext) is None
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"gateway_key.created", "gateway_key.revoked"}


def test_manager_sees_only_their_teams_in_the_switcher(page, log_in, screenshot, manager, platform, payments):
    log_in(manager)
    options = page.get_by_label("Team").first.locator("option").all_inner_texts()
    assert options == ["All my teams", "Platform"]
    screenshot("dashboard")


def test_keyboard_user_can_reach_the_main_content(page, log_in, manager, platform):
    log_in(manager)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
