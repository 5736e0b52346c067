"""Running an aiohttp app as a process: bind, announce, stop cleanly on SIGTERM/SIGINT.

Shared by `kt gateway run` and `kt mock-upstream`. The bound address is printed on
one line (`… listening on http://HOST:PORT`) so a parent process that passed
`--port 0` can read the port it got.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable

from aiohttp import web


class PortInUse(Exception):
    def __init__(self, host: str, port: int):
        super().__init__(f"port {port} on {host} is already in use")
        self.host, self.port = host, port


def install_uvloop() -> bool:
    """uvloop cuts the gateway's per-request overhead (docs/performance.md). KT_UVLOOP=0 turns it
    off, to compare or to rule it out."""
    if os.environ.get("KT_UVLOOP") == "0":
        return False
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


def bind_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """Bind ourselves so "address in use" becomes a PortInUse we can explain in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(host, port) from None
        raise
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def serve(app: web.Application, sock: socket.socket, *, name: str, shutdown_timeout: float = 30.0,
                announce: bool = True, started: Callable[[], None] | None = None) -> None:
    """Serve until SIGTERM/SIGINT; then stop accepting, let in-flight requests finish, run cleanup hooks.
    `started` runs once the app's start-up hooks have run, before the address is announced."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.SockSite(runner, sock)
    await site.start()
    if started is not None:
        started()
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    if announce:
        print(f"{name} listening on {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def port_in_use_message(program: str, exc: PortInUse, what: str) -> str:
    return (f"{program}: {exc} — start with --port <another port>, or stop the other {what} "
            f"(e.g. `lsof -i :{exc.port}` shows who holds it)")


def run(app_factory: Callable[[], web.Application], *, host: str, port: int, name: str, program: str, what: str) -> int:
    try:
        sock = bind_socket(host, port)
    except PortInUse as exc:
        print(port_in_use_message(program, exc, what), file=sys.stderr)
        return 1
    install_uvloop()
    asyncio.run(serve(app_factory(), sock, name=name))
    return 0
