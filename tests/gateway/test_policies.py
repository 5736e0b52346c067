"""Policies on the wire: what the upstream receives, what the client gets, what the event says."""

import httpx2 as httpx
import openai
import pytest

from tests.gateway.conftest import needs_detectors

TOKEN = "ghp_aBcdEfGhIjKlMnOpQrStUvWxYz0123456789"  # a GitHub token shape the dlp-filter knows

REDACT_SECRETS = """\
policies:
  - {name: team-secrets, type: dlp-filter, action: redact, applies_to: both}
  - {name: team-quality-gate, type: quality-scorer, min_score: 0.7, action: escalate}
"""
BLOCK_SECRETS = "policies:\n  - {name: team-secrets, type: dlp-filter, action: block, applies_to: both}\n"


def last_upstream_request(mock_upstream) -> dict:
    return httpx.get(mock_upstream.url + "/_last_request").json()


def test_secret_in_the_prompt_is_redacted_before_it_leaves_the_gateway(start_gateway, mock_upstream):
    gw = start_gateway(REDACT_SECRETS)
    gw.openai().chat.completions.create(model="gpt-4o", messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"Why does my deploy fail with token {TOKEN}?"}])
    forwarded = last_upstream_request(mock_upstream)["body"]["messages"]
    assert forwarded[0]["content"] == "You are a helpful assistant."
    assert forwarded[1]["content"] == "Why does my deploy fail with token [SECRET_1]?"
    assert TOKEN not in str(last_upstream_request(mock_upstream))
    [event] = gw.events()
    assert event["action"] == "redact" and TOKEN not in str(event)
    entry = next(p for p in event["policies"] if p["name"] == "team-secrets")
    assert entry["action"] == "redact" and entry["findings"] == {"github_token": 1}
    assert "[SECRET_1]" in event["prompt_excerpt"]


def test_quality_score_is_always_in_the_event(start_gateway):
    gw = start_gateway(REDACT_SECRETS)
    gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "How should I structure a test?"}])
    [event] = gw.events()
    quality = next(p for p in event["policies"] if p["type"] == "quality-scorer")
    assert quality["score"] >= 0.7 and quality["action"] == "allow"  # the mock's answers pass the seed's gate


def test_blocked_prompt_never_reaches_the_upstream(start_gateway, mock_upstream):
    gw = start_gateway(BLOCK_SECRETS)
    before = last_upstream_request(mock_upstream)
    with pytest.raises(openai.PermissionDeniedError) as caught:
        gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": f"use {TOKEN}"}])
    error = caught.value
    assert error.code == "policy_blocked" and error.body["param"] == "team-secrets"
    assert "team-secrets" in error.message and error.response.headers["x-request-id"] in error.message
    assert TOKEN not in error.message
    assert last_upstream_request(mock_upstream) == before
    [event] = gw.events()
    assert event["action"] == "block" and event["status"] == 403


def test_secret_in_the_answer_is_redacted(start_gateway):
    gw = start_gateway(REDACT_SECRETS)
    completion = gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "config?"}],
                                                     extra_body={"mock": {"reply": f"Set GITHUB_TOKEN={TOKEN} in CI."}})
    assert completion.choices[0].message.content == "Set GITHUB_TOKEN=[SECRET_1] in CI."


