"""The upstream as real providers and proxies answer: chunked and compressed bodies, closed and reused
connections, interim responses, answers cut short. The gateway's own HTTP/1.1 client (keeptrusts.gateway.http1)
carries every non-streaming call, so each of these must reach the client as the upstream meant it."""

from __future__ import annotations

import gzip
import socket
import threading
import time

import httpx2 as httpx
import orjson
import pytest

from tests.gateway.conftest import ALICE_KEY

AUTH = {"Authorization": f"Bearer {ALICE_KEY}", "Content-Type": "application/json"}
HELLO = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}
ANSWER = orjson.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi there, happy to help with that."},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 9, "completion_tokens": 8, "total_tokens": 17}})


def chunked(body: bytes, size: int) -> bytes:
    parts = [b"%x;ext=1\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\nX-Trailer: yes\r\n\r\n"


class ScriptedUpstream:
    """A raw HTTP/1.1 server: `respond(index, request_bytes)` returns the pieces to send for the index-th request
    (a float among them pauses that many seconds; None closes the connection)."""

    def __init__(self, respond) -> None:
        self.respond = respond
        self.requests: list[bytes] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._exchange(conn)
        except OSError:  # the gateway closed the connection (a timeout, a test's end)
            pass

    def _exchange(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                request, buffer = head + b"\r\n\r\n" + buffer[:length], buffer[length:]
                self.requests.append(request)
                for piece in self.respond(len(self.requests) - 1, request):
                    if piece is None:
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                    if isinstance(piece, float):
                        time.sleep(piece)
                    else:
                        conn.sendall(piece)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def scripted():
    servers = []

    def start(respond) -> ScriptedUpstream:
        servers.append(ScriptedUpstream(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def ask(gw) -> httpx.Response:
    return httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO, timeout=10)


def test_chunked_gzip_answers_in_pieces_reach_the_client_whole(start_gateway, scripted):
    def respond(index, request):
        body = chunked(gzip.compress(ANSWER), 7)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        return [head + body[:5], 0.05, body[5:40], 0.05, body[40:]]

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    for _ in range(2):
        response = ask(gw)
        assert response.status_code == 200 and response.json()["choices"][0]["message"]["content"] == "Hi there, happy to help with that."
    assert upstream.connections == 1  # the connection was reused after a chunked answer
    first = upstream.requests[0]
    assert first.startswith(b"POST /v1/chat/completions HTTP/1.1\r\n") and b"\r\nUser-Agent: keeptrusts-gateway/" in first
    assert orjson.loads(first.partition(b"\r\n\r\n")[2]) == HELLO
    assert [e["tokens_out"] for e in gw.events()] == [8, 8]


def test_an_interim_response_and_connection_close_and_a_body_read_to_the_end(start_gateway, scripted):
    def respond(index, request):
        if index == 0:
            return [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(ANSWER), ANSWER]
        return [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + ANSWER[:20], 0.05, ANSWER[20:], None]  # no length: until close

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    assert ask(gw).json()["usage"]["completion_tokens"] == 8
    assert ask(gw).json()["usage"]["completion_tokens"] == 8
    assert upstream.connections == 2  # neither answer left a connection to reuse


def test_a_connection_the_upstream_closed_while_idle_is_not_an_error(start_gateway, scripted):
    def respond(index, request):
        return [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(ANSWER), ANSWER, None]  # keep-alive promised, then closed

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    statuses = []
    for _ in range(3):
        statuses.append(ask(gw).status_code)
        time.sleep(0.05)
    assert statuses == [200, 200, 200] and len(upstream.requests) == 3


def test_an_answer_cut_short_is_a_502_not_a_hang(start_gateway, scripted):
    def respond(index, request):
        return [b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + ANSWER[:50], None]

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    started = time.perf_counter()
    response = ask(gw)
    assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_unavailable"
    assert time.perf_counter() - started < 5
    [event] = gw.events()
    assert event["status"] == 502 and event["error_code"] == "upstream_unavailable"


def test_an_upstream_that_stalls_mid_body_is_a_504(start_gateway, scripted):
    def respond(index, request):
        return [b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + ANSWER[:50], 3.0]

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url, upstream_timeout=0.3)
    started = time.perf_counter()
    response = ask(gw)
    assert response.status_code == 504 and response.json()["error"]["code"] == "upstream_timeout"
    assert time.perf_counter() - started < 2


def test_an_upstream_error_keeps_its_status_and_retry_after(start_gateway, scripted):
    def respond(index, request):
        body = b'{"error": {"message": "slow down", "type": "rate_limit", "code": "rate_limit_exceeded", "param": null}}'
        return [b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\nContent-Length: %d\r\n\r\n" % len(body) + body]

    gw = start_gateway(upstream_url=scripted(respond).url)
    response = ask(gw)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json()["error"]["message"] == "slow down"


def sse_events(words: list[str]) -> bytes:
    base = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4o"}
    events = [dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])]
    events += [dict(base, choices=[{"index": 0, "delta": {"content": word}, "finish_reason": None}]) for word in words]
    events += [dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]),
               dict(base, choices=[], usage={"prompt_tokens": 9, "completion_tokens": len(words), "total_tokens": 9 + len(words)})]
    return b"".join(b"data: " + orjson.dumps(e) + b"\n\n" for e in events) + b"data: [DONE]\n\n"


