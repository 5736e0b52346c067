from django.conf import settings
from django.db import models
from django.utils import timezone


class PolicyTemplate(models.Model):
    """A reusable policy set. Built-in templates have no organization."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="policy_templates"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    yaml_text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="template_slug_unique_in_org"),
            models.UniqueConstraint(fields=["slug"], condition=models.Q(organization__isnull=True),
                                    name="builtin_template_slug_unique"),
        ]

    @property
    def is_builtin(self) -> bool:
        return self.organization_id is None

    def __str__(self):
        return self.name


class TeamPolicyVersion(models.Model):
    """One immutable version of a team's policy set; the newest is in force.

    The YAML is stored verbatim (comments and order kept) and parsed only by
    `keeptrusts.policy`. Every edit, template apply or budget change is a new row.
    """

    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="policy_versions")
    version = models.PositiveIntegerField()
    yaml_text = models.TextField()
    template = models.ForeignKey(PolicyTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "-version"]
        constraints = [models.UniqueConstraint(fields=["team", "version"], name="team_policy_version_unique")]

    def __str__(self):
        return f"{self.team} v{self.version}"
