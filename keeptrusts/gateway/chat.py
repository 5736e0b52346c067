"""Chat completions (JSON and SSE) and embeddings through the policy pipeline."""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp
import orjson
from aiohttp import web

from keeptrusts import wire
from keeptrusts.gateway.app import Call, Gateway, json_response, new_request_id
from keeptrusts.gateway.openai_format import estimate_tokens, message_text
from keeptrusts.gateway import http1
from keeptrusts.gateway.upstream import UpstreamTimeout, UpstreamUnavailable

UPSTREAM_FIX = "Check the upstream URL (--upstream / KT_UPSTREAM_URL) and the network path to the LLM provider; `kt doctor` checks both."


def prompt_excerpt(gateway: Gateway, decision, messages: list) -> str | None:
    """The event's prompt excerpt: the latest user message (not a system prompt that every event shares).
    What the input policies found in it is reused (its spans, its placeholders), not scanned again."""
    index = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].get("role") == "user"), None)
    text = message_text(messages[index]) if index is not None else ""
    piece = decision.piece_of(index) if decision is not None and index is not None else None
    if piece is not None:
        return gateway.excerpt(decision, text, piece=piece)
    return gateway.excerpt(decision if len(messages) == 1 else None, text)


async def begin(gateway: Gateway, request: web.Request, endpoint: str) -> tuple[Call, dict] | web.Response:
    """Authenticate and parse: the part every model endpoint shares."""
    started = time.perf_counter()
    request_id = new_request_id()
    key = gateway.authenticate(request, request_id)
    if isinstance(key, web.Response):
        return key
    call = Call(request_id, started, key, endpoint)
    body = await gateway.read_json(request, call)
    if isinstance(body, web.Response):
        return body
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return gateway.fail(call, "invalid_request", '`model` is required: the name of a model, e.g. "gpt-4o".', param="model")
    call.model = model
    return call, body


def run_policies(gateway: Gateway, call: Call, phase: str, evaluate, *args, **kwargs):
    """Evaluate one phase; timing, event entries. A policy that raises is blocked inside the engine
    (fail closed); an engine that raises becomes a block here."""
    started = time.perf_counter()
    try:
        decision = evaluate(*args, **kwargs)
    except Exception:
        logging.getLogger("keeptrusts.gateway").exception("policy evaluation failed on the %s; blocking (fail closed)", phase)
        return None
    gateway.policy_seconds[phase].observe(time.perf_counter() - started)
    call.entries.extend(decision.entries())
    return decision


async def call_upstream(gateway: Gateway, call: Call, path: str, payload: bytes):
    started = time.perf_counter()
    try:
        response = await gateway.upstream.post(path, payload, stream=call.stream)
    except UpstreamUnavailable as exc:
        gateway.release(call)
        return gateway.fail(call, "upstream_unavailable", f"{exc}. {UPSTREAM_FIX}")
    except UpstreamTimeout as exc:
        gateway.release(call)
        return gateway.fail(call, "upstream_timeout", f"{exc}. Retry later. {UPSTREAM_FIX}")
    elapsed = time.perf_counter() - started
    gateway.upstream_seconds[call.endpoint].observe(elapsed)
    call.upstream_ms = round(elapsed * 1000, 3)
    if response.status != 200:
        return await pass_through_error(gateway, call, response)
    return response


async def pass_through_error(gateway: Gateway, call: Call, response) -> web.Response:
    """Upstream errors reach the client with the upstream's status, in OpenAI's error shape."""
    try:
        raw = await response.read()
    except (asyncio.TimeoutError, http1.ProtocolError, aiohttp.ClientError):
        raw = b""  # the status alone is the answer
    finally:
        response.release()
    status = response.status
    try:
        body = orjson.loads(raw)
        shaped = isinstance(body, dict) and isinstance(body.get("error"), dict)
    except orjson.JSONDecodeError:
        shaped = False
    if not shaped:
        snippet = raw[:300].decode(errors="replace")
        body = {"error": {"message": f"The upstream LLM answered HTTP {status}: {snippet}", "type": "api_error" if status >= 500 else "invalid_request_error",
                          "code": "upstream_error", "param": None}}
    gateway.release(call)
    gateway.record(call, status=status, action="error", error_code=str(body["error"].get("code") or "upstream_error"))
    headers = {"Retry-After": response.headers["Retry-After"]} if "Retry-After" in response.headers else None
    return json_response(body, status=status, request_id=call.id, headers=headers)


