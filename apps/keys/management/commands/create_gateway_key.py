from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.management import find_team, find_user
from apps.keys.services import gateway_key_create
from apps.tenancy.scope import unscoped_operator_scope


class Command(BaseCommand):
    help = "Issue a gateway key for a member of a team. The key is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--team", required=True, help="team slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *, email, team, name, expires_days, **options):
        user = find_user(email)
        team_obj = find_team(user.organization, team)
        expires_at = timezone.now() + timezone.timedelta(days=expires_days) if expires_days else None
        try:
            key, plaintext = gateway_key_create(scope=unscoped_operator_scope(user.organization), actor=None,
                                                user=user, team=team_obj, name=name, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        self.stderr.write(f"Gateway key {key.key_id} for {user.email} in {team_obj.slug} (shown once):")
        self.stdout.write(plaintext)
