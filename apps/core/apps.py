from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        # Bind shared_task to our Celery app in every Django process (web, worker, tests).
        from keeptrusts.celery import app  # noqa: F401