async def handle_chat(gateway: Gateway, request: web.Request) -> web.StreamResponse:
    started = await begin(gateway, request, "/v1/chat/completions")
    if isinstance(started, web.Response):
        return started
    call, body = started
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return gateway.fail(call, "invalid_request", '`messages` is required: a non-empty list of {"role", "content"} objects.', param="messages")
    call.stream = bool(body.get("stream"))
    policies, team = gateway.policies_for(call.key)
    if policies is None:
        return policy_unavailable(gateway, call)
    max_output = body.get("max_completion_tokens") or body.get("max_tokens")
    prompt_chars = sum(len(m["content"]) if isinstance(m.get("content"), str) else len(str(m.get("content") or "")) for m in messages)
    rejected = await gateway.admit(call, policies, team, prompt_chars, max_output if isinstance(max_output, int) else None)
    if rejected is not None:
        return rejected

    changed = False
    decision = None
    if policies.policies_for("input"):
        decision = run_policies(gateway, call, "input", policies.evaluate_input, messages)
        if decision is None:
            return policy_failed(gateway, call, "input")
        if decision.blocked_by is not None:
            gateway.release(call)
            return gateway.blocked(call, decision)
        if decision.redacted:
            body["messages"] = messages = decision.messages
            changed = True
    call.prompt_excerpt = prompt_excerpt(gateway, decision, messages)

    usage_asked = bool((body.get("stream_options") or {}).get("include_usage"))
    if call.stream and not usage_asked:
        body["stream_options"] = dict(body.get("stream_options") or {}, include_usage=True)
        changed = True
    response = await call_upstream(gateway, call, "/chat/completions", orjson.dumps(body) if changed else call.raw_body)
    if isinstance(response, web.Response):
        return response
    output = OutputContext(policies, messages, body.get("response_format"), decision.placeholders if decision else None)
    if call.stream:
        from keeptrusts.gateway.streaming import relay_stream

        return await relay_stream(gateway, request, call, response, output, usage_asked)
    return await finish_chat(gateway, call, response, output)


class OutputContext:
    """What output policies need from the request: the prompt, response_format and the input's placeholders."""

    __slots__ = ("policies", "prompt", "response_format", "placeholders")

    def __init__(self, policies, prompt, response_format, placeholders) -> None:
        self.policies, self.prompt, self.response_format, self.placeholders = policies, prompt, response_format, placeholders

    @property
    def active(self) -> bool:
        return bool(self.policies.policies_for("output"))

    def guard(self):
        return self.policies.output_guard(prompt=self.prompt, response_format=self.response_format, placeholders=self.placeholders)


async def read_upstream_body(gateway: Gateway, call: Call, response) -> bytes | web.Response:
    started = time.perf_counter()
    try:
        raw = await response.read()
    except asyncio.TimeoutError:
        gateway.release(call)
        return gateway.fail(call, "upstream_timeout", f"The upstream LLM stopped answering mid-response. Retry later. {UPSTREAM_FIX}")
    except http1.ProtocolError as exc:
        gateway.release(call)
        return gateway.fail(call, "upstream_unavailable", f"The upstream LLM's response could not be read ({exc}). {UPSTREAM_FIX}")
    finally:
        response.release()
    call.upstream_ms = round((call.upstream_ms or 0) + (time.perf_counter() - started) * 1000, 3)
    return raw


