"""Real clients against the gateway: the official `openai` SDK with base_url at the gateway."""

import os
import uuid

import openai
import pytest

from keeptrusts.gateway.mock_upstream import REPLIES
from tests.gateway.conftest import ALICE_KEY

POLICY = """\
allowed_models: [gpt-4o, gpt-4o-mini, text-embedding-3-small]
policies:
  - name: team-quality-gate
    type: quality-scorer
    min_score: 0.7
    action: escalate
"""


def test_chat_completion_passes_through_and_is_recorded(start_gateway):
    gw = start_gateway(POLICY)
    raw = gw.openai().chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    completion = raw.parse()
    assert completion.choices[0].message.content in REPLIES
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0
    [event] = gw.events()
    assert event["id"] == raw.headers["x-request-id"]
    assert (event["user"], event["team"], event["model"], event["status"]) == ("alice@example.com", "platform", "gpt-4o", 200)
    assert event["tokens_in"] == completion.usage.prompt_tokens and event["tokens_out"] == completion.usage.completion_tokens


def test_streaming_relays_chunks_and_strips_usage_the_client_did_not_ask_for(start_gateway):
    gw = start_gateway(POLICY)
    # Tokens a few ms apart, as a model writes them (chunks that arrive together are relayed together).
    chunks = list(gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}], stream=True,
                                                      extra_body={"mock": {"chunk_delay_ms": 5}}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text in REPLIES
    assert len(chunks) > 10  # word by word, not buffered into one
    assert all(c.usage is None for c in chunks)
    [event] = gw.events()
    assert event["stream"] is True and event["tokens_out"] > 0  # usage was requested upstream anyway


def test_streaming_usage_reaches_a_client_that_asked(start_gateway):
    gw = start_gateway(POLICY)
    chunks = list(gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}], stream=True,
                                                      stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_embeddings_work_through_the_gateway(start_gateway):
    gw = start_gateway(POLICY)
    result = gw.openai().embeddings.create(model="text-embedding-3-small", input=["first text", "second text"])
    assert len(result.data) == 2 and len(result.data[0].embedding) == 1536
    [event] = gw.events()
    assert event["endpoint"] == "/v1/embeddings" and event["tokens_in"] > 0


def test_models_lists_the_allowed_ones(start_gateway):
    gw = start_gateway(POLICY)
    assert [m.id for m in gw.openai().models.list()] == ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]


def test_unknown_key_is_an_authentication_error_that_never_echoes_the_key(start_gateway):
    gw = start_gateway(POLICY)
    wrong = "kt_gk_wrong_but_plausible_key_0000000000000"
    with pytest.raises(openai.AuthenticationError) as caught:
        gw.openai(key=wrong).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    error = caught.value
    assert error.code == "invalid_gateway_key"
    assert "correct and active" in error.message and "Gateway Keys" in error.message
    assert wrong not in str(error.body) and wrong not in error.message
    assert error.response.headers["x-request-id"]
    assert gw.events() == []  # 401s are metrics, not events


def test_model_outside_the_allowlist_is_forbidden_with_the_allowed_list(start_gateway):
    gw = start_gateway(POLICY)
    with pytest.raises(openai.PermissionDeniedError) as caught:
        gw.openai().chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "Hello"}])
    error = caught.value
    assert error.code == "model_not_allowed"
    assert "gpt-4o, gpt-4o-mini, text-embedding-3-small" in error.message and "allowed_models" in error.message
    [event] = gw.events()
    assert event["action"] == "block" and event["policies"][0]["name"] == "allowed_models"
    assert event["id"] == error.response.headers["x-request-id"]


def test_rate_limit_is_a_rate_limit_error_with_retry_after(start_gateway):
    gw = start_gateway("policies:\n  - {name: per-key, type: rate_limit, requests_per_minute: 2, scope: key, action: block}\n")
    client = gw.openai()
    for _ in range(2):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    assert caught.value.code == "rate_limited" and "per-key" in caught.value.message
    assert 1 <= int(caught.value.response.headers["Retry-After"]) <= 120  # sliding window: up to two minutes
    assert gw.events()[-1]["policies"][0]["type"] == "rate_limit"


def test_budget_exhausted_is_402(start_gateway):
    gw = start_gateway("policies:\n  - {name: team-budget, type: cost_limit, monthly_limit: 0.01, action: block}\n",
                       prices={"gpt-4o": (2.5, 10.0)})
    with pytest.raises(openai.APIStatusError) as caught:  # 4096 output tokens at $10/M could cost $0.04
        gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    assert caught.value.status_code == 402 and caught.value.code == "budget_exceeded"
    assert "max_tokens" in caught.value.message
    # A request whose worst case fits goes through and is charged.
    gw.openai().chat.completions.create(model="gpt-4o", max_tokens=100, messages=[{"role": "user", "content": "Hello"}])
    events = gw.events()
    assert events[0]["status"] == 402 and events[1]["status"] == 200 and events[1]["cost_usd"] > 0


def test_repeated_bad_keys_are_throttled_but_valid_keys_keep_working(start_gateway):
    gw = start_gateway(POLICY, auth_failure_limit=3)
    for _ in range(3):
        with pytest.raises(openai.AuthenticationError):
            gw.openai(key="kt_gk_guess").models.list()
    with pytest.raises(openai.RateLimitError) as caught:
        gw.openai(key="kt_gk_guess").models.list()
    assert caught.value.code == "too_many_auth_failures" and int(caught.value.response.headers["Retry-After"]) >= 1
    assert gw.openai(key=ALICE_KEY).models.list().data


def test_upstream_error_reaches_the_client_in_openai_shape(start_gateway):
    gw = start_gateway(POLICY)
    with pytest.raises(openai.InternalServerError) as caught:
        gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}],
                                            extra_body={"mock": {"status": 503}})
    assert caught.value.status_code == 503 and "Mock upstream error 503" in caught.value.message
    [event] = gw.events()
    assert event["action"] == "error" and event["status"] == 503


@pytest.mark.skipif(not os.environ.get("KT_TEST_REDIS_URL"), reason="needs Redis (KT_TEST_REDIS_URL)")
def test_rate_limit_counts_in_redis_are_shared_by_gateways(start_gateway):
    name = f"shared-{uuid.uuid4().hex[:8]}"  # fresh counters on every run
    policy = f"policies:\n  - {{name: {name}, type: rate_limit, requests_per_minute: 2, scope: team, action: block}}\n"
    first = start_gateway(policy, redis_url=os.environ["KT_TEST_REDIS_URL"])
    second = start_gateway(policy, redis_url=os.environ["KT_TEST_REDIS_URL"])
    first.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    second.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
    with pytest.raises(openai.RateLimitError):
        first.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello"}])
