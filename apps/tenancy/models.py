from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.text import slugify


class Role(models.TextChoices):
    """Roles, strongest first. owner/admin act on the whole org; the rest on their teams."""

    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    DEVELOPER = "developer", "Developer"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 10, Role.DEVELOPER: 20, Role.MANAGER: 30, Role.ADMIN: 40, Role.OWNER: 50}
ORG_WIDE_ROLES = {Role.OWNER, Role.ADMIN}


class Organization(models.Model):
    class Excerpts(models.TextChoices):
        NONE = "none", "None"
        REDACTED = "redacted", "Redacted"
        FULL = "full", "Full"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    excerpt_mode = models.CharField(max_length=10, choices=Excerpts, default=Excerpts.REDACTED)
    review_sla_hours = models.PositiveIntegerField(default=24)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="team_slug_unique_in_org"),
        ]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.slug


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in with their email. Belongs to one organization."""

    username = None
    email = models.EmailField(unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="users", null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    def __str__(self):
        return self.email


class Membership(models.Model):
    """A user's role. `team` is null for org-wide roles (owner, admin)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_per_team"),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(team__isnull=True),
                name="membership_unique_org_wide",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.role} {self.team or self.organization}"
