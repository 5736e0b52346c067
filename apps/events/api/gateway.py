"""Endpoints a gateway calls with its kt_gwt_ token (DESIGN §7)."""

from decimal import Decimal, InvalidOperation

import msgspec
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.core.api import ApiError
from apps.core.api_views import GatewayAPIView
from apps.gateways.models import Gateway
from keeptrusts import wire

from ..gateway_config import gateway_config
from ..services import BatchRejected, batch_accept


class GatewayEventsView(GatewayAPIView):
    """POST /v1/gateway/events — a batch of ≤ 5,000 events; 202 once durably queued."""

    @extend_schema(request=None, responses={202: None}, summary="Push a batch of events (gateway token)")
    def post(self, request):
        try:
            body = batch_accept(gateway=self.gateway, body=request.body)
        except BatchRejected as exc:
            raise ApiError("invalid_request", str(exc), param=exc.param) from None
        return Response(body, status=202)


class GatewayConfigView(GatewayAPIView):
    """GET /v1/gateway/config — policies, keys, budgets and prices for the gateway's teams (ETag/304)."""

    @extend_schema(responses={200: None}, summary="Pull the gateway's config (gateway token)")
    def get(self, request):
        self._record_poll(request)
        config = gateway_config(self.gateway)
        etag = f'"{config.version}"'
        if etag in [t.strip() for t in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(msgspec.json.encode(config), content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        return response

    def _record_poll(self, request):
        meta = request.META
        header = lambda name: meta.get("HTTP_" + name.upper().replace("-", "_"), "")  # noqa: E731
        Gateway.objects.filter(pk=self.gateway.pk).update(
            last_seen_at=timezone.now(),
            reported_version=header(wire.HEADER_GATEWAY_VERSION)[:40],
            policy_source=header(wire.HEADER_POLICY_SOURCE)[:20],
            policy_hash=header(wire.HEADER_POLICY_HASH)[:64],
        )


class BudgetLeaseView(GatewayAPIView):
    """POST /v1/gateway/budget/lease — a slice of the team's remaining monthly budget."""

    @extend_schema(request=None, responses={200: None}, summary="Lease a budget slice (gateway token)")
    def post(self, request):
        from apps.costs.services import UNLIMITED_REMAINING, budget_lease_grant

        try:
            ask = msgspec.json.decode(request.body, type=wire.LeaseRequest)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ApiError("invalid_request", f"Malformed lease request: {exc}. Send "
                           '{"team": slug, "requested_usd": number, "user"?: email}.') from None
        team = self.gateway.teams.filter(slug=ask.team).first()
        if team is None:
            raise ApiError("invalid_parameter", f"team {ask.team!r} is not served by this gateway.", param="team")
        try:
            requested = Decimal(str(ask.requested_usd))
        except InvalidOperation:
            raise ApiError("invalid_parameter", "requested_usd must be a number of USD", param="requested_usd") from None
        if requested < 0:
            raise ApiError("invalid_parameter", "requested_usd must be >= 0", param="requested_usd")
        grant = budget_lease_grant(gateway=self.gateway, team=team, requested=requested, user_email=ask.user)
        lease = wire.Lease(
            team=team.slug, granted_usd=float(grant.granted),
            remaining_usd=float(grant.remaining) if grant.remaining is not None else UNLIMITED_REMAINING,
            month=f"{grant.month:%Y-%m}", user=ask.user, unlimited=grant.remaining is None,
        )
        return HttpResponse(msgspec.json.encode(lease), content_type="application/json")
