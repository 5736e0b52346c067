"""factory-boy factories that keep the organization consistent across related rows."""

import factory
from django.utils.text import slugify

from apps.escalations.models import Escalation
from apps.gateways.models import Gateway
from apps.keys.models import ApiToken, GatewayKey
from apps.tenancy.models import Membership, Organization, Role, Team, User

PASSWORD = "keeptrusts-test-pw"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"team-{n}")
    slug = factory.LazyAttribute(lambda t: slugify(t.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    organization = factory.LazyAttribute(lambda m: m.team.organization if m.team else m.user.organization)
    user = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..organization"))
    role = Role.DEVELOPER


def member(team: Team, role: str = Role.DEVELOPER, email: str | None = None) -> User:
    """A user of `team`'s org holding `role` in `team` (or org-wide for owner/admin)."""
    user = UserFactory(organization=team.organization, **({"email": email} if email else {}))
    org_wide = role in (Role.OWNER, Role.ADMIN)
    Membership.objects.create(organization=team.organization, team=None if org_wide else team, user=user, role=role)
    return user


class _IssuedCredentialFactory(factory.django.DjangoModelFactory):
    """Issues the secret like the service does; the plaintext is left on `.plaintext`."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        credential = model_class(*args, **kwargs)
        credential.plaintext = credential.issue()
        credential.save()
        return credential


class GatewayKeyFactory(_IssuedCredentialFactory):
    class Meta:
        model = GatewayKey

    team = factory.SubFactory(TeamFactory)
    organization = factory.SelfAttribute("team.organization")
    user = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..organization"))


class ApiTokenFactory(_IssuedCredentialFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    organization = factory.SelfAttribute("user.organization")
    scopes = ["events:read"]


class GatewayFactory(_IssuedCredentialFactory):
    class Meta:
        model = Gateway
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"gateway-{n}")

    @factory.post_generation
    def teams(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teams.set(extracted)


def budget(team: Team, limit, *, alert_at=None, scope: str = "team", action: str = "block"):
    """Set `team`'s budget as Settings > Budgets does: a new version of its policy set."""
    from decimal import Decimal

    from apps.costs.services import team_budget_set
    from apps.tenancy.scope import unscoped_operator_scope

    return team_budget_set(scope=unscoped_operator_scope(team.organization), actor=None, team=team,
                           monthly_limit_usd=Decimal(str(limit)), budget_scope=scope, action=action,
                           alert_at=Decimal(str(alert_at)) if alert_at is not None else None)


class EscalationFactory(factory.django.DjangoModelFactory):
    """An escalation as the writing services leave it: stored and counted in the escalation counts."""

    class Meta:
        model = Escalation

    team = factory.SubFactory(TeamFactory)
    organization = factory.LazyAttribute(lambda e: e.team.organization)
    policy = "pii-check"
    policy_type = "pii"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from collections import Counter

        from apps.escalations.services import escalation_count_key, escalation_counts_add

        escalation = super()._create(model_class, *args, **kwargs)
        escalation_counts_add(Counter([escalation_count_key(escalation, escalation.status)]))
        return escalation
