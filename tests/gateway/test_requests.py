"""Bad, big and slow requests get clean errors without disturbing other clients."""

import socket
import threading
import time

import httpx2 as httpx  # the HTTP client the openai SDK ships with
import orjson

from tests.gateway.conftest import ALICE_KEY

AUTH = {"Authorization": f"Bearer {ALICE_KEY}", "Content-Type": "application/json"}
HELLO = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}


def test_malformed_json_is_invalid_request_and_an_error_event(start_gateway):
    gw = start_gateway()
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, content=b'{"model": "gpt-4o", "messages": ')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request" and "not valid JSON" in response.json()["error"]["message"]
    [event] = gw.events()
    assert event["action"] == "error" and event["id"] == response.headers["x-request-id"]


def test_missing_messages_names_the_field(start_gateway):
    gw = start_gateway()
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json={"model": "gpt-4o"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "messages"


def test_oversized_body_is_413(start_gateway):
    gw = start_gateway(max_body_bytes=64 * 1024)
    big = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x" * 100_000}]}
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, content=orjson.dumps(big))
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert "0.0625 MiB" in response.json()["error"]["message"]


def test_a_slow_client_does_not_hold_up_others(start_gateway):
    gw = start_gateway()
    slow = socket.create_connection(("127.0.0.1", gw.server.port))
    slow.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ALICE_KEY.encode()
                 + b"\r\nContent-Length: 1000\r\n\r\n{\"model\":")  # ...and then nothing more
    started = time.perf_counter()
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO)
    assert response.status_code == 200 and time.perf_counter() - started < 1
    slow.close()


def test_a_body_that_stops_arriving_gets_a_clean_400_and_a_body_in_pieces_is_waited_for(start_gateway, monkeypatch):
    from keeptrusts.gateway import app as gateway_app

    monkeypatch.setattr(gateway_app, "BODY_TIMEOUT_SECONDS", 0.5)
    gw = start_gateway()
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + ALICE_KEY.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n")
    body = orjson.dumps(HELLO)
    with socket.create_connection(("127.0.0.1", gw.server.port), timeout=5) as stalled:
        stalled.sendall(head % 1000 + body[:10])  # ...and then nothing more
        answer = stalled.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400") and b"did not arrive within 0.5 s" in answer
    with socket.create_connection(("127.0.0.1", gw.server.port), timeout=5) as trickle:
        trickle.sendall(head % len(body) + body[:10])
        time.sleep(0.2)
        trickle.sendall(body[10:])
        answer = b""
        while chunk := trickle.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'"choices"' in answer


def test_unreachable_upstream_is_502_with_the_fix(start_gateway):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    gw = start_gateway(upstream_url=f"http://127.0.0.1:{dead_port}/v1")
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO)
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "upstream_unavailable" and "KT_UPSTREAM_URL" in error["message"]
    assert gw.events()[0]["action"] == "error"
    assert httpx.get(gw.url + "/healthz").json()["status"] == "degraded"


def test_slow_upstream_is_504(start_gateway):
    gw = start_gateway(upstream_timeout=0.3)
    response = httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=dict(HELLO, mock={"delay_ms": 2000}))
    assert response.status_code == 504 and response.json()["error"]["code"] == "upstream_timeout"


def test_every_response_carries_a_request_id(start_gateway):
    gw = start_gateway()
    ids = {httpx.get(gw.url + path, headers=AUTH).headers.get("x-request-id") for path in ("/healthz", "/metrics", "/v1/models", "/nope")}
    assert None not in ids and len(ids) == 4


def test_unknown_routes_and_methods_are_404_in_openai_shape_and_counted(start_gateway):
    gw = start_gateway()
    wrong_method = httpx.get(gw.url + "/v1/chat/completions", headers=AUTH)
    unknown = httpx.post(gw.url + "/v1/completions", headers=AUTH, json=HELLO)
    for response, route in ((wrong_method, "GET /v1/chat/completions"), (unknown, "POST /v1/completions")):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert f"No route {route}." in response.json()["error"]["message"] and response.headers["x-request-id"]
    assert httpx.post(gw.url + "/chat/completions", headers=AUTH, json=HELLO).status_code == 200  # the unprefixed alias
    text = httpx.get(gw.url + "/metrics").text
    assert 'kt_gateway_requests_total{endpoint="other",status="404"} 2' in text
    assert 'kt_gateway_requests_total{endpoint="other",status="200"} 1' in text