STREAM = dict(HELLO, stream=True)
WORDS = ["Sure", ", here", " is", " the", " plan", " for", " today", "."]


def stream_text(gw) -> tuple[str, list[dict]]:
    """The content the client received, and the error events, if any."""
    text, errors = "", []
    with httpx.stream("POST", gw.url + "/v1/chat/completions", headers=AUTH, json=STREAM, timeout=10) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = orjson.loads(line[6:])
            if "error" in event:
                errors.append(event["error"])
            for choice in event.get("choices", []):
                text += choice["delta"].get("content") or ""
    return text, errors


def test_a_gzip_chunked_stream_split_mid_line_arrives_whole_and_in_order(start_gateway, scripted):
    def respond(index, request):
        body = chunked(gzip.compress(sse_events(WORDS)), 11)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        pieces = [head]
        for start in range(0, len(body), 23):
            pieces += [body[start:start + 23], 0.002]
        return pieces

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    assert stream_text(gw) == ("Sure, here is the plan for today.", [])
    assert stream_text(gw) == ("Sure, here is the plan for today.", [])
    assert upstream.connections == 1
    assert b'"include_usage":true' in upstream.requests[0]  # asked for upstream, for the event
    assert [(e["status"], e["tokens_out"]) for e in gw.events()] == [(200, 8), (200, 8)]


def test_a_stream_that_breaks_off_ends_with_an_error_event(start_gateway, scripted):
    def respond(index, request):
        body = chunked(sse_events(WORDS), 40)
        return [b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + body[:len(body) // 2], 0.05, None]

    gw = start_gateway(upstream_url=scripted(respond).url)
    text, errors = stream_text(gw)
    assert text.startswith("Sure") and [e["code"] for e in errors] == ["upstream_unavailable"]
    [event] = gw.events()
    assert event["status"] == 502 and event["error_code"] == "upstream_unavailable" and event["action"] == "error"


def test_a_stream_that_stalls_ends_with_a_timeout_event(start_gateway, scripted):
    def respond(index, request):
        body = sse_events(WORDS)
        return [b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + body[:300], 3.0, body[300:], None]

    gw = start_gateway(upstream_url=scripted(respond).url, upstream_timeout=0.3)
    started = time.perf_counter()
    text, errors = stream_text(gw)
    assert [e["code"] for e in errors] == ["upstream_timeout"] and time.perf_counter() - started < 2
    assert gw.events()[0]["status"] == 504


def test_chunks_with_annotations_are_relayed_one_by_one_even_when_they_arrive_together(start_gateway, scripted):
    def respond(index, request):
        events = [orjson.loads(line[6:]) for line in sse_events(WORDS).split(b"\n\n") if line.startswith(b"data: {")]
        for event in events:
            for choice in event["choices"]:
                choice["content_filter_results"] = {"hate": {"filtered": False, "severity": "safe"}}
        body = b"".join(b"data: " + orjson.dumps(e) + b"\n\n" for e in events) + b"data: [DONE]\n\n"
        return [b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n" % len(body) + body]

    # An output policy, so the stream goes through the guard (where waiting chunks are merged otherwise).
    gw = start_gateway("policies:\n  - {name: team-secrets, type: dlp-filter, action: redact, applies_to: both}\n",
                       upstream_url=scripted(respond).url)
    received = []
    with httpx.stream("POST", gw.url + "/v1/chat/completions", headers=AUTH, json=STREAM, timeout=10) as response:
        for line in response.iter_lines():
            if line.startswith("data: {"):
                received += orjson.loads(line[6:])["choices"]
    assert "".join(c["delta"].get("content") or "" for c in received) == "Sure, here is the plan for today."
    assert len(received) == len(WORDS) + 2  # the role chunk, every word's own chunk, the finish chunk
    assert all(c["content_filter_results"]["hate"]["severity"] == "safe" for c in received)


def test_bytes_that_are_not_an_http_answer_are_a_502(start_gateway, scripted):
    def respond(index, request):
        if index == 0:
            return [b"SSH-2.0-OpenSSH_9.6\r\n\r\n"]
        if index == 1:
            return [b"HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n" + ANSWER]
        if index == 2:
            return [b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70000 + b"\r\nContent-Length: 2\r\n\r\n{}"]
        return [b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70000]  # and no end of the head in sight

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    for _ in range(4):
        response = ask(gw)
        assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_unavailable"
    assert len(upstream.requests) == 4  # never retried: the upstream had answered


def test_a_large_answer_in_one_read_is_not_taken_for_large_headers(start_gateway, scripted):
    content = "word " * 40000
    big = orjson.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})

    def respond(index, request):
        return [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big]

    gw = start_gateway(upstream_url=scripted(respond).url)
    response = ask(gw)
    assert response.status_code == 200 and len(response.json()["choices"][0]["message"]["content"]) == len(content)


def test_bytes_after_an_answer_mean_the_connection_is_not_reused(start_gateway, scripted):
    def respond(index, request):
        return [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(ANSWER) + ANSWER + b"HTTP/1.1 200 OK\r\n"]

    upstream = scripted(respond)
    gw = start_gateway(upstream_url=upstream.url)
    assert ask(gw).status_code == 200 and ask(gw).status_code == 200
    assert upstream.connections == 2
