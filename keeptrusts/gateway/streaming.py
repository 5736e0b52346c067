"""Relaying an SSE chat stream: chunks pass through as they arrive.

When output policies apply, each choice's text goes through the engine's streaming
guard (`keeptrusts.policy.stream.OutputGuard`), which releases text at once except a
short trailing suffix that could still be the start of an entity — so an email split
across two chunks is still caught — and the gateway releases that suffix anyway when no
new text arrives within HOLD_CAP_SECONDS. An output block ends the stream with an
OpenAI-shaped error event. The usage chunk is always requested upstream (events and
budgets need it) and stripped again when the client did not ask for it. A client that
goes away closes the upstream call.
"""

from __future__ import annotations

import asyncio
import time

import orjson
from aiohttp import web

from keeptrusts import wire
from keeptrusts.gateway import http1
from keeptrusts.gateway.app import Call, Gateway
from keeptrusts.gateway.openai_format import estimate_tokens

HOLD_CAP_SECONDS = 0.25
DONE = b"data: [DONE]\n\n"
_EOF = object()


def sse(payload: bytes) -> bytes:
    return b"data: " + payload + b"\n\n"


class StreamState:
    def __init__(self, output) -> None:
        self.output = output
        self.guards: dict[int, object] = {}
        self.texts: dict[int, list[str]] = {}
        self.finish: dict[int, str | None] = {}
        self.blocked = None  # the PolicyResult that blocked the output
        self.decision = None  # choice 0's output Decision, for the redacted excerpt
        self.usage: dict | None = None
        self.template: dict = {}  # id/model/created of the stream, for chunks the gateway writes itself

    def guard(self, index: int):
        guard = self.guards.get(index)
        if guard is None:
            guard = self.guards[index] = self.output.guard()
        return guard

    def held(self) -> bool:
        return any(guard.held for guard in self.guards.values())


async def relay_stream(gateway: Gateway, request: web.Request, call: Call, upstream, output, usage_asked: bool) -> web.StreamResponse:
    out = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "x-request-id": call.id})
    await out.prepare(request)
    state = StreamState(output)
    guarded = output.active
    status, error_code = 200, None
    started = time.perf_counter()
    lines = upstream_lines(upstream) if guarded else None
    ahead = None  # a line read while merging that was not merged: the next one to relay
    try:
        while True:
            if ahead is not None:
                line, ahead = ahead, None
                if isinstance(line, Exception):
                    raise line
            elif guarded:
                line = await next_line(lines, state, out)
            else:
                line = await upstream.content.readline() or _EOF
            if line is _EOF:
                break
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                break
            try:
                chunk = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue  # not a JSON event: nothing a client could use
            if guarded and lines.qsize() and plain_text(chunk) is not None:
                merged, ahead = merge_waiting(chunk, lines)
                if merged:
                    payload = None  # the chunk is serialised again
            data = relay_chunk(state, chunk, payload, usage_asked, guarded)
            if state.blocked is not None:
                break
            if data:
                await out.write(data)
        if guarded:
            tail = finish_guards(call, state)
            if tail and state.blocked is None:
                await out.write(tail)
        if state.blocked is not None:
            status, error_code = 403, "policy_blocked"
            await out.write(sse(orjson.dumps(wire.error_body("policy_blocked", blocked_message(call, state.blocked), state.blocked.name))))
        else:
            await out.write(DONE)
    except (ConnectionResetError, asyncio.CancelledError):
        status, error_code = 499, "client_closed"  # the client went away; stop paying for tokens nobody reads
    except asyncio.TimeoutError:
        status, error_code = 504, "upstream_timeout"
        await safe_write(out, sse(orjson.dumps(wire.error_body("upstream_timeout", "The upstream LLM stopped streaming mid-answer. Retry later."))))
    except http1.ProtocolError as exc:
        status, error_code = 502, "upstream_unavailable"
        await safe_write(out, sse(orjson.dumps(wire.error_body("upstream_unavailable", f"The upstream LLM's stream broke off mid-answer ({exc}). Retry."))))
    finally:
        if lines is not None:
            lines.cancel()
        if status == 200:
            upstream.release()  # the whole answer came: the connection may serve the next call
        else:
            upstream.close()  # blocked, cut or abandoned: stop the upstream generating tokens nobody reads
    call.upstream_ms = round((call.upstream_ms or 0) + (time.perf_counter() - started) * 1000, 3)
    account_usage(call, state)
    call.response_excerpt = gateway.excerpt(state.decision, "".join(state.texts.get(0, [])), "output")
    if status == 403:
        gateway.release(call)
    gateway.record(call, status=status, action="error" if status in (499, 502, 504) else None, error_code=error_code)
    await safe_write_eof(out)
    return out


def upstream_lines(upstream) -> asyncio.Queue:
    """Read upstream lines in a task so the relay can wait on them with a time cap (cancelling a
    queue get is safe; cancelling a half-read line is not)."""
    queue: asyncio.Queue = asyncio.Queue()

    async def pump():
        try:
            async for line in upstream.content:
                queue.put_nowait(line)
        except Exception as exc:  # surfaces in the relay
            queue.put_nowait(exc)
        queue.put_nowait(_EOF)

    task = asyncio.ensure_future(pump())
    queue.cancel = task.cancel  # type: ignore[attr-defined]
    return queue


async def next_line(lines: asyncio.Queue, state: StreamState, out: web.StreamResponse):
    while True:
        if not state.held():
            item = await lines.get()
        else:
            try:
                item = await asyncio.wait_for(lines.get(), HOLD_CAP_SECONDS)
            except asyncio.TimeoutError:
                await release_held(state, out)
                continue
        if isinstance(item, Exception):
            raise item
        return item


