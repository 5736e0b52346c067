"""API plumbing shared by every `/v1/*` endpoint (the base views are in
`apps.core.api_views`: DRF imports this module while it defines APIView, so
this one must not import rest_framework.views).

- `ApiTokenAuthentication` (kt_api_ tokens) and `GatewayTokenAuthentication`
  (kt_gwt_ tokens), with the per-address failure limit of DESIGN §4;
- `ApiError` / `invalid_parameter`: errors with a wire code and the parameter at fault;
- `error_handler`: every API error in the `wire.error_body` shape.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response

from apps.keys.models import ApiToken
from keeptrusts import wire

log = logging.getLogger(__name__)

AUTH_FAILURE_WINDOW_SECONDS = 60


class ApiError(exceptions.APIException):
    """An error with a wire code, a message for the person and the parameter at fault."""

    def __init__(self, code: str, message: str, param: str | None = None, headers: dict | None = None):
        self.code = code
        self.param = param
        self.headers = headers or {}
        self.status_code = wire.error_status(code)
        super().__init__(detail=message, code=code)


def invalid_parameter(param: str, problem: str, accepted: str) -> ApiError:
    return ApiError("invalid_parameter", f"{param}: {problem}; accepted: {accepted}", param=param)


# --------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------
def bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _refuse_if_locked_out(request) -> None:
    failures = cache.get(f"kt-authfail:{_client(request)}", 0)
    if failures >= settings.KT_AUTH_FAILURE_LIMIT:
        raise ApiError(
            "too_many_auth_failures",
            f"Too many failed credentials from this address; wait {AUTH_FAILURE_WINDOW_SECONDS} seconds "
            "and retry with a valid token.",
            headers={"Retry-After": str(AUTH_FAILURE_WINDOW_SECONDS)},
        )


def _count_failure(request) -> None:
    key = f"kt-authfail:{_client(request)}"
    if cache.add(key, 1, AUTH_FAILURE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, AUTH_FAILURE_WINDOW_SECONDS)


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer kt_api_…`. Returns (user, ApiToken)."""

    code = "invalid_api_token"
    hint = "Set KT_API_TOKEN (or send Authorization: Bearer kt_api_…) to a valid API token from Console Settings > API Tokens."

    def authenticate(self, request):
        token = bearer(request)
        if token is None:
            return None
        if token.startswith("kt_gwt_") and type(self) is ApiTokenAuthentication:
            return None  # leave it to the gateway endpoints' authentication
        credential = self.lookup(token)
        if credential is None:
            # Only bad credentials are limited: a valid one keeps working (DESIGN §4).
            _refuse_if_locked_out(request)
            _count_failure(request)
            raise ApiError(self.code, f"The token is unknown, revoked or expired. {self.hint}")
        return self.principal(credential), credential

    def lookup(self, token):
        return ApiToken.authenticate(token)

    def principal(self, token):
        return token.user

    def authenticate_header(self, request):
        return 'Bearer realm="keeptrusts"'


class GatewayPrincipal:
    """request.user for gateway-token calls: authenticated, but not a person."""

    is_authenticated = True
    is_anonymous = False
    pk = None
    organization_id = None

    def __init__(self, gateway):
        self.gateway = gateway
        self.organization_id = gateway.organization_id

    def __str__(self):
        return f"gateway {self.gateway.key_id}"


class GatewayTokenAuthentication(ApiTokenAuthentication):
    """`Authorization: Bearer kt_gwt_…` (the gateway's token). Returns (GatewayPrincipal, Gateway)."""

    code = "invalid_gateway_token"
    hint = "Set KT_GATEWAY_TOKEN to the token shown when the gateway was registered (Console Settings > Gateways)."

    def lookup(self, token):
        from apps.gateways.models import Gateway

        return Gateway.authenticate(token)

    def principal(self, gateway):
        return GatewayPrincipal(gateway)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
def _auth_error_code(context) -> str:
    view = context.get("view")
    if view is not None and any(
        isinstance(a, GatewayTokenAuthentication) or a is GatewayTokenAuthentication
        for a in getattr(view, "authentication_classes", [])
    ):
        return "invalid_gateway_token"
    return "invalid_api_token"


def _first_validation_error(detail) -> tuple[str | None, str]:
    if isinstance(detail, dict):
        for field, errors in detail.items():
            _, message = _first_validation_error(errors)
            return (None if field == "non_field_errors" else field), message
    if isinstance(detail, list) and detail:
        return _first_validation_error(detail[0])
    return None, str(detail)


def error_handler(exc, context):
    """DRF exception handler: the same error body as the gateway (DESIGN §6)."""
    headers = {}
    if isinstance(exc, ApiError):
        code, message, param, headers = exc.code, str(exc.detail), exc.param, exc.headers
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        code = _auth_error_code(context)
        hint = GatewayTokenAuthentication.hint if code == "invalid_gateway_token" else ApiTokenAuthentication.hint
        message = f"Authentication required. {hint}"
        param = None
        headers = {"WWW-Authenticate": 'Bearer realm="keeptrusts"'}
    elif isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        code, param = "permission_denied", None
        message = str(getattr(exc, "detail", "") or exc) or "Your role does not allow this."
    elif isinstance(exc, (exceptions.NotFound, Http404)):
        code, message, param = "not_found", "No such object (or it belongs to a team you cannot see).", None
    elif isinstance(exc, exceptions.ValidationError):
        param, message = _first_validation_error(exc.detail)
        code = "invalid_parameter" if param else "invalid_request"
        message = f"{param}: {message}" if param else message
    elif isinstance(exc, exceptions.ParseError):
        code, message, param = "invalid_request", f"Malformed request body: {exc.detail}", None
    elif isinstance(exc, exceptions.MethodNotAllowed):
        body = wire.error_body("invalid_request", str(exc.detail))
        return Response(body, status=405)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = wire.error_body("invalid_request", f"{exc.detail} Send Content-Type: application/json.")
        return Response(body, status=415)
    elif isinstance(exc, exceptions.Throttled):
        code, message, param = "rate_limited", "Too many requests; retry later.", None
        if exc.wait:
            headers = {"Retry-After": str(int(exc.wait) + 1)}
    elif isinstance(exc, exceptions.APIException):
        body = wire.error_body("invalid_request", str(exc.detail))
        return Response(body, status=exc.status_code)
    else:
        log.exception("unhandled API error", exc_info=exc)
        code, message, param = "internal_error", "Internal error; it has been logged. Retry, or report it with the request time.", None
    response = Response(wire.error_body(code, message, param), status=wire.error_status(code))
    for name, value in headers.items():
        response[name] = value
    return response


def not_found_view(request, *args, **kwargs):
    """JSON 404 for unknown /v1/ paths (Django's default is an HTML page)."""
    body = wire.error_body("not_found", f"No API endpoint at {request.path}. See /v1/openapi.json for the list.")
    return JsonResponse(body, status=404)
