from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core.management import find_user
from apps.keys.services import api_token_create
from apps.tenancy.scope import scope_for


class Command(BaseCommand):
    help = "Issue an API token for a user (their visible teams). The token is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--scopes", default="", help="comma-separated: events:read (default), keys:read, keys:write")
        parser.add_argument("--name", default="")

    def handle(self, *, email, scopes, name, **options):
        user = find_user(email)
        scope = scope_for(user)
        if scope.is_empty:
            raise CommandError(f"{email} is not a member of any team, so a token would see nothing.")
        try:
            token, plaintext = api_token_create(scope=scope, actor=user, name=name, scopes=scopes)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        self.stderr.write(f"API token {token.key_id} for {user.email} with {', '.join(token.scopes)} (shown once):")
        self.stdout.write(plaintext)
