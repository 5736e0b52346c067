"""Demo org of DESIGN §11: Acme with teams platform and payments, four logins,
gateway keys, an API token and a registered gateway. Writes .keeptrusts/demo.env
once (the secrets exist nowhere else); a second run reuses both."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.costs.services import team_budget_set
from apps.gateways.models import Gateway
from apps.gateways.services import gateway_register
from apps.keys.models import ApiToken, GatewayKey, Scopes
from apps.keys.services import api_token_create, gateway_key_create
from apps.policies.builtin import builtin_templates_sync
from apps.policies.models import PolicyTemplate, TeamPolicyVersion
from apps.tenancy.models import Membership, Organization, Role, Team, User
from apps.tenancy.scope import scope_for, unscoped_operator_scope

DEMO_PASSWORD = "keeptrusts-demo"
TEAMS = [("platform", "Platform"), ("payments", "Payments")]
PEOPLE = [
    ("admin@example.com", Role.OWNER, None),
    ("manager@example.com", Role.MANAGER, "platform"),
    ("alice@example.com", Role.DEVELOPER, "platform"),
    ("bob@example.com", Role.DEVELOPER, "payments"),
]
DEMO_BUDGET_USD = 2000
API_URL = "http://127.0.0.1:8000"
GATEWAY_URL = "http://127.0.0.1:41002/v1"
UPSTREAM_URL = "http://127.0.0.1:41099/v1"


def demo_env_path() -> Path:
    return Path(settings.STATE_DIR) / "demo.env"


class Command(BaseCommand):
    help = "Create the demo organization, logins and credentials (idempotent) and write .keeptrusts/demo.env."

    def handle(self, **options):
        env_path = demo_env_path()
        org = Organization.objects.filter(slug="acme").first()
        if org and env_path.exists():
            self.stdout.write(f"Demo data already present; credentials in {env_path}")
            return
        with transaction.atomic():
            org = org or self.create_org()
            secrets = self.issue_credentials(org)
        env_path.parent.mkdir(parents=True, exist_ok=True)
        env_path.write_text(render_env(secrets))
        env_path.chmod(0o600)
        self.stdout.write(f"Demo org 'Acme' ready; logins use password {DEMO_PASSWORD!r}; credentials in {env_path}")

    def create_org(self) -> Organization:
        org = Organization.objects.create(name="Acme", slug="acme")
        teams = {slug: Team.objects.create(organization=org, slug=slug, name=name) for slug, name in TEAMS}
        builtin_templates_sync()
        template = PolicyTemplate.objects.get(organization=None, slug="quality-and-safety")
        for team in teams.values():
            TeamPolicyVersion.objects.create(organization=org, team=team, version=1, yaml_text=template.yaml_text,
                                             template=template, note="Demo: the guide's quality and safety policies")
        for email, role, team_slug in PEOPLE:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, organization=org)
            Membership.objects.create(organization=org, user=user, role=role,
                                      team=teams[team_slug] if team_slug else None)
        for team in teams.values():  # version 2: the budget, as Settings > Budgets writes it
            team_budget_set(scope=unscoped_operator_scope(org), actor=None, team=team,
                            monthly_limit_usd=DEMO_BUDGET_USD, alert_at=Decimal("0.8"))
        return org

    def issue_credentials(self, org: Organization) -> dict:
        """Fresh demo secrets. Old demo credentials are revoked: their plaintext is gone."""
        GatewayKey.objects.filter(organization=org, name="demo").update(revoked_at=timezone.now())
        ApiToken.objects.filter(organization=org, name="demo").update(revoked_at=timezone.now())
        Gateway.objects.filter(organization=org, name="demo-platform").update(revoked_at=timezone.now())
        operator = unscoped_operator_scope(org)
        users = {u.email: u for u in User.objects.filter(organization=org)}
        teams = {t.slug: t for t in Team.objects.filter(organization=org)}
        _, alice_key = gateway_key_create(scope=operator, actor=None, user=users["alice@example.com"],
                                          team=teams["platform"], name="demo")
        _, bob_key = gateway_key_create(scope=operator, actor=None, user=users["bob@example.com"],
                                        team=teams["payments"], name="demo")
        manager = users["manager@example.com"]
        _, api_token = api_token_create(scope=scope_for(manager), actor=manager, name="demo",
                                        scopes=list(Scopes.ALL))
        _, gateway_token = gateway_register(scope=operator, actor=None, teams=[teams["platform"]], name="demo-platform")
        return {"alice_key": alice_key, "bob_key": bob_key, "api_token": api_token, "gateway_token": gateway_token}


def render_env(secrets: dict) -> str:
    lines = [
        "# Keeptrusts demo credentials, written once by `python manage.py seed_demo`.",
        "# source .keeptrusts/demo.env — then the guide's curl and kt lines run as written.",
        f"export KT_API_URL={API_URL}",
        f"export API_TOKEN={secrets['api_token']}",
        f"export KT_API_TOKEN={secrets['api_token']}",
        f"export GATEWAY_KEY={secrets['alice_key']}",
        f"export OPENAI_API_KEY={secrets['alice_key']}",
        f"export OPENAI_BASE_URL={GATEWAY_URL}",
        f"export KT_GATEWAY_TOKEN={secrets['gateway_token']}",
        f"export KT_UPSTREAM_URL={UPSTREAM_URL}",
        f"export BOB_GATEWAY_KEY={secrets['bob_key']}",
    ]
    return "\n".join(lines) + "\n"
