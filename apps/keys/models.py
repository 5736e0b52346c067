from django.conf import settings
from django.db import models

from apps.core.credentials import API_TOKEN_PREFIX, GATEWAY_KEY_PREFIX, Credential


class GatewayKey(Credential):
    """A developer's personal key for the gateway: one member in one team."""

    PREFIX = GATEWAY_KEY_PREFIX
    PUBLIC_ID_PREFIX = "gk_"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="gateway_keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gateway_keys")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "team"])]


class Scopes:
    EVENTS_READ = "events:read"
    KEYS_READ = "keys:read"
    KEYS_WRITE = "keys:write"
    ALL = (EVENTS_READ, KEYS_READ, KEYS_WRITE)
    DEFAULT = (EVENTS_READ,)


class ApiToken(Credential):
    """A token for the Events API and `kt events`: the creator's visible teams, or fewer."""

    PREFIX = API_TOKEN_PREFIX
    PUBLIC_ID_PREFIX = "tok_"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    scopes = models.JSONField(default=list)
    # Empty means "every team the creator may see", evaluated at use time so a
    # role lost later is lost for the token too.
    teams = models.ManyToManyField("tenancy.Team", blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
