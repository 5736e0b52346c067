"""Policy schema, YAML loader, lint, detectors and evaluation. Imports no Django.

For integrators (the gateway, the Console, `kt policy`)::

    from keeptrusts.policy import PolicySet, PolicyError

    policy_set = PolicySet.from_yaml(text, filename="team-policy.yaml")  # PolicyError(.errors) if it does not lint
    policy_set.sha256                  # hex digest of the text (X-KT-Policy-Hash)
    policy_set.warnings                # lint warnings (the set is usable)

    # Before going upstream (DESIGN §6 order)
    policy_set.model_allowed("gpt-4o")         # allowed_models: exact names or globs; None = all
    policy_set.allowed_models                  # tuple[str, ...] | None
    for limit in policy_set.cost_limits:       # keeptrusts.policy.limits.CostLimit
        check = limit.check(spent_usd=mtd, estimated_usd=worst_case)   # .action allow|block|log, .message()
        limit.alert_crossed(before, after)     # + AlertLatch().fire_once(name, scope_id, "2026-11")
    for limit in policy_set.rate_limits:       # keeptrusts.policy.limits.RateLimit
        check = rate_limiter.hit(limit, scope_id, estimated_tokens)    # .action, .retry_after
        # RateLimiter(MemoryCounterStore()) in process; elsewhere (Redis) read limits.rate_limit_keys(),
        # decide with limits.rate_limit_admit() and increment what it returns (keeptrusts.gateway.ratelimit)

    # Input: a prompt string, a list of strings (embeddings) or chat messages
    decision = policy_set.evaluate_input(messages)
    decision.action        # strongest: block > escalate > redact > log > allow
    decision.blocked_by    # PolicyResult of the first blocking policy, or None; decision.block_message()
    decision.messages      # messages with redactions applied ([EMAIL_1], [NAME_1], … ); untouched ones shared
    decision.text          # the redacted text (messages' texts joined by blank lines)
    decision.entries()     # [keeptrusts.wire.PolicyEntry] for the event
    decision.excerpt(500)  # text with every PII/secret finding replaced, whatever the action: for excerpts

    # Output, whole response: pass the input's placeholders so a value keeps its number
    out = policy_set.evaluate_output(text, prompt=messages, finish_reason="stop",
                                     response_format={"type": "json_object"},
                                     placeholders=decision.placeholders)

    # Output, streamed
    guard = policy_set.output_guard(prompt=messages, placeholders=decision.placeholders)
    send(guard.feed(delta))            # '' while held back; check guard.blocked after each feed
    send(guard.flush())                # time cap passed without new text: release what is held
    tail, out = guard.finish(finish_reason)

Rules the evaluator keeps:

- Every enabled policy whose phase matches runs, even after one blocks, so the
  event lists all of them. A policy that raises blocks (fails closed) with
  reason `policy_error` and the exception's class name in `PolicyResult.error`.
- `PolicyResult.action` is what that policy did (`allow` when it let the text
  pass); `entries()` lists those that acted, found or scored something, and
  `quality-scorer` always.
- Findings are counts keyed by entity type, secret detector or category;
  reasons are names. Neither ever holds raw text. Spans (offsets in code
  points) stay in process — `kt policy test` prints them for tuning.
- Placeholders are numbered per request in order of appearance; the same
  value gets the same placeholder in input and output (`Placeholders`).
- prompt-injection ignores `system`/`developer` messages (they are the
  application's own instructions); the other types read every message.
- Input is scanned message by message (offsets are those of `decision.text`);
  scores take each signal or category at its highest in any one message.
  `Detectors(cache=DetectionCache())` (keeptrusts.policy.cache) remembers each
  message's results for the next turn; decisions are the same without it.

Detectors are called through `keeptrusts.policy.types` (`detect(text, …) ->
DetectorResult`); `Detectors(pii=…)` swaps one in, for tests and tools.
"""

from keeptrusts.policy.evaluate import Decision, Detectors, PolicyError, PolicyResult, PolicySet
from keeptrusts.policy.limits import AlertLatch, CostCheck, CostLimit, MemoryCounterStore, RateCheck, RateLimit, RateLimiter
from keeptrusts.policy.loader import LoadResult, Policy, Problem, load, load_bytes
from keeptrusts.policy.redaction import Placeholders

__all__ = [
    "AlertLatch", "CostCheck", "CostLimit", "Decision", "Detectors", "LoadResult", "MemoryCounterStore",
    "Placeholders", "Policy", "PolicyError", "PolicyResult", "PolicySet", "Problem", "RateCheck", "RateLimit",
    "RateLimiter", "load", "load_bytes",
]
