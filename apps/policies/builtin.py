"""Built-in policy templates ship as package data and are mirrored into the
database after every migrate, so teams' versions can point at them."""

from importlib import resources

BUILTIN = [
    ("quality-and-safety", "Quality and safety", "The guide's team set: quality gate, content safety, PII redaction, injection blocking."),
    ("strict-data-protection", "Strict data protection", "Blocks secrets, redacts all personal data both ways, stricter injection threshold."),
    ("budget-only", "Budget only", "A monthly spend limit with an alert at 80 %, no content policies."),
]


def builtin_yaml(slug: str) -> str:
    return resources.files("keeptrusts.data").joinpath("templates", f"{slug}.yaml").read_text()


def builtin_templates_sync(**kwargs) -> None:
    from .models import PolicyTemplate

    for slug, name, description in BUILTIN:
        PolicyTemplate.objects.update_or_create(
            organization=None, slug=slug,
            defaults={"name": name, "description": description, "yaml_text": builtin_yaml(slug)},
        )
