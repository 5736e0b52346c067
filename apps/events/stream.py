"""The live event stream behind `GET /v1/events/stream` (`kt events tail`) and the
Console's live tail: server-sent events in commit order.

Each SSE id is `<batch seq>:<event id>`; reconnecting with `Last-Event-ID`
resumes right after it (no loss, no repeat). The caller passes the scoped,
filtered queryset and how to write one event as SSE `data:` (JSON for the API,
the table row's HTML for the Console).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from .models import IngestBatch
from .selectors import EVENT_FIELDS, events_as_dicts

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0


class BadPosition(ValueError):
    """A Last-Event-ID this stream did not send."""


def stream_position(resume: str | None) -> tuple[int, str]:
    """Where to start: right after `resume` (`<seq>:<event id>`), else after everything stored."""
    if resume:
        seq, _, event_id = resume.partition(":")
        if seq.isdigit():
            return int(seq), event_id
        raise BadPosition(f"{resume!r} is not an id this stream sent")
    return latest_position()


def latest_position() -> tuple[int, str]:
    latest = IngestBatch.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first()
    return (latest or 0), "~"  # "~" sorts after every ULID: start after everything stored


def event_stream(queryset, *, scope, position: tuple[int, str], timeout: float,
                 data: Callable[[dict], bytes], poll_seconds: float = POLL_SECONDS,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS) -> Iterator[bytes]:
    """SSE bytes: every event of `queryset` committed after `position`, until `timeout`."""
    seq, last_id = position
    deadline = time.monotonic() + timeout
    last_write = time.monotonic()
    yield b"retry: 1000\n\n"
    while time.monotonic() < deadline:
        sent = False
        for batch_seq, batch_id in _batches_after(scope.organization, seq, last_id):
            after = last_id if batch_seq == seq else ""
            rows = list(queryset.filter(batch_id=batch_id, id__gt=after).order_by("id").values(*EVENT_FIELDS))
            for event in events_as_dicts(rows, scope):
                yield f"id: {batch_seq}:{event['id']}\nevent: event\n".encode() + data(event) + b"\n\n"
                sent = True
            seq, last_id = batch_seq, "~"
        if sent:
            last_write = time.monotonic()
        elif time.monotonic() - last_write > heartbeat_seconds:
            yield b": keep-alive\n\n"
            last_write = time.monotonic()
        time.sleep(poll_seconds)


def _batches_after(organization, seq, last_id):
    """Committed batches of the organization from `seq` on, in commit order."""
    batches = IngestBatch.objects.filter(organization=organization)
    current = [(seq, b) for b in batches.filter(seq=seq).values_list("id", flat=True)] if (
        last_id != "~" and seq) else []
    later = list(batches.filter(seq__gt=seq).order_by("seq").values_list("seq", "id")[:200])
    return current + later


class StreamSlots:
    """At most `limit` open streams per process, so long-lived streams can never
    take every worker thread from ordinary page views. `hold(iterator)` returns
    an iterator that frees its slot when the server closes the response (the
    client went away or the stream ended), or None when every slot is taken."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = threading.BoundedSemaphore(limit)

    def hold(self, iterator: Iterator[bytes]) -> Iterator[bytes] | None:
        if not self._free.acquire(blocking=False):
            return None
        return _Held(iterator, self._free)


class _Held:
    def __init__(self, iterator, semaphore) -> None:
        self._iterator, self._semaphore, self._open = iterator, semaphore, True

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:  # called by the WSGI server, started or not
        if self._open:
            self._open = False
            try:
                getattr(self._iterator, "close", lambda: None)()
            finally:
                self._semaphore.release()
