"""Policy writes: org templates and team policy versions. YAML is validated by
`keeptrusts.policy` (the same messages as `kt policy lint`) and stored verbatim."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.audit.services import audit_record
from apps.tenancy.models import Role, Team
from apps.tenancy.scope import Scope
from keeptrusts.policy import load

from .models import PolicyTemplate, TeamPolicyVersion
from .selectors import team_policy_current


def policy_lint(yaml_text: str, filename: str = "policy.yaml"):
    return load(yaml_text, filename=filename)


def _require_valid(yaml_text: str, filename: str) -> None:
    result = policy_lint(yaml_text, filename)
    if result.errors:
        raise ValidationError([str(problem) for problem in result.errors])


def template_save(*, scope: Scope, actor, name: str, yaml_text: str, description: str = "",
                  template: PolicyTemplate | None = None, request=None) -> PolicyTemplate:
    """Create or update an org template (managers and admins)."""
    if not scope.has_role(Role.MANAGER):
        raise PermissionDenied("Saving templates needs the manager role.")
    if template is not None and template.organization_id != scope.organization.id:
        raise PolicyTemplate.DoesNotExist  # built-in or another org's: not editable here
    try:
        _require_valid(yaml_text, f"{slugify(name) or 'template'}.yaml")
    except ValidationError as exc:
        raise ValidationError({"yaml_text": exc.messages}) from None
    with transaction.atomic():
        creating = template is None
        template = template or PolicyTemplate(organization=scope.organization, created_by=actor)
        template.name, template.description, template.yaml_text = name, description, yaml_text
        template.slug = template.slug or slugify(name)[:60] or "template"
        template.updated_at = timezone.now()
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:
            raise ValidationError({"name": f"A template named '{name}' already exists; pick another name."}) from None
        audit_record(organization=scope.organization, actor=actor, request=request, target=template,
                     action="template.created" if creating else "template.updated")
    return template


def team_policy_apply(*, scope: Scope, actor, team: Team, yaml_text: str, template: PolicyTemplate | None = None,
                      note: str = "", request=None) -> TeamPolicyVersion:
    """Make `yaml_text` the team's policy set as a new immutable version. A
    template without a cost_limit keeps the team's budget (Settings > Budgets)."""
    from apps.costs.policy_facts import budget_kept

    return team_policy_change(scope=scope, actor=actor, team=team, template=template, note=note, request=request,
                              change=lambda current: budget_kept(current, yaml_text) if template else yaml_text)


def team_policy_change(*, scope: Scope, actor, team: Team, change, template: PolicyTemplate | None = None,
                       note: str = "", request=None, audit_action: str = "policy.applied",
                       **audit_data) -> TeamPolicyVersion:
    """A new version of the team's policy set: `change(current_yaml)` gives its text,
    computed under the team's row lock so concurrent edits cannot lose one another."""
    if team.id not in scope.team_roles:
        raise Team.DoesNotExist
    if not scope.has_role(Role.MANAGER, team.id):
        raise PermissionDenied(f"Changing the policies of '{team.slug}' needs the manager role there.")
    with transaction.atomic():
        # Lock the team row so two changes cannot take the same version number.
        Team.objects.select_for_update().filter(pk=team.pk).first()
        current = team_policy_current(team)
        yaml_text = change(current.yaml_text if current else "")
        _require_valid(yaml_text, f"{team.slug}-policy.yaml")
        if current and current.yaml_text == yaml_text:
            raise ValidationError(f"'{team.slug}' already runs exactly this policy set (version {current.version}).")
        version = TeamPolicyVersion.objects.create(
            organization=team.organization, team=team, version=(current.version + 1) if current else 1,
            yaml_text=yaml_text, template=template, note=note, created_by=actor,
        )
        audit_record(organization=team.organization, actor=actor, request=request, team=team, target=version,
                     action=audit_action, version=version.version,
                     previous_version=current.version if current else None,
                     template=template.slug if template else None, **audit_data)
    return version
