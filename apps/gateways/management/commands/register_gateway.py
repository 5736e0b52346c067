from django.core.management.base import BaseCommand, CommandError

from apps.core.management import find_team, find_team_anywhere
from apps.gateways.services import gateway_register
from apps.tenancy.models import Organization
from apps.tenancy.scope import unscoped_operator_scope


class Command(BaseCommand):
    help = "Register a gateway for one or more teams. Its token is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--team", action="append", required=True, help="team slug (repeat for several)")
        parser.add_argument("--org", default=None, help="organization slug, when team slugs are ambiguous")
        parser.add_argument("--name", default="")

    def handle(self, *, team, org, name, **options):
        if org:
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                raise CommandError(f"No organization {org!r}.")
        else:
            organization = find_team_anywhere(team[0]).organization
        teams = [find_team(organization, slug) for slug in team]
        gateway, plaintext = gateway_register(scope=unscoped_operator_scope(organization), actor=None,
                                              teams=teams, name=name)
        self.stderr.write(f"Gateway {gateway.key_id} ({gateway.name}) for {', '.join(team)}. Run it with "
                          f"KT_API_URL=<control plane URL> KT_GATEWAY_TOKEN=<token below> kt gateway run --port 41002")
        self.stdout.write(plaintext)
