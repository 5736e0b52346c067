"""`kt mock-upstream`: deterministic, policy-clean answers with usage; hooks let tests see what arrived."""

import httpx2 as httpx

from keeptrusts.gateway.mock_upstream import REPLIES

HELLO = {"model": "any-model-name", "messages": [{"role": "user", "content": "Hello"}]}


def test_same_prompt_same_answer_with_usage(mock_upstream):
    first = httpx.post(mock_upstream.url + "/v1/chat/completions", json=HELLO).json()
    second = httpx.post(mock_upstream.url + "/v1/chat/completions", json=HELLO).json()
    assert first["choices"] == second["choices"] and first["choices"][0]["message"]["content"] in REPLIES
    usage = first["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] and usage["completion_tokens"] > 40


def test_echo_and_last_request_show_what_was_received(mock_upstream):
    body = dict(HELLO, messages=[{"role": "user", "content": "repeat me"}], mock={"echo": True})
    answer = httpx.post(mock_upstream.url + "/v1/chat/completions", json=body).json()
    assert answer["choices"][0]["message"]["content"] == "repeat me"
    last = httpx.get(mock_upstream.url + "/_last_request").json()
    assert last["path"] == "/v1/chat/completions" and last["body"]["messages"] == body["messages"]


def test_stream_ends_with_usage_when_asked(mock_upstream):
    body = dict(HELLO, stream=True, stream_options={"include_usage": True})
    lines = [line for line in httpx.post(mock_upstream.url + "/v1/chat/completions", json=body).text.splitlines() if line]
    assert lines[-1] == "data: [DONE]" and '"usage":{"prompt_tokens"' in lines[-2]


def test_requested_error_status_is_openai_shaped(mock_upstream):
    response = httpx.post(mock_upstream.url + "/v1/chat/completions", json=HELLO, headers={"x-mock-status": "429"})
    assert response.status_code == 429 and response.json()["error"]["message"]