@pytest.mark.parametrize("chunk_delay_ms", [5, 0])
def test_secret_split_across_stream_chunks_is_still_redacted(start_gateway, chunk_delay_ms):
    gw = start_gateway(REDACT_SECRETS)
    reply = f"Here is how to configure the pipeline. Set the variable to {TOKEN} and rerun the job."
    stream = gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "config?"}], stream=True,
                                                 extra_body={"mock": {"reply": reply, "chunk_chars": 7, "chunk_delay_ms": chunk_delay_ms}})
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    text = "".join(pieces)
    assert TOKEN not in text and TOKEN[:12] not in text
    assert text == reply.replace(TOKEN, "[SECRET_1]")
    upstream_chunks = -(-len(reply) // 7)
    if chunk_delay_ms:
        assert sum(1 for p in pieces if p) > 5  # released as it streamed, not buffered to the end
    else:
        # All at once from the upstream: what was already waiting is checked and relayed together.
        assert sum(1 for p in pieces if p) < upstream_chunks


def test_stream_blocked_on_output_ends_with_an_error_event(start_gateway):
    gw = start_gateway(BLOCK_SECRETS)
    reply = f"Sure. The deploy token is {TOKEN} — keep it safe."
    stream = gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "token?"}], stream=True,
                                                 extra_body={"mock": {"reply": reply, "chunk_chars": 6}})
    received = []
    with pytest.raises(openai.APIError) as caught:
        for chunk in stream:
            received.append(chunk.choices[0].delta.content or "" if chunk.choices else "")
    assert "team-secrets" in str(caught.value)
    assert TOKEN[:10] not in "".join(received)
    [event] = gw.events()
    assert event["action"] == "block" and event["stream"] is True


@needs_detectors("pii")
def test_email_in_the_prompt_reaches_the_upstream_as_a_placeholder(start_gateway, mock_upstream):
    gw = start_gateway("policies:\n  - {name: team-pii-protection, type: pii-detector, action: redact, entity_types: [email]}\n")
    gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Write to jane.doe@example.com today"}])
    assert last_upstream_request(mock_upstream)["body"]["messages"][0]["content"] == "Write to [EMAIL_1] today"


def detection_cache_counts(gw) -> dict[str, float]:
    lines = httpx.get(gw.url + "/metrics").text.splitlines()
    return {name: float(line.split()[-1]) for line in lines for name in ("hits", "misses")
            if line.startswith(f"kt_gateway_detection_cache_{name}_total ")}


def test_a_multi_turn_chat_rescans_only_new_messages_and_keeps_its_placeholders(start_gateway, mock_upstream):
    gw = start_gateway("policies:\n  - {name: team-pii-protection, type: pii-detector, action: redact, entity_types: [email]}\n")
    client = gw.openai()
    history = [{"role": "system", "content": "You answer for the platform team."},
               {"role": "user", "content": "Write to jane.doe@example.com about the outage"}]
    for turn in range(3):
        before = detection_cache_counts(gw)
        answer = client.chat.completions.create(model="gpt-4o", messages=history).choices[0].message.content
        after = detection_cache_counts(gw)
        forwarded = last_upstream_request(mock_upstream)["body"]["messages"]
        assert forwarded[1]["content"] == "Write to [EMAIL_1] about the outage"
        assert "jane.doe" not in str(forwarded)
        if turn:  # the system prompt, the first question and the earlier turns come from the cache
            assert after["hits"] - before["hits"] >= len(history) - 2
            # New: the previous answer and the new question, and the excerpt's PII and secret scans of that question.
            assert after["misses"] - before["misses"] <= 4
        history += [{"role": "assistant", "content": answer},
                    {"role": "user", "content": f"And cc ops{turn}@example.com, please"}]
    # Numbered per request, in reading order, whichever scans came from the cache.
    assert [m["content"] for m in forwarded[3::2]] == ["And cc [EMAIL_2], please", "And cc [EMAIL_3], please"]


def test_the_detection_cache_can_be_turned_off(start_gateway, monkeypatch):
    from keeptrusts.gateway.app import Settings
    from keeptrusts.gateway.config import ConfigError

    gw = start_gateway("policies:\n  - {name: team-pii-protection, type: pii-detector, action: redact}\n", detection_cache_entries=0)
    gw.openai().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    assert "kt_gateway_detection_cache_entries 0" in httpx.get(gw.url + "/metrics").text
    monkeypatch.setenv("KT_DETECTION_CACHE_ENTRIES", "lots")
    with pytest.raises(ConfigError, match="KT_DETECTION_CACHE_ENTRIES='lots' is not a whole number"):
        Settings.from_env()
