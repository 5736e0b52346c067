"""Reliability of ingest with a real Celery worker, Redis and PostgreSQL (DESIGN §8).

A private redis-server (ephemeral port, no persistence) is started so it can be
restarted without disturbing anything else; the worker is a real `celery worker`
process against the test database.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from apps.events.models import Event, IngestBatch, UsageRollup
from apps.events.services import batches_sweep

from .conftest import make_event

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port)

    def stop(self):
        if self.process:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def _wait_port(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server, settings):
    """Point this process's Celery app at the private Redis (tasks really queued)."""
    from keeptrusts.celery import app

    old = (app.conf.broker_url, app.conf.task_always_eager)
    _reset_connections(app)
    app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    yield redis_server
    _reset_connections(app)
    app.conf.update(broker_url=old[0], task_always_eager=old[1])


def _reset_connections(app):
    """Drop pooled broker connections so the next publish connects to the current broker URL
    (kombu keeps producer pools in a process-wide registry: reset it, don't close pools in it)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, broker_url: str, concurrency: int = 1):
        self.broker_url, self.concurrency, self.process = broker_url, concurrency, None

    def start(self):
        env = {**os.environ, "REDIS_URL": self.broker_url, "DJANGO_SETTINGS_MODULE": "keeptrusts.settings",
               "DATABASE_URL": database_url()}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "keeptrusts", "worker", "-c", str(self.concurrency),
             "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the whole worker, mid-batch, no goodbye
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(broker):
    workers = []

    def make(concurrency=1):
        worker = Worker(broker.url, concurrency)
        worker.start()
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def other_connection():
    """A second PostgreSQL session (a transaction block: committed on leaving the `with`)."""
    import psycopg

    return psycopg.connect(database_url())


def wait_for_lock_waiter(table: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    with other_connection() as watcher:
        watcher.autocommit = True
        while time.time() < deadline:
            waiting = watcher.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                                      [table]).fetchone()[0]
            if waiting:
                return
            time.sleep(0.1)
    raise AssertionError(f"no worker reached the lock on {table}")


def post(gateway, events):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {gateway.plaintext}")
    response = client.post("/v1/gateway/events", json.dumps({"events": events}), content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()


def wait_until_done(seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not IngestBatch.objects.filter(status="pending").exists():
            return
        time.sleep(0.1)
    raise AssertionError(f"batches still pending: {list(IngestBatch.objects.filter(status='pending').values('id'))}")


def assert_stored_once(events):
    ids = [e["id"] for e in events]
    assert Event.objects.filter(id__in=ids).count() == len(set(ids))
    assert sum(UsageRollup.objects.values_list("requests", flat=True)) == Event.objects.count()


def test_killing_the_worker_mid_batch_stores_every_event_exactly_once(gateway, alice_key, worker_factory):
    events = [make_event(alice_key) for _ in range(200)]
    # Hold the rollup table so the worker blocks inside its transaction, after inserting events.
    with other_connection() as blocker:
        blocker.execute("LOCK TABLE events_usagerollup IN EXCLUSIVE MODE")
        worker = worker_factory()
        post(gateway, events)
        wait_for_lock_waiter("events_usagerollup")  # the worker is inside its transaction, blocked
        assert IngestBatch.objects.get().status == "pending"
        worker.kill()
    assert Event.objects.count() == 0  # the killed transaction left nothing behind
    worker_factory()  # a new worker; the unacked task comes back (sweeper below makes it immediate)
    batches_sweep(older_than_seconds=0)
    wait_until_done()
    batches_sweep(older_than_seconds=0)  # a redundant re-enqueue is harmless
    time.sleep(1)
    assert_stored_once(events)


def test_redis_restart_loses_nothing_accepted(gateway, alice_key, broker, worker_factory):
    events = [make_event(alice_key) for _ in range(300)]
    for start in range(0, 300, 100):  # queued while no worker runs
        assert post(gateway, events[start:start + 100])["accepted"] == 100
    broker.stop()  # Redis goes away with every queued task (no persistence configured)
    broker.start()
    worker_factory()
    assert batches_sweep(older_than_seconds=0) == 3  # the committed batches are the source of truth
    wait_until_done()
    assert_stored_once(events)


def test_hundred_concurrent_clients_no_deadlock_no_duplicate(gateway, alice_key, worker_factory, live_server):
    import urllib.error
    import urllib.request

    worker_factory(concurrency=2)
    shared = [make_event(alice_key, model=m) for m in ("gpt-4o", "gpt-4o-mini") for _ in range(20)]
    errors, sent = [], []

    def client(n):
        own = [make_event(alice_key, model="gpt-4o" if n % 2 else "claude-sonnet-4") for _ in range(10)]
        sent.extend(own)
        body = json.dumps({"events": own + shared}).encode()  # every client re-sends the shared events
        request = urllib.request.Request(f"{live_server.url}/v1/gateway/events", data=body, method="POST", headers={
            "Authorization": f"Bearer {gateway.plaintext}", "Content-Type": "application/json"})
        for attempt in range(20):  # like a gateway: retry a refused connection (the test server's backlog is 5)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    assert response.status == 202
                return
            except (ConnectionError, urllib.error.URLError) as exc:
                if attempt == 19:
                    errors.append(exc)
                time.sleep(0.05 * (attempt + 1))
            except Exception as exc:  # reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    wait_until_done(120)
    assert_stored_once(sent + shared)
    assert Event.objects.count() == 100 * 10 + len(shared)
