"""Editing one policy in place: every other line of the policy set stays as it was."""

import difflib
from decimal import Decimal

from apps.costs.policy_facts import budget_kept, team_budget, with_budget
from apps.policies.builtin import builtin_yaml
from keeptrusts.policy import load

COMMENTED = """# Platform team: reviewed by security on 2026-10-01.
allowed_models: [gpt-4o, "claude-*"]
policies:
  - name: injection  # never relax
    type: prompt-injection
    action: block
  - name: monthly
    type: cost_limit
    monthly_limit: 2000
    action: block
version: 1
"""


def changed_lines(old: str, new: str) -> tuple[set[str], set[str]]:
    """(removed, added) lines, as the history's diff shows them."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))[2:]
    return ({line[1:] for line in diff if line.startswith("-")}, {line[1:] for line in diff if line.startswith("+")})


def test_budget_replaces_the_existing_cost_limit_in_place():
    new = with_budget(COMMENTED, monthly_limit=Decimal("1500.00"), alert_at=Decimal("0.800"), scope="team",
                      action="block")
    assert changed_lines(COMMENTED, new) == ({"    monthly_limit: 2000"},
                                             {"    monthly_limit: 1500", "    alert_at: 0.8"})
    assert new.index("alert_at") > new.index("monthly_limit: 1500") and new.endswith("version: 1\n")
    assert team_budget(new).limit_usd == Decimal("1500") and team_budget(new).name == "monthly"


def test_clearing_the_alert_and_switching_to_per_member_only_touches_those_keys():
    with_alert = with_budget(COMMENTED, monthly_limit=Decimal(2000), alert_at=Decimal("0.9"), scope="team", action="block")
    new = with_budget(with_alert, monthly_limit=Decimal(2000), alert_at=None, scope="user", action="log")
    removed, added = changed_lines(with_alert, new)
    assert removed == {"    alert_at: 0.9", "    action: block"} and added == {"    action: log", "    scope: user"}
    rule = team_budget(new)
    assert (rule.alert_at, rule.scope, rule.action) == (None, "user", "log")


def test_a_policy_set_without_a_budget_gets_team_budget_appended():
    quality = builtin_yaml("quality-and-safety")
    new = with_budget(quality, monthly_limit=Decimal("2000.00"), alert_at=Decimal("0.8"), scope="team", action="block")
    assert new.startswith(quality)
    assert new[len(quality):] == ("  - name: team-budget\n    type: cost_limit\n    monthly_limit: 2000\n"
                                  "    alert_at: 0.8\n    action: block\n    enabled: true\n")
    assert load(new).ok


def test_a_budget_lands_inside_policies_when_other_keys_follow_it():
    text = "policies:\n- name: x\n  type: prompt-injection\n  action: block\n# models\nallowed_models: [gpt-4o]\n"
    new = with_budget(text, monthly_limit=Decimal(300), alert_at=None, scope="team", action="block")
    assert new == ("policies:\n- name: x\n  type: prompt-injection\n  action: block\n- name: team-budget\n"
                   "  type: cost_limit\n  monthly_limit: 300\n  action: block\n  enabled: true\n"
                   "# models\nallowed_models: [gpt-4o]\n")


def test_empty_and_flow_policy_sets_still_get_a_valid_budget():
    for text in ("", "policies: []\n", "policies: [{name: x, type: prompt-injection, action: block}]\n"):
        new = with_budget(text, monthly_limit=Decimal(50), alert_at=None, scope="team", action="block")
        result = load(new)
        assert result.ok, (text, new)
        assert team_budget(new).limit_usd == 50


def test_a_disabled_budget_is_no_budget_until_set_again():
    disabled = COMMENTED.replace("    action: block\nversion", "    action: block\n    enabled: false\nversion")
    assert team_budget(disabled) is None
    new = with_budget(disabled, monthly_limit=Decimal(2000), alert_at=None, scope="team", action="block")
    assert changed_lines(disabled, new) == ({"    enabled: false"}, {"    enabled: true"})


def test_a_template_without_cost_limit_keeps_the_teams_budget_and_its_name():
    kept = budget_kept(COMMENTED, builtin_yaml("strict-data-protection"))
    assert kept.startswith(builtin_yaml("strict-data-protection"))
    assert (team_budget(kept).name, team_budget(kept).limit_usd) == ("monthly", 2000)


def test_a_template_with_its_own_cost_limit_replaces_the_budget():
    assert budget_kept(COMMENTED, builtin_yaml("budget-only")) == builtin_yaml("budget-only")