def test_request_ids_are_ulids_of_the_request_time_in_order(start_gateway):
    gw = start_gateway()
    before = time.time()
    ids = [httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO).headers["x-request-id"] for _ in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for request_id in ids:
        assert len(request_id) == 26 and set(request_id) <= set(crockford)
        ms = 0
        for digit in request_id[:10]:
            ms = ms * 32 + crockford.index(digit)
        assert before - 1 <= ms / 1000 <= time.time() + 1
    assert [e["id"] for e in gw.events()] == ids


def test_metrics_count_requests_and_auth_failures(start_gateway):
    gw = start_gateway()
    httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO)
    httpx.post(gw.url + "/v1/chat/completions", headers={"Authorization": "Bearer nope"}, json=HELLO)
    text = httpx.get(gw.url + "/metrics").text
    assert 'kt_gateway_requests_total{endpoint="/v1/chat/completions",status="200"} 1' in text
    assert 'kt_gateway_auth_failures_total{reason="invalid"} 1' in text
    assert "kt_gateway_upstream_seconds_count" in text and "kt_gateway_spool_depth 0" in text


def test_concurrent_clients_all_get_their_answers(start_gateway):
    gw = start_gateway()
    results = []

    def client():
        results.append(httpx.post(gw.url + "/v1/chat/completions", headers=AUTH, json=HELLO).status_code)

    threads = [threading.Thread(target=client) for _ in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == [200] * 20
    assert len({e["id"] for e in gw.events()}) == 20


def test_client_that_disconnects_mid_stream_ends_the_upstream_call(start_gateway):
    gw = start_gateway()
    body = dict(HELLO, stream=True, mock={"chunk_delay_ms": 50})  # ~80 chunks: 4 s if read to the end
    started = time.perf_counter()
    with httpx.stream("POST", gw.url + "/v1/chat/completions", headers=AUTH, json=body) as response:
        for index, _ in enumerate(response.iter_lines()):
            if index == 3:
                break  # leaves the stream: the connection closes
    deadline = time.perf_counter() + 3
    events = []
    while not events and time.perf_counter() < deadline:
        time.sleep(0.1)
        events = gw.events()
    [event] = events
    assert event["status"] == 499 and event["error_code"] == "client_closed" and event["stream"] is True
    assert time.perf_counter() - started < 3  # the gateway stopped relaying long before the answer would have ended


def test_keys_file_accepts_sha256_digests(start_gateway, tmp_path):
    import hashlib

    gw = start_gateway()
    secret = "kt_gk_only_the_digest_is_on_disk_000000000000"
    keys = tmp_path / "digest-keys.yaml"
    keys.write_text(f"keys:\n  - {{key: 'sha256:{hashlib.sha256(secret.encode()).hexdigest()}', user: carol@example.com, team: platform}}\n")
    from keeptrusts.gateway.config import load_keys_file

    gw.gateway.state.keys = load_keys_file(keys)
    response = httpx.post(gw.url + "/v1/chat/completions", headers={"Authorization": f"Bearer {secret}"}, json=HELLO)
    assert response.status_code == 200


def test_event_timestamps_are_utc_milliseconds_whatever_second_they_fall_in():
    """The second's text is formatted once per second and reused: every timestamp still reads as strftime would."""
    import random

    from keeptrusts.gateway.app import event_timestamp

    moments = [1_795_000_000 + k / 7 for k in range(50)] + [random.uniform(1.7e9, 1.9e9) for _ in range(2000)]
    for now in moments + sorted(moments):
        expected = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
        assert event_timestamp(now) == expected
