"""What a gateway pulls (GET /v1/gateway/config, DESIGN §7): for each of its teams
the policy YAML and version, allowed models, budget with month-to-date spend;
the key hashes of those teams; model prices. `version` is the ETag."""

import hashlib
from datetime import timedelta

import msgspec
from django.utils import timezone

from apps.costs.policy_facts import allowed_models, team_budget
from apps.costs.selectors import budget_month_to_date, model_prices, month_of
from apps.keys.models import GatewayKey
from apps.policies.selectors import team_policy_current
from keeptrusts import wire

REVOKED_KEYS_KEPT = timedelta(days=30)  # so a gateway can tell "revoked" from "unknown" for a while


def gateway_config(gateway) -> wire.GatewayConfig:
    organization = gateway.organization
    teams = list(gateway.teams.order_by("slug"))
    month = month_of()
    team_configs = []
    for team in teams:
        policy = team_policy_current(team)
        yaml_text = policy.yaml_text if policy else "policies: []\n"
        budget = team_budget(yaml_text)  # leased (DESIGN §6); the gateway skips its local ledger for it
        team_configs.append(wire.TeamConfig(
            slug=team.slug,
            policy_version=policy.version if policy else 0,
            policy_yaml=yaml_text,
            allowed_models=allowed_models(yaml_text),
            budget=wire.TeamBudget(
                monthly_limit_usd=float(budget.limit_usd), month=f"{month:%Y-%m}",
                spent_usd=float(budget_month_to_date(team, "", month)),
                alert_at=float(budget.alert_at) if budget.alert_at is not None else None,
                action=budget.action, scope=budget.scope, policy=budget.name,
            ) if budget else None,
        ))
    cutoff = timezone.now() - REVOKED_KEYS_KEPT
    keys = [
        wire.KeyRecord(key_id=k.key_id, sha256=k.digest, user=k.user.email, team=k.team.slug, status=k.status,
                       expires_at=k.expires_at.isoformat() if k.expires_at else None)
        for k in GatewayKey.objects.filter(team__in=teams).exclude(revoked_at__lt=cutoff)
        .select_related("user", "team").order_by("key_id")
    ]
    config = wire.GatewayConfig(
        version="", organization=organization.slug, gateway_id=gateway.key_id, teams=team_configs, keys=keys,
        prices=dict(sorted(model_prices(organization.pk).items())), excerpt_mode=organization.excerpt_mode,
    )
    config.version = hashlib.sha256(msgspec.json.encode(config)).hexdigest()[:32]
    return config
