"""Getting events out of the request path: batch in memory, then a JSONL file or the control plane.

Telemetry never blocks traffic: `emit` only appends to a list. A background task flushes
every second or at 500 events. In connected mode a batch that cannot be delivered is
written to a spool directory (one JSON file per batch) and re-sent with backoff; the
control plane is idempotent on event id, so a batch sent twice (a timeout after it was
stored) is counted once — every event arrives exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

import aiohttp
import msgspec
from ulid import ULID

from keeptrusts import wire

log = logging.getLogger("keeptrusts.gateway.events")

FLUSH_SECONDS = 1.0
FLUSH_EVENTS = 500
MAX_BACKOFF_SECONDS = 30.0

_encoder = msgspec.json.Encoder()


class EventSink:
    """Common batching: subclasses implement `deliver(batch)`."""

    def __init__(self, metrics) -> None:
        self.metrics = metrics
        self.pending: list[wire.Event] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._closing = False

    def emit(self, event: wire.Event) -> None:
        self.pending.append(event)
        self.metrics.inc("kt_gateway_events_total", (("outcome", "queued"),))
        if len(self.pending) >= FLUSH_EVENTS:
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-flusher")

    async def _run(self) -> None:
        while not self._closing:
            try:
                await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        try:
            await self.deliver(batch)
        except Exception:  # never let telemetry kill the flusher
            log.exception("could not deliver %d events", len(batch))

    async def deliver(self, batch: list[wire.Event]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        if self._task:
            await self._task
        await self.flush()

    def status(self) -> dict:
        return {"pending": len(self.pending)}


class JsonlSink(EventSink):
    """Standalone mode: append one JSON line per event to `--events-file`."""

    def __init__(self, metrics, path: Path) -> None:
        super().__init__(metrics)
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    async def deliver(self, batch: list[wire.Event]) -> None:
        data = b"".join(_encoder.encode(event) + b"\n" for event in batch)
        # One O_APPEND write per batch: workers sharing the file never interleave lines.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self.metrics.inc("kt_gateway_events_total", (("outcome", "written"),), len(batch))


class ControlPlaneSink(EventSink):
    """Connected mode: POST /v1/gateway/events; spool to disk on failure; resend with backoff."""

    def __init__(self, metrics, *, api_url: str, token: str, spool_dir: Path, session_factory) -> None:
        super().__init__(metrics)
        self.url = api_url.rstrip("/") + "/v1/gateway/events"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.spool_dir = spool_dir
        spool_dir.mkdir(parents=True, exist_ok=True)
        self._session_factory = session_factory
        self._resender: asyncio.Task | None = None
        self._spool_wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.last_error: str | None = None
        self.last_success: float | None = None
        self._reclaim_abandoned()
        self._update_depth()

    async def start(self) -> None:
        await super().start()
        self._resender = asyncio.create_task(self._resend_loop(), name="event-resender")

    async def deliver(self, batch: list[wire.Event]) -> None:
        body = b'{"events":[' + b",".join(_encoder.encode(e) for e in batch) + b"]}"
        if not await self._post(body, len(batch)):
            self._spool(body, len(batch))

    async def _post(self, body: bytes, count: int) -> bool:
        """True when the control plane has the batch (stored, or rejected for good)."""
        try:
            session = self._session_factory()
            timeout = aiohttp.ClientTimeout(total=3 if self._closing else 10)  # never hold up a shutdown for long
            async with session.post(self.url, data=body, headers=self.headers, timeout=timeout) as resp:
                text = await resp.read()
                if resp.status == 202:
                    self._count_receipt(text, count)
                    self.last_error, self.last_success = None, time.time()
                    return True
                if resp.status in (400, 413, 422):
                    # The batch itself is bad; resending will not fix it. Keep it aside for a human.
                    self._spool(body, count, suffix=".rejected")
                    log.error("control plane refused an event batch (%s): %s", resp.status, text[:500])
                    return True
                self.last_error = f"HTTP {resp.status} from {self.url}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
        log.warning("event delivery failed (%s); spooling %d events", self.last_error, count)
        return False

    def _count_receipt(self, text: bytes, count: int) -> None:
        try:
            receipt = msgspec.json.decode(text)
        except msgspec.DecodeError:
            receipt = {}
        rejected = receipt.get("rejected") or []
        for item in rejected:
            log.error("control plane rejected event #%s: %s", item.get("index"), item.get("error"))
        self.metrics.inc("kt_gateway_events_total", (("outcome", "sent"),), receipt.get("accepted", count))
        self.metrics.inc("kt_gateway_events_total", (("outcome", "duplicate"),), receipt.get("duplicates", 0))
        self.metrics.inc("kt_gateway_events_total", (("outcome", "rejected"),), len(rejected))

    # --- disk spool -------------------------------------------------------
    def _spool(self, body: bytes, count: int, suffix: str = ".json") -> None:
        # Written under a temporary name then renamed, so a crash never leaves half a batch.
        name = f"{ULID()}-{count}"
        tmp = self.spool_dir / f".{name}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, self.spool_dir / f"{name}{suffix}")
        if suffix == ".json":
            self.metrics.inc("kt_gateway_events_total", (("outcome", "spooled"),), count)
        self._update_depth()
        self._spool_wake.set()

    def _spooled(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.json"))

    def spool_depth(self) -> int:
        return sum(int(p.stem.rsplit("-", 1)[-1]) for p in self._spooled() if p.stem.rsplit("-", 1)[-1].isdigit())

    def _update_depth(self) -> None:
        self.metrics.set("kt_gateway_spool_depth", self.spool_depth())

    def _reclaim_abandoned(self) -> None:
        """A batch claimed by a worker that died mid-send goes back into the spool."""
        for claimed in self.spool_dir.glob("*.sending-*"):
            pid = int(claimed.suffix.rsplit("-", 1)[-1]) if claimed.suffix.rsplit("-", 1)[-1].isdigit() else 0
            if pid and _pid_alive(pid):
                continue
            os.replace(claimed, claimed.with_suffix(".json"))

    async def _resend_loop(self) -> None:
        backoff = 1.0
        while not self._closing:
            outcome = await self._resend_spooled()
            if outcome is True:  # delivered: keep draining
                backoff = 1.0
                continue
            if outcome is None:  # spool empty: wait until something is spooled
                backoff = 1.0
                await self._pause(30, self._spool_wake)
            else:  # control plane still down: back off (new spool files do not shorten the wait)
                await self._pause(backoff, self._stop)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _pause(self, seconds: float, wake: asyncio.Event) -> None:
        # An event rather than cancellation: aiohttp may turn a cancel inside a request into a timeout.
        wake.clear()
        if self._closing:
            return
        try:
            await asyncio.wait_for(wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _resend_spooled(self) -> bool | None:
        """None: spool empty; True: at least one batch went through; False: the control plane is still down."""
        files = self._spooled()
        if not files:
            return None
        for path in files:
            claimed = path.with_suffix(f".sending-{os.getpid()}")
            try:
                os.replace(path, claimed)  # atomic claim: other workers skip it
            except FileNotFoundError:
                continue
            count = int(path.stem.rsplit("-", 1)[-1]) if path.stem.rsplit("-", 1)[-1].isdigit() else 0
            if await self._post(claimed.read_bytes(), count):
                claimed.unlink(missing_ok=True)
                self._update_depth()
                continue
            os.replace(claimed, path)
            return False
        return True

    async def close(self) -> None:
        await super().close()
        self._stop.set()
        self._spool_wake.set()
        if self._resender:
            try:
                await asyncio.wait_for(asyncio.shield(self._resender), 3)
            except asyncio.TimeoutError:
                self._resender.cancel()
        # Whatever is still claimed by us goes back to the spool for the next start.
        for claimed in self.spool_dir.glob(f"*.sending-{os.getpid()}"):
            os.replace(claimed, claimed.with_suffix(".json"))
        self._update_depth()

    async def flush(self) -> None:
        if self._closing and self.pending:
            # Shutting down: one quick attempt, otherwise spool — never wait long on SIGTERM.
            batch, self.pending = self.pending, []
            body = b'{"events":[' + b",".join(_encoder.encode(e) for e in batch) + b"]}"
            if not await self._post(body, len(batch)):
                self._spool(body, len(batch))
            return
        await super().flush()

    def status(self) -> dict:
        return {"pending": len(self.pending), "spool_depth": self.spool_depth(), "last_error": self.last_error,
                "last_success": self.last_success}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
