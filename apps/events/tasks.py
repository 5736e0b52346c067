"""Celery tasks: thin wrappers taking ids, calling idempotent services (STYLE §9)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services
from .partitions import add_months, drop_partitions_before, ensure_partitions, month_start


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5)
def ingest_batch(batch_id: int):
    return services.batch_process(batch_id)


@shared_task
def ingest_sweep():
    """Re-enqueue batches left pending (lost task, broker restart, worker killed)."""
    return services.batches_sweep(older_than_seconds=settings.KT_INGEST_SWEEP_AFTER_SECONDS)


@shared_task
def events_partitions_ensure():
    return ensure_partitions()


@shared_task
def events_retention_purge():
    """Drop raw events older than KT_EVENT_RETENTION_DAYS (whole months on
    PostgreSQL; row deletes on SQLite). Rollups are kept."""
    from django.utils import timezone

    from .models import Event, PolicyEntry

    cutoff = timezone.now() - timedelta(days=settings.KT_EVENT_RETENTION_DAYS)
    services.batches_purge_done()
    dropped = drop_partitions_before(add_months(month_start(cutoff), 0))
    if not dropped:
        PolicyEntry.objects.filter(ts__lt=cutoff).delete()
        Event.objects.filter(ts__lt=cutoff).delete()
    return dropped
