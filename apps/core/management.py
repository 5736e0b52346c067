"""Helpers shared by operator commands."""

from django.core.management.base import CommandError

from apps.tenancy.models import Team, User


def find_user(email: str) -> User:
    user = User.objects.filter(email__iexact=email).select_related("organization").first()
    if user is None or user.organization is None:
        raise CommandError(f"No user {email!r} in any organization. Add them in Settings > Members first.")
    return user


def find_team(organization, slug: str) -> Team:
    team = Team.objects.filter(organization=organization, slug=slug).first()
    if team is None:
        known = ", ".join(Team.objects.filter(organization=organization).values_list("slug", flat=True))
        raise CommandError(f"No team {slug!r} in {organization.slug}. Teams: {known or 'none'}.")
    return team


def find_team_anywhere(slug: str) -> Team:
    teams = list(Team.objects.filter(slug=slug).select_related("organization"))
    if not teams:
        raise CommandError(f"No team {slug!r}. Create it first (python manage.py seed_demo creates the demo teams).")
    if len(teams) > 1:
        orgs = ", ".join(t.organization.slug for t in teams)
        raise CommandError(f"Team {slug!r} exists in several organizations ({orgs}); pass --org.")
    return teams[0]
