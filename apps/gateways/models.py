from django.conf import settings
from django.db import models

from apps.core.credentials import GATEWAY_TOKEN_PREFIX, Credential


class Gateway(Credential):
    """A registered gateway. Its token pulls config, leases budget and pushes events
    for its teams only (a department may share one gateway across teams)."""

    PREFIX = GATEWAY_TOKEN_PREFIX
    PUBLIC_ID_PREFIX = "gw_"

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="gateways")
    teams = models.ManyToManyField("tenancy.Team", related_name="gateways")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the gateway reported on its last config poll (DESIGN §6).
    last_seen_at = models.DateTimeField(null=True, blank=True)
    reported_version = models.CharField(max_length=40, blank=True)
    policy_source = models.CharField(max_length=20, blank=True)
    policy_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
