"""Periodic jobs (DESIGN §8) — one list for Celery beat and for embedded mode.

With Redis, `celery -A keeptrusts beat` runs them (the schedule is installed on
the Celery app when Django starts). Embedded mode (no REDIS_URL) has no beat:
`start_in_process_scheduler()` — called by `kt up`/`make run`, or run
`python manage.py run_scheduler` — runs the same jobs in a daemon thread, with
tasks executing in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import logging
import threading
import time

log = logging.getLogger(__name__)

# name -> (task path, seconds between runs)
PERIODIC = {
    "ingest-sweep": ("apps.events.tasks.ingest_sweep", 30),
    "events-partitions": ("apps.events.tasks.events_partitions_ensure", 6 * 3600),
    "events-retention": ("apps.events.tasks.events_retention_purge", 24 * 3600),
    "budgets-recompute": ("apps.costs.tasks.budgets_recompute", 300),
}


def install_beat_schedule(app) -> None:
    schedule = dict(app.conf.beat_schedule or {})
    for name, (task, seconds) in PERIODIC.items():
        schedule.setdefault(name, {"task": task, "schedule": float(seconds)})
    app.conf.beat_schedule = schedule


def _run(task_path: str) -> None:
    from importlib import import_module

    module, _, name = task_path.rpartition(".")
    task = getattr(import_module(module), name)
    try:
        task.apply()
    except Exception:
        log.exception("periodic job %s failed", task_path)


def run_forever(stop: threading.Event | None = None, tick: float = 1.0) -> None:
    stop = stop or threading.Event()
    due = {name: 0.0 for name in PERIODIC}
    while not stop.is_set():
        now = time.monotonic()
        for name, (task, seconds) in PERIODIC.items():
            if now >= due[name]:
                _run(task)
                due[name] = now + seconds
        stop.wait(tick)


def start_in_process_scheduler() -> threading.Event:
    """Start the periodic jobs in a daemon thread; set the returned event to stop them."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="kt-periodic", daemon=True).start()
    return stop
