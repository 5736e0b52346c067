"""Relaying an SSE chat stream: chunks pass through as they arrive.

When output policies act on the stream, each choice's text goes through the engine's
streaming guard, which releases text at once except a short trailing suffix that could
still be the start of an entity (so an email split across two chunks is still caught).
An output block ends the stream with an OpenAI-shaped error event. The usage chunk is
always requested upstream (for events and budgets) and stripped again when the client
did not ask for it. A client that goes away closes the upstream call.
"""

from __future__ import annotations

import asyncio
import logging
import time

import orjson
from aiohttp import web

from keeptrusts import wire
from keeptrusts.gateway.app import Call, Gateway
from keeptrusts.gateway.openai_format import estimate_tokens

log = logging.getLogger("keeptrusts.gateway.streaming")

DONE = b"data: [DONE]\n\n"


def sse(payload: bytes) -> bytes:
    return b"data: " + payload + b"\n\n"


class StreamState:
    def __init__(self, policies, prompt: str) -> None:
        self.policies = policies
        self.prompt = prompt
        self.guards: dict[int, object] = {}
        self.texts: dict[int, list[str]] = {}
        self.finish: dict[int, str | None] = {}
        self.blocked: wire.PolicyEntry | None = None
        self.usage: dict | None = None

    def guard(self, index: int):
        guard = self.guards.get(index)
        if guard is None:
            guard = self.guards[index] = self.policies.stream_guard(prompt=self.prompt)
        return guard


async def relay_stream(gateway: Gateway, request: web.Request, call: Call, upstream, policies, usage_asked: bool,
                       prompt: str) -> web.StreamResponse:
    out = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "x-request-id": call.id})
    await out.prepare(request)
    state = StreamState(policies, prompt)
    guarded = policies.has_output_policies
    status, error_code = 200, None
    started = time.perf_counter()
    try:
        async for line in upstream.content:
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                break
            try:
                chunk = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue  # not a JSON event: nothing a client could use
            data = relay_chunk(gateway, call, state, chunk, payload, usage_asked, guarded)
            if data:
                await out.write(data)
            if state.blocked is not None:
                status, error_code = 403, "policy_blocked"
                await out.write(sse(orjson.dumps(wire.error_body("policy_blocked", blocked_message(call, state.blocked), state.blocked.name))))
                break
        if state.blocked is None:
            tail = finish_guards(gateway, call, state)
            if state.blocked is not None:
                status, error_code = 403, "policy_blocked"
                await out.write(sse(orjson.dumps(wire.error_body("policy_blocked", blocked_message(call, state.blocked), state.blocked.name))))
            else:
                if tail:
                    await out.write(tail)
                await out.write(DONE)
    except (ConnectionResetError, asyncio.CancelledError):
        status, error_code = 499, "client_closed"  # the client went away; stop paying for tokens nobody reads
    except asyncio.TimeoutError:
        status, error_code = 504, "upstream_timeout"
        await safe_write(out, sse(orjson.dumps(wire.error_body("upstream_timeout", "The upstream LLM stopped streaming mid-answer. Retry later."))))
    finally:
        upstream.close()
    call.upstream_ms = round((call.upstream_ms or 0) + (time.perf_counter() - started) * 1000, 3)
    account_usage(call, state)
    text = "".join(state.texts.get(0, []))
    call.response_excerpt = gateway.excerpt(text)
    action = "error" if status in (499, 504) else None
    if status == 403:
        gateway.release(call)
    gateway.record(call, status=status, action=action, error_code=error_code if status != 403 else "policy_blocked")
    await safe_write_eof(out)
    return out


def relay_chunk(gateway: Gateway, call: Call, state: StreamState, chunk: dict, payload: bytes, usage_asked: bool,
                guarded: bool) -> bytes | None:
    """Return the bytes to send for one upstream chunk (None to send nothing)."""
    if chunk.get("usage"):
        state.usage = chunk["usage"]
    choices = chunk.get("choices")
    if not choices:
        # The usage-only chunk (or a provider's keep-alive): forward only when the client asked for usage.
        return sse(payload) if usage_asked and chunk.get("usage") else None
    modified = False
    if not usage_asked and "usage" in chunk:
        del chunk["usage"]
        modified = True
    for choice in choices:
        index = choice.get("index", 0)
        delta = choice.get("delta") or {}
        content = delta.get("content")
        if choice.get("finish_reason"):
            state.finish[index] = choice["finish_reason"]
        if content:
            state.texts.setdefault(index, []).append(content)
        if guarded and (content or choice.get("finish_reason")):
            guard = state.guard(index)
            released = guard.feed(content or "")
            if guard.blocked is not None:
                state.blocked = guard.blocked
                return None
            if choice.get("finish_reason"):
                released += guard.flush()
                if guard.blocked is not None:
                    state.blocked = guard.blocked
                    return None
            if released != (content or ""):
                delta["content"] = released
                modified = True
    return sse(orjson.dumps(chunk)) if modified else sse(payload)


def finish_guards(gateway: Gateway, call: Call, state: StreamState) -> bytes | None:
    """At the end of the stream: whole-answer policies (quality) and each guard's entries."""
    if not state.policies.has_output_policies:
        return None
    for index, guard in sorted(state.guards.items()):
        tail = guard.flush()
        entries = guard.finish(finish_reason=state.finish.get(index))
        call.entries.extend(entries)
        if guard.blocked is not None:
            state.blocked = guard.blocked
            return None
        if tail:  # a stream that ended without finish_reason: release what was held back
            chunk = {"object": "chat.completion.chunk", "choices": [{"index": index, "delta": {"content": tail}, "finish_reason": None}]}
            return sse(orjson.dumps(chunk))
    return None


def account_usage(call: Call, state: StreamState) -> None:
    if state.usage:
        call.tokens_in = int(state.usage.get("prompt_tokens") or 0)
        call.tokens_out = int(state.usage.get("completion_tokens") or 0)
    else:  # the stream was cut before the usage chunk: estimate what was produced
        call.tokens_out = sum(estimate_tokens("".join(parts)) for parts in state.texts.values()) if state.texts else 0


def blocked_message(call: Call, entry: wire.PolicyEntry) -> str:
    return (f"Blocked by policy '{entry.name}' ({entry.type}) on the output; the rest of the answer was withheld. "
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