async def finish_chat(gateway: Gateway, call: Call, response, output: OutputContext) -> web.Response:
    raw = await read_upstream_body(gateway, call, response)
    if isinstance(raw, web.Response):
        return raw
    try:
        data = orjson.loads(raw)
        choices = data.get("choices") or []
    except (orjson.JSONDecodeError, AttributeError):
        gateway.release(call)
        return gateway.fail(call, "upstream_unavailable", f"The upstream LLM sent a response that is not OpenAI JSON. {UPSTREAM_FIX}")
    usage = data.get("usage") or {}
    call.tokens_in = int(usage.get("prompt_tokens") or 0)
    call.tokens_out = int(usage.get("completion_tokens") or 0)
    modified = False
    for position, choice in enumerate(choices):
        message = choice.get("message") or {}
        content = message.get("content")
        if not isinstance(content, str) or not content:
            continue
        decision = None
        if output.active:
            decision = run_policies(gateway, call, "output", output.policies.evaluate_output, content, prompt=output.prompt,
                                    finish_reason=choice.get("finish_reason"), response_format=output.response_format,
                                    placeholders=output.placeholders)
            if decision is None:
                return policy_failed(gateway, call, "output")
            if decision.blocked_by is not None:
                return gateway.blocked(call, decision)
            if decision.redacted:
                message["content"] = decision.text
                modified = True
        if position == 0:
            call.response_excerpt = gateway.excerpt(decision, content, "output")
    gateway.record(call, status=200)
    return json_response(orjson.dumps(data) if modified else raw, request_id=call.id)


def policy_unavailable(gateway: Gateway, call: Call) -> web.Response:
    call.entries.append(wire.PolicyEntry(name="team-policy", type="policy", action="block", phase="input"))
    return gateway.fail(call, "policy_blocked",
                        f"Team {call.key.team}'s policy could not be loaded, so the gateway blocks its requests (fail closed). "
                        "Ask your manager to fix it: `kt policy lint` shows the problem.", param="team-policy", action="block")


def policy_failed(gateway: Gateway, call: Call, phase: str) -> web.Response:
    gateway.release(call)
    call.entries.append(wire.PolicyEntry(name="policy-error", type="policy", action="block", phase=phase))
    return gateway.fail(call, "policy_blocked",
                        f"A policy failed while checking the {phase}, so the gateway blocked the request (fail closed). "
                        f"Event id {call.id}; retry, and report it to your manager if it persists.", param="policy-error", action="block")


async def handle_embeddings(gateway: Gateway, request: web.Request) -> web.StreamResponse:
    started = await begin(gateway, request, "/v1/embeddings")
    if isinstance(started, web.Response):
        return started
    call, body = started
    inputs = body.get("input")
    as_list = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(as_list, list) or not as_list:
        return gateway.fail(call, "invalid_request", "`input` is required: a string or a list of strings to embed.", param="input")
    policies, team = gateway.policies_for(call.key)
    if policies is None:
        return policy_unavailable(gateway, call)
    texts = [t for t in as_list if isinstance(t, str)]  # token-id arrays carry no text to check
    rejected = await gateway.admit(call, policies, team, sum(len(t) for t in texts), 0)
    if rejected is not None:
        return rejected
    changed = False
    decision = None
    if policies.policies_for("input") and texts:
        decision = run_policies(gateway, call, "input", policies.evaluate_input, texts)
        if decision is None:
            return policy_failed(gateway, call, "input")
        if decision.blocked_by is not None:
            gateway.release(call)
            return gateway.blocked(call, decision)
        if decision.redacted:
            redacted = iter(decision.messages)
            body["input"] = [next(redacted) if isinstance(t, str) else t for t in as_list]
            if isinstance(inputs, str):
                body["input"] = body["input"][0]
            changed = True
    call.prompt_excerpt = gateway.excerpt(decision, texts[0] if texts else "")
    response = await call_upstream(gateway, call, "/embeddings", orjson.dumps(body) if changed else call.raw_body)
    if isinstance(response, web.Response):
        return response
    raw = await read_upstream_body(gateway, call, response)
    if isinstance(raw, web.Response):
        return raw
    try:
        usage = orjson.loads(raw).get("usage") or {}
    except (orjson.JSONDecodeError, AttributeError):
        usage = {}
    call.tokens_in = int(usage.get("prompt_tokens") or sum(estimate_tokens(t) for t in texts))
    gateway.record(call, status=200)
    return json_response(raw, request_id=call.id)
