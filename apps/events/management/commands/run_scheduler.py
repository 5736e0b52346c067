from django.core.management.base import BaseCommand

from apps.events.schedule import PERIODIC, run_forever


class Command(BaseCommand):
    help = "Run the periodic jobs (sweeper, partitions, retention, budgets) in this process — embedded mode's beat."

    def handle(self, *args, **options):
        self.stdout.write("periodic jobs: " + ", ".join(f"{n} every {s}s" for n, (_, s) in PERIODIC.items()))
        try:
            run_forever()
        except KeyboardInterrupt:
            pass
