"""A small control plane speaking exactly the wire shapes of keeptrusts.wire (DESIGN §7).

Used until (and beside) the real Django endpoints: config with ETag, budget leases and
idempotent event ingest, with switches to simulate an outage.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from keeptrusts import wire

TOKEN = "kt_gwt_test_gateway_token_000000000000000000"


class FakeControlPlane:
    def __init__(self, config: wire.GatewayConfig) -> None:
        self.config = config
        self.down = False
        self.events: dict[str, dict] = {}  # id -> event, so a resent batch is counted once
        self.posts = 0
        self.poll_headers: list[dict] = []
        self.lease_requests: list[dict] = []
        self.budget_remaining: dict[str, float] = {}

    def set_config(self, **changes) -> None:
        version = str(int(self.config.version) + 1)
        self.config = msgspec.structs.replace(self.config, version=version, **changes)

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def get_config(self, request: web.Request) -> web.Response:
        if self.down:
            raise web.HTTPServiceUnavailable()
        if not self.authorized(request):
            return web.json_response(wire.error_body("invalid_gateway_token", "bad token"), status=401)
        self.poll_headers.append(dict(request.headers))
        etag = f'"{self.config.version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=msgspec.json.encode(self.config), content_type="application/json", headers={"ETag": etag})

    async def post_events(self, request: web.Request) -> web.Response:
        if self.down:
            raise web.HTTPServiceUnavailable()
        assert self.authorized(request)
        self.posts += 1
        batch = msgspec.json.decode(await request.read())
        accepted = duplicates = 0
        rejected = []
        for index, raw in enumerate(batch["events"]):
            try:
                event = msgspec.convert(raw, wire.Event)
            except msgspec.ValidationError as exc:
                rejected.append({"index": index, "error": str(exc)})
                continue
            if event.id in self.events:
                duplicates += 1
            else:
                self.events[event.id] = raw
                accepted += 1
        return web.json_response({"accepted": accepted, "duplicates": duplicates, "rejected": rejected}, status=202)

    async def lease(self, request: web.Request) -> web.Response:
        if self.down:
            raise web.HTTPServiceUnavailable()
        assert self.authorized(request)
        ask = msgspec.json.decode(await request.read(), type=wire.LeaseRequest)
        self.lease_requests.append(msgspec.to_builtins(ask))
        remaining = self.budget_remaining.get(ask.team, 0.0)
        granted = min(ask.requested_usd, remaining)
        self.budget_remaining[ask.team] = remaining - granted
        lease = wire.Lease(team=ask.team, granted_usd=granted, remaining_usd=remaining - granted, month="2026-11", user=ask.user)
        return web.Response(body=msgspec.json.encode(lease), content_type="application/json")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/gateway/config", self.get_config)
        app.router.add_post("/v1/gateway/events", self.post_events)
        app.router.add_post("/v1/gateway/budget/lease", self.lease)
        return app
