from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PoliciesConfig(AppConfig):
    name = "apps.policies"
    label = "policies"

    def ready(self):
        from .builtin import builtin_templates_sync

        post_migrate.connect(builtin_templates_sync, sender=self)
