"""An OpenAI-compatible stand-in for an LLM provider, for demos, tests and benchmarks.

Replies are deterministic (chosen by a hash of the prompt) and written to pass the
seed's policies: a helpful, complete answer (quality ≥ 0.7) with no personal data.
Usage counts follow a ~4 characters per token rule, which is what real tokenizers
average on English text.

Test hooks, as request headers or as a `"mock"` object in the JSON body (which passes
through a gateway unchanged, e.g. the OpenAI SDK's `extra_body={"mock": {"status": 503}}`):
  x-mock-reply: TEXT      / "reply"      answer exactly TEXT (e.g. to exercise output policies)
  x-mock-echo: 1          / "echo"       answer with the last user message as received
  x-mock-status: CODE     / "status"     answer with an OpenAI-shaped error of that status
  x-mock-delay-ms: N      / "delay_ms"   wait N ms before answering
  x-mock-chunk-chars: N   / "chunk_chars" stream N-character pieces instead of words
  x-mock-chunk-delay-ms: N / "chunk_delay_ms" wait N ms between streamed chunks
`GET /_last_request` returns the last request received (path, headers, JSON body).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time

import orjson
from aiohttp import web

from keeptrusts.gateway.openai_format import estimate_tokens, message_text

REPLIES = (
    "Happy to help. Here is a clear way to approach it: start by stating the goal in one sentence, "
    "list the constraints you already know, then work through the smallest example that shows the "
    "problem. Once that example behaves as expected, extend it step by step and add a test for each "
    "step so regressions are caught early.",
    "Good question. The short answer is that it depends on the trade-off you care about most. If "
    "readability matters, prefer the simpler structure and keep functions small; if performance "
    "matters, measure first, then optimise the hot path you found. In both cases, document the "
    "decision so the rest of the team can follow it.",
    "Here is a concise summary. The main idea is to separate what changes often from what stays "
    "stable, keep interfaces small, and validate input at the boundary. A practical next step is "
    "to write down two or three concrete cases, check the current behaviour against them, and fix "
    "the first one that fails.",
)

MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small", "text-embedding-3-large")
EMBEDDING_DIMENSIONS = 1536

DELAY_MS = web.AppKey("delay_ms", float)
CHUNK_DELAY_MS = web.AppKey("chunk_delay_ms", float)
ECHO = web.AppKey("echo", bool)
LAST_REQUEST = web.AppKey("last_request", dict)


def prompt_tokens(messages: list) -> int:
    # ~4 tokens of framing per message, as OpenAI's chat format adds.
    return sum(4 + estimate_tokens(message_text(m)) for m in messages if isinstance(m, dict)) + 2


def hook(request: web.Request, body: dict, name: str):
    """A test hook from the `x-mock-<name>` header or the body's `mock` object."""
    header = request.headers.get("x-mock-" + name.replace("_", "-"))
    if header is not None:
        return header
    mock = body.get("mock")
    return mock.get(name) if isinstance(mock, dict) else None


def choose_reply(request: web.Request, body: dict) -> str:
    reply = hook(request, body, "reply")
    if reply is not None:
        return str(reply)
    messages = body.get("messages") or []
    user_texts = [message_text(m) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    last_user = user_texts[-1] if user_texts else ""
    if str(hook(request, body, "echo")) in ("1", "True", "true") or request.app[ECHO]:
        return last_user
    digest = hashlib.sha256(last_user.encode()).digest()
    return REPLIES[digest[0] % len(REPLIES)]


def error_response(status: int, message: str, code: str = "mock_error") -> web.Response:
    body = {"error": {"message": message, "type": "api_error" if status >= 500 else "invalid_request_error", "code": code, "param": None}}
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")


async def read_json(request: web.Request) -> dict | web.Response:
    raw = await request.read()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return error_response(400, "Request body is not valid JSON.", "invalid_request")
    request.app[LAST_REQUEST].update(path=request.path, headers={str(k): v for k, v in request.headers.items()}, body=body)
    return body


async def apply_test_hooks(request: web.Request, body: dict) -> web.Response | None:
    delay_ms = float(hook(request, body, "delay_ms") or request.app[DELAY_MS])
    if delay_ms:
        await asyncio.sleep(delay_ms / 1000)
    status = hook(request, body, "status")
    if status:
        return error_response(int(status), f"Mock upstream error {status} (requested by x-mock-status).")
    return None


def completion_id(body: dict) -> str:
    return "chatcmpl-" + hashlib.sha256(orjson.dumps(body.get("messages"))).hexdigest()[:24]


async def chat_completions(request: web.Request) -> web.StreamResponse:
    body = await read_json(request)
    if isinstance(body, web.Response):
        return body
    if not isinstance(body.get("messages"), list) or not body.get("model"):
        return error_response(400, "'model' and 'messages' are required.", "invalid_request")
    hooked = await apply_test_hooks(request, body)
    if hooked is not None:
        return hooked
    reply = choose_reply(request, body)
    usage = {"prompt_tokens": prompt_tokens(body["messages"]), "completion_tokens": estimate_tokens(reply)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    if body.get("stream"):
        return await stream_reply(request, body, reply, usage)
    response = {
        "id": completion_id(body),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "logprobs": None, "finish_reason": "stop"}],
        "usage": usage,
        "system_fingerprint": "fp_keeptrusts_mock",
    }
    return web.Response(body=orjson.dumps(response), content_type="application/json")


