"""Servers for gateway tests: the mock upstream, the gateway and a fake control plane.

Each runs in its own thread with its own event loop on an ephemeral port, so the tests
drive them with ordinary blocking clients (the official `openai` SDK, curl, httpx).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from pathlib import Path

import orjson
import pytest
from aiohttp import web

from keeptrusts.gateway.app import GATEWAY, Settings, create_app
from keeptrusts.gateway.mock_upstream import create_app as create_mock_app

ALICE_KEY = "kt_gk_alice0000000000000000000000000000000000"
BOB_KEY = "kt_gk_bob000000000000000000000000000000000000"


class ServerThread:
    """An aiohttp app served from a background thread (its own loop) on 127.0.0.1:<ephemeral>."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.port = 0

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app, shutdown_timeout=5)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = self.runner.addresses[0][1]
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> "ServerThread":
        self._thread.start()
        assert self._ready.wait(10), "server did not start"
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, coro, timeout: float = 10):
        """Run a coroutine on the server's loop (e.g. flush the event queue now)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self.call(self.runner.cleanup(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="session")
def mock_upstream():
    server = ServerThread(create_mock_app()).start()
    yield server
    server.stop()


def write_keys(path: Path, *entries: tuple[str, str, str]) -> Path:
    lines = ["keys:"] + [f"  - {{key: {key}, user: {user}, team: {team}}}" for key, user, team in entries]
    path.write_text("\n".join(lines) + "\n")
    return path


class RunningGateway:
    def __init__(self, server: ServerThread, events_file: Path) -> None:
        self.server = server
        self.events_file = events_file
        self.gateway = server.app[GATEWAY]

    @property
    def url(self) -> str:
        return self.server.url

    def events(self) -> list[dict]:
        """Flush the queue now and read the standalone JSONL."""
        self.server.call(self.gateway.sink.flush())
        if not self.events_file.exists():
            return []
        return [orjson.loads(line) for line in self.events_file.read_bytes().splitlines() if line.strip()]

    def openai(self, key: str = ALICE_KEY, **kwargs):
        import openai

        return openai.OpenAI(base_url=self.url + "/v1", api_key=key, max_retries=0, timeout=kwargs.pop("timeout", 10), **kwargs)


@pytest.fixture
def start_gateway(tmp_path, mock_upstream):
    """start_gateway(policy_yaml=None, **settings) -> RunningGateway, standalone with alice and bob's keys."""
    started: list[ServerThread] = []

    def start(policy_yaml: str | None = None, *, upstream_url: str | None = None, prices: dict | None = None, **overrides):
        policy_path = None
        if policy_yaml is not None:
            policy_path = tmp_path / "team-policy.yaml"
            policy_path.write_text(policy_yaml)
        keys = write_keys(tmp_path / "keys.yaml", (ALICE_KEY, "alice@example.com", "platform"), (BOB_KEY, "bob@example.com", "payments"))
        events_file = tmp_path / "events.jsonl"
        values = dict(upstream_url=upstream_url or mock_upstream.url + "/v1", policy_config=policy_path, keys_file=keys,
                      events_file=events_file, state_dir=tmp_path / "state", gateway_token=None)
        values.update(overrides)
        app = create_app(Settings(**values))
        if prices is not None:
            from keeptrusts import wire

            app[GATEWAY].state.prices = {m: wire.ModelPrice(input=i, output=o) for m, (i, o) in prices.items()}
        server = ServerThread(app).start()
        started.append(server)
        return RunningGateway(server, events_file)

    yield start
    for server in started:
        server.stop()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def detectors_available(*kinds: str) -> bool:
    """Whether the detector modules a policy type needs have landed (pii, injection, content, …)."""
    import importlib.util

    return all(importlib.util.find_spec(f"keeptrusts.policy.detectors.{kind}") is not None for kind in kinds)


def needs_detectors(*kinds: str):
    return pytest.mark.skipif(not detectors_available(*kinds), reason=f"detector module(s) {', '.join(kinds)} not on this branch yet")