async def release_held(state: StreamState, out: web.StreamResponse) -> None:
    """The time cap passed without new text: send what the guards hold back."""
    for index, guard in state.guards.items():
        text = guard.flush()
        if guard.blocked:
            state.blocked = guard.blocked_by
            return
        if text:
            await out.write(content_chunk(state, index, text))


def content_chunk(state: StreamState, index: int, text: str) -> bytes:
    chunk = dict(state.template, object="chat.completion.chunk",
                 choices=[{"index": index, "delta": {"content": text}, "logprobs": None, "finish_reason": None}])
    return sse(orjson.dumps(chunk))


_PLAIN_CHOICE_KEYS = frozenset({"index", "delta", "finish_reason", "logprobs"})


def plain_text(chunk: dict) -> str | None:
    """The text of a chunk that carries nothing but text for one choice (what most of a stream is), else None."""
    choices = chunk.get("choices")
    if not isinstance(choices, list) or len(choices) != 1 or chunk.get("usage"):
        return None
    choice = choices[0]
    if not isinstance(choice, dict) or choice.get("finish_reason") or choice.get("logprobs") is not None:
        return None
    if not _PLAIN_CHOICE_KEYS.issuperset(choice):
        return None  # e.g. a provider's per-chunk annotations (content_filter_results): relayed as they are
    delta = choice.get("delta")
    if not isinstance(delta, dict) or len(delta) != 1:
        return None
    text = delta.get("content")
    return text if isinstance(text, str) and text else None


def merge_waiting(chunk: dict, lines: asyncio.Queue):
    """Fold the text of the chunks already waiting (text of the same choice, nothing else) into `chunk`, so the
    output guard checks it once rather than piece by piece: under load, when the upstream writes faster than the
    gateway relays, a stream costs a few guard passes instead of one per token. Returns whether anything was
    merged, and the waiting line that could not be (or _EOF, or an exception) to relay next, or None."""
    choice = chunk["choices"][0]
    index = choice.get("index", 0)
    parts = [choice["delta"]["content"]]
    ahead = None
    while lines.qsize():
        line = lines.get_nowait()
        if line is _EOF or isinstance(line, Exception):
            ahead = line
            break
        if not line.startswith(b"data:"):
            continue  # the blank line between events
        try:
            following = orjson.loads(line[5:].strip())
        except orjson.JSONDecodeError:
            ahead = line
            break
        text = plain_text(following)
        if text is None or following["choices"][0].get("index", 0) != index:
            ahead = line
            break
        parts.append(text)
    if len(parts) == 1:
        return False, ahead
    choice["delta"]["content"] = "".join(parts)
    return True, ahead


def relay_chunk(state: StreamState, chunk: dict, payload: bytes | None, usage_asked: bool, guarded: bool) -> bytes | None:
    """The bytes to send for one upstream chunk (None to send nothing; payload None: send it serialised again)."""
    if chunk.get("usage"):
        state.usage = chunk["usage"]
    choices = chunk.get("choices")
    if not choices:
        # The usage-only chunk (or a provider's keep-alive): forward only when the client asked for usage.
        return sse(payload) if usage_asked and chunk.get("usage") else None
    if not state.template:
        state.template = {k: chunk[k] for k in ("id", "created", "model", "system_fingerprint") if k in chunk}
    modified = payload is None
    if not usage_asked and "usage" in chunk:
        del chunk["usage"]
        modified = True
    for choice in choices:
        index = choice.get("index", 0)
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            delta = choice["delta"] = {}
        content = delta.get("content")
        if choice.get("finish_reason"):
            state.finish[index] = choice["finish_reason"]
        if content:
            state.texts.setdefault(index, []).append(content)
        if not guarded or not (content or choice.get("finish_reason")):
            continue
        guard = state.guard(index)
        released = guard.feed(content) if content else ""
        if choice.get("finish_reason") and not guard.blocked:
            released += guard.flush()  # the choice is complete: nothing more can extend an entity
        if guard.blocked:
            state.blocked = guard.blocked_by
            return None
        if released != (content or ""):
            if content is None and not released:
                continue
            delta["content"] = released
            modified = True
    return sse(orjson.dumps(chunk)) if modified else sse(payload)


def finish_guards(call: Call, state: StreamState) -> bytes | None:
    """At the end of the stream: whole-answer policies (quality) and each guard's event entries."""
    tails = []
    for index, guard in sorted(state.guards.items()):
        tail, decision = guard.finish(state.finish.get(index))
        call.entries.extend(decision.entries())
        if index == 0:
            state.decision = decision
        if decision.blocked_by is not None and state.blocked is None:
            state.blocked = decision.blocked_by
        if tail:  # a stream that ended without finish_reason: release what was held back
            tails.append(content_chunk(state, index, tail))
    return b"".join(tails) or None


def account_usage(call: Call, state: StreamState) -> None:
    if state.usage:
        call.tokens_in = int(state.usage.get("prompt_tokens") or 0)
        call.tokens_out = int(state.usage.get("completion_tokens") or 0)
    else:  # the stream was cut before the usage chunk: estimate what was produced
        call.tokens_out = sum(estimate_tokens("".join(parts)) for parts in state.texts.values())


def blocked_message(call: Call, result) -> str:
    return (f"Blocked by policy '{result.name}': {result.summary()}. The rest of the answer was withheld. "
            f"Event id {call.id}: see it with `kt events list --since 1h --action block`.")


async def safe_write(out: web.StreamResponse, data: bytes) -> None:
    try:
        await out.write(data)
    except (ConnectionResetError, RuntimeError):
        pass


async def safe_write_eof(out: web.StreamResponse) -> None:
    try:
        await out.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
