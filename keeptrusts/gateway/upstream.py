"""The upstream LLM: any OpenAI-compatible base URL, pooled connections, bounded waits.

Only connection failures are retried (the request never reached the provider, so a
retry cannot double-bill); a timeout or an HTTP error is returned to the client as is.
"""

from __future__ import annotations

import asyncio
import os
import time

import aiohttp

from keeptrusts import __version__
from keeptrusts.gateway import http1

CONNECT_TIMEOUT = 10.0
RETRIES = 2
PROBE_SECONDS = 5.0


class UpstreamUnavailable(Exception):
    pass


class UpstreamTimeout(Exception):
    pass


class Upstream:
    def __init__(self, base_url: str, api_key: str | None, *, timeout: float | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = float(timeout or os.environ.get("KT_UPSTREAM_TIMEOUT", 600))
        self.session: aiohttp.ClientSession | None = None
        self.last_error: str | None = None
        self.last_ok: float | None = None
        self._probed = 0.0
        # Built once, not per request: the headers, with our own User-Agent.
        self._headers = {"Content-Type": "application/json", "User-Agent": f"keeptrusts-gateway/{__version__}"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        # Reading a streamed answer may pause between tokens; read_timeout bounds each pause, timeout the whole call.
        self.read_timeout = min(self.timeout, 300)
        # Model calls go through the small HTTP/1.1 client (http1.py); /models and the health probe through aiohttp's.
        self.client = http1.Client(self.base_url, self._headers, total_timeout=self.timeout, read_timeout=self.read_timeout,
                                   connect_timeout=CONNECT_TIMEOUT)

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, keepalive_timeout=30, enable_cleanup_closed=True)
        timeout = aiohttp.ClientTimeout(total=self.timeout, sock_connect=CONNECT_TIMEOUT, sock_read=self.read_timeout)
        # No cookie jar: cookies an upstream sets (e.g. a CDN's) must not pass from one user's call to the next,
        # and a jar with cookies is matched against every request.
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=True,
                                             cookie_jar=aiohttp.DummyCookieJar(), json_serialize=None)

    def headers(self) -> dict:
        return self._headers

    async def post(self, path: str, body: bytes, *, stream: bool = False):
        """POST and return the response with headers read (the body is the caller's to read: `read()` then
        `release()`; a stream's lines from `content`). Only failures before the upstream answered are retried."""
        for attempt in range(RETRIES + 1):
            try:
                response = await self.client.post(path, body, stream=stream)
                self.last_ok, self.last_error = time.time(), None
                return response
            except asyncio.TimeoutError:  # before OSError, of which it is a subclass
                self.last_error = "timeout"
                raise UpstreamTimeout(f"the upstream LLM at {self.base_url} did not answer within {self.timeout:g} s") from None
            except (OSError, http1.Disconnected) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                if attempt == RETRIES:
                    raise UpstreamUnavailable(f"cannot reach the upstream LLM at {self.base_url} ({exc})") from None
                await asyncio.sleep(0.05 * (attempt + 1))
            except http1.ProtocolError as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                raise UpstreamUnavailable(f"the upstream LLM at {self.base_url} failed: {exc}") from None
        raise AssertionError("unreachable")

    async def get(self, path: str) -> tuple[int, bytes]:
        try:
            async with self.session.get(self.base_url + path, headers=self.headers(), timeout=aiohttp.ClientTimeout(total=5)) as resp:
                return resp.status, await resp.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise UpstreamUnavailable(f"cannot reach the upstream LLM at {self.base_url} ({type(exc).__name__})") from None

    async def probe(self) -> None:
        """Refresh reachability for /healthz (at most every PROBE_SECONDS): GET {base}/models."""
        now = time.time()
        if now - self._probed < PROBE_SECONDS:
            return
        self._probed = now
        try:
            async with self.session.get(self.base_url + "/models", headers=self.headers(), timeout=aiohttp.ClientTimeout(total=2)) as resp:
                await resp.read()
                if resp.status == 401 or resp.status == 403:
                    self.last_error = f"the upstream refused KT_UPSTREAM_API_KEY (HTTP {resp.status})"
                elif resp.status >= 500:
                    self.last_error = f"HTTP {resp.status} from {self.base_url}/models"
                else:
                    self.last_ok, self.last_error = now, None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.last_error = f"cannot reach {self.base_url} ({type(exc).__name__})"

    def status(self) -> dict:
        return {"url": self.base_url, "status": "down" if self.last_error and self.last_error != "timeout" else "ok",
                "error": self.last_error}

    async def close(self) -> None:
        await self.client.close()
        if self.session:
            await self.session.close()