def split_into_chunks(text: str) -> list[str]:
    """Word-sized pieces, as real providers stream (roughly one token each)."""
    pieces, start = [], 0
    for index, char in enumerate(text):
        if char == " " and index > start:
            pieces.append(text[start:index])
            start = index
    pieces.append(text[start:])
    return [p for p in pieces if p]


async def stream_reply(request: web.Request, body: dict, reply: str, usage: dict) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    base = {"id": completion_id(body), "object": "chat.completion.chunk", "created": int(time.time()), "model": body["model"], "system_fingerprint": "fp_keeptrusts_mock"}
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    chunk_delay = float(hook(request, body, "chunk_delay_ms") or request.app[CHUNK_DELAY_MS]) / 1000

    async def send(choices: list, **extra) -> None:
        chunk = dict(base, choices=choices, **extra)
        if include_usage and "usage" not in extra:
            chunk["usage"] = None
        await response.write(b"data: " + orjson.dumps(chunk) + b"\n\n")

    await send([{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}])
    chunk_chars = int(hook(request, body, "chunk_chars") or 0)
    pieces = [reply[i:i + chunk_chars] for i in range(0, len(reply), chunk_chars)] if chunk_chars > 0 else split_into_chunks(reply)
    for piece in pieces:
        if chunk_delay:
            await asyncio.sleep(chunk_delay)
        await send([{"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": None}])
    await send([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}])
    if include_usage:
        await send([], usage=usage)
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


def embedding_vector(text: str, dimensions: int) -> list[float]:
    rng = random.Random(hashlib.sha256(text.encode()).digest())
    vector = [rng.uniform(-1, 1) for _ in range(dimensions)]
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return [round(v / norm, 6) for v in vector]


async def embeddings(request: web.Request) -> web.Response:
    body = await read_json(request)
    if isinstance(body, web.Response):
        return body
    inputs = body.get("input")
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not inputs or not body.get("model"):
        return error_response(400, "'model' and 'input' (a string or a list of strings) are required.", "invalid_request")
    hooked = await apply_test_hooks(request, body)
    if hooked is not None:
        return hooked
    dimensions = int(body.get("dimensions") or EMBEDDING_DIMENSIONS)
    data = [{"object": "embedding", "index": i, "embedding": embedding_vector(str(text), dimensions)} for i, text in enumerate(inputs)]
    tokens = sum(estimate_tokens(str(text)) for text in inputs)
    response = {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
    return web.Response(body=orjson.dumps(response), content_type="application/json")


async def models(request: web.Request) -> web.Response:
    data = [{"id": name, "object": "model", "created": 1700000000, "owned_by": "keeptrusts-mock"} for name in MODELS]
    return web.Response(body=orjson.dumps({"object": "list", "data": data}), content_type="application/json")


async def last_request(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps(request.app[LAST_REQUEST]), content_type="application/json")


def create_app(*, delay_ms: float = 0, chunk_delay_ms: float = 0, echo: bool = False) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[DELAY_MS] = delay_ms
    app[CHUNK_DELAY_MS] = chunk_delay_ms
    app[ECHO] = echo
    app[LAST_REQUEST] = {}  # mutated per request: an app's own keys freeze once it runs
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/embeddings", embeddings)
    app.router.add_get("/v1/models", models)
    app.router.add_get("/_last_request", last_request)
    return app
