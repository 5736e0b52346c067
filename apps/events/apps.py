from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"

    def ready(self):
        from keeptrusts.celery import app

        from .schedule import install_beat_schedule

        install_beat_schedule(app)
