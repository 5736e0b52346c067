"""A bare pass-through reference proxy: aiohttp, pooled upstream connections, nothing else.

No auth, no policies, no events — the floor any Python proxy pays. bench/gateway.py runs it
beside the gateway so "overhead" is measured against the same machine in the same run.

    python bench/bare_proxy.py --upstream http://127.0.0.1:41099/v1 --port 0 [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

import aiohttp
from aiohttp import web

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from keeptrusts.gateway import serve  # noqa: E402  (bind + SO_REUSEPORT + uvloop, same as the gateway)


def create_app(upstream: str) -> web.Application:
    app = web.Application(client_max_size=10 * 1024 * 1024)
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def start(app):
        app[session_key] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def stop(app):
        await app[session_key].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        async with app[session_key].post(upstream + request.path.removeprefix("/v1"), data=body,
                                         headers={"Content-Type": "application/json"}) as upstream_response:
            if upstream_response.headers.get("Content-Type", "").startswith("text/event-stream"):
                response = web.StreamResponse(status=upstream_response.status, headers={"Content-Type": "text/event-stream"})
                await response.prepare(request)
                async for line in upstream_response.content:
                    await response.write(line)
                await response.write_eof()
                return response
            return web.Response(body=await upstream_response.read(), status=upstream_response.status,
                                content_type="application/json")

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_post("/v1/chat/completions", forward)
    app.router.add_post("/v1/embeddings", forward)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    upstream = args.upstream.rstrip("/")
    probe = serve.bind_socket(args.host, args.port)
    port = probe.getsockname()[1]
    if args.workers == 1:
        serve.install_uvloop()
        asyncio.run(serve.serve(create_app(upstream), probe, name="bare proxy"))
        return 0
    probe.close()
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:
            serve.install_uvloop()
            asyncio.run(serve.serve(create_app(upstream), serve.bind_socket(args.host, port, reuse_port=True), name="bare proxy", announce=False))
            os._exit(0)
        children.append(pid)
    print(f"bare proxy listening on http://{args.host}:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(c, signal.SIGTERM) for c in children])
    for child in children:
        os.waitpid(child, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
