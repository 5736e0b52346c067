"""Shapes both sides share, defined once (DESIGN §7): error body, event, gateway config.

Imported by the gateway (no Django) and the control plane alike.
"""

from __future__ import annotations

ACTIONS_BY_STRENGTH = ("block", "escalate", "redact", "log", "allow")
EVENT_ACTIONS = ACTIONS_BY_STRENGTH + ("error",)
POLICY_ACTIONS = ("block", "escalate", "redact", "log", "allow")


def strongest_action(actions) -> str:
    """block > escalate > redact > log > allow."""
    best = len(ACTIONS_BY_STRENGTH) - 1
    for action in actions:
        if action in ACTIONS_BY_STRENGTH:
            best = min(best, ACTIONS_BY_STRENGTH.index(action))
    return ACTIONS_BY_STRENGTH[best]


# Error codes of DESIGN §6, with their HTTP status and OpenAI error `type`.
ERRORS = {
    "invalid_gateway_key": (401, "authentication_error"),
    "invalid_api_token": (401, "authentication_error"),
    "invalid_gateway_token": (401, "authentication_error"),
    "insufficient_scope": (403, "permission_error"),
    "permission_denied": (403, "permission_error"),
    "model_not_allowed": (403, "permission_error"),
    "policy_blocked": (403, "permission_error"),
    "budget_exceeded": (402, "insufficient_quota"),
    "rate_limited": (429, "rate_limit_error"),
    "too_many_auth_failures": (429, "rate_limit_error"),
    "invalid_request": (400, "invalid_request_error"),
    "invalid_parameter": (400, "invalid_request_error"),
    "not_found": (404, "invalid_request_error"),
    "request_too_large": (413, "invalid_request_error"),
    "upstream_unavailable": (502, "api_error"),
    "upstream_timeout": (504, "api_error"),
    "internal_error": (500, "api_error"),
}


def error_body(code: str, message: str, param: str | None = None) -> dict:
    """OpenAI's error shape; the same body everywhere in the product."""
    _, error_type = ERRORS.get(code, (500, "api_error"))
    return {"error": {"message": message, "type": error_type, "code": code, "param": param}}


def error_status(code: str) -> int:
    return ERRORS.get(code, (500, "api_error"))[0]
