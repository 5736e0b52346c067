import time

from django.core.management.base import BaseCommand, CommandError

from apps.events.generate import generate_events
from apps.tenancy.models import Organization


class Command(BaseCommand):
    help = "Create believable LLM traffic (developers, models, policy outcomes, costs) for demos and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10000, help="number of events (default 10000)")
        parser.add_argument("--days", type=int, default=14, help="spread over the last D days (default 14)")
        parser.add_argument("--org", default="acme", help="organization slug (default acme; run seed_demo first)")
        parser.add_argument("--developers", type=int, default=40,
                            help="create developers with keys until the org has this many keys (default 40)")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for repeatable data")

    def handle(self, *args, count, days, org, developers, seed, **options):
        if count < 1 or days < 1:
            raise CommandError("--count and --days must be at least 1.")
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            known = ", ".join(Organization.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No organization '{org}' (known: {known}). Run `python manage.py seed_demo` "
                               "or pass --org SLUG.")
        started = time.monotonic()

        def progress(done):
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stderr.write(f"  {done:,}/{count:,} events ({rate:,.0f}/s)")

        written = generate_events(org=organization, count=count, days=days, developers=developers, seed=seed,
                                  progress=progress if count >= 100_000 else None)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Generated {written:,} events over {days} days for {organization.slug} "
                          f"in {elapsed:.1f}s ({written / max(elapsed, 1e-6):,.0f} events/s); rollups rebuilt.")
