"""A small HTTP/1.1 client for the gateway's upstream calls (chat, streamed or not, and embeddings).

aiohttp's client costs ≈ 0.08 ms of CPU per call on this path (request and response objects, a
task per request body, timers, cookie and trace hooks); this one ≈ 0.03 ms (docs/performance.md).
httptools (llhttp, Node's parser) reads the response: status line, headers, Content-Length, chunked
and read-until-close framing, interim (1xx) responses. Ours is the rest: one prebuilt request head per
path and one write per call, pooled keep-alive connections to one origin (no limit; an idle connection
is dropped after KEEPALIVE_SECONDS), TLS for https, gzip/deflate bodies (we ask for none), the timeouts
of the aiohttp session it replaced (connect, total, longest pause between reads), and a streamed call's
body line by line as it arrives (`response.content`, as aiohttp's).

Errors: `Disconnected` when a connection closed before the response's head arrived (the upstream never
answered: the caller may retry), `ProtocolError` for a response it cannot read or one cut mid-body,
`OSError` from connecting, `asyncio.TimeoutError` for any timeout.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib

from httptools import HttpParserError, HttpParserUpgrade, HttpResponseParser
from multidict import CIMultiDict
from yarl import URL

KEEPALIVE_SECONDS = 30.0
DRAIN_SECONDS = 1.0
MAX_HEAD_BYTES = 64 * 1024


class Disconnected(Exception):
    """The connection closed before the response's status line: the request may not have been seen."""


class ProtocolError(Exception):
    """The upstream's bytes are not an HTTP/1.1 response we can read, or the body was cut short."""


class Response:
    """Status and headers as soon as they arrive; the body via `read()` (usually already complete)."""

    __slots__ = ("status", "headers", "content", "_connection", "_body", "_error", "_waiter")

    def __init__(self, connection: "_Connection", status: int, headers: CIMultiDict, content: "Lines | None" = None) -> None:
        self.status, self.headers, self._connection = status, headers, connection
        self.content = content  # a streamed call's body, line by line
        self._body: bytes | None = None
        self._error: BaseException | None = None
        self._waiter: asyncio.Future | None = None

    async def read(self) -> bytes:
        if self.content is not None:  # a streamed call answered with an error: its whole body
            try:
                lines = [line async for line in self.content]
            except BaseException:
                self.close()
                raise
            return b"".join(lines)
        if self._body is None and self._error is None:
            self._waiter = self._connection.loop.create_future()
            try:
                await self._waiter
            except BaseException:
                self.close()
                raise
            finally:
                self._waiter = None
        if self._error is not None:
            raise self._error
        return self._body

    def _finished(self, body: bytes | None, error: BaseException | None) -> None:
        self._body, self._error, self._connection = body, error, None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(None)

    def release(self) -> None:
        """Done with the response. A body not read to the end closes the connection, except a stream's last
        bytes (e.g. the final chunk after `data: [DONE]`), which are read in the background to keep it."""
        connection = self._connection
        if connection is None:
            return
        if self.content is not None and connection.drain():
            self._connection = None
            return
        self.close()

    def close(self) -> None:
        connection = self._connection
        if connection is not None:
            self._connection = None
            connection.abort()
            if self._body is None and self._error is None:
                self._error = ProtocolError("the response was closed before its body was read")


class Lines:
    """A streamed body as it arrives: `await readline()` (b"" at the end) or `async for line in lines`."""

    __slots__ = ("_buffer", "_eof", "_error", "_waiter", "_loop")

    def __init__(self, loop) -> None:
        self._buffer = bytearray()
        self._eof = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future | None = None
        self._loop = loop

    def _feed(self, data: bytes) -> None:
        self._buffer += data
        self._wake()

    def _end(self, error: BaseException | None = None) -> None:
        if error is not None and not self._eof:
            self._error = error
        self._eof = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def readline(self) -> bytes:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\n")
            if end >= 0:
                line = bytes(buffer[:end + 1])
                del buffer[:end + 1]
                return line
            if self._error is not None:
                raise self._error
            if self._eof:
                line = bytes(buffer)
                buffer.clear()
                return line
            self._waiter = self._loop.create_future()
            try:
                await self._waiter  # cancelling here loses nothing: what arrived stays in the buffer
            finally:
                self._waiter = None

    def __aiter__(self) -> "Lines":
        return self

    async def __anext__(self) -> bytes:
        line = await self.readline()
        if not line:
            raise StopAsyncIteration
        return line


class _Connection(asyncio.Protocol):
    """One keep-alive connection; at most one exchange at a time. httptools (llhttp) parses the response;
    its callbacks (`on_header`, `on_headers_complete`, `on_body`, `on_message_complete`) fill in the
    exchange, which completes once `feed_data` has returned."""

    def __init__(self, client: "Client") -> None:
        self.client = client
        self.loop = client.loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = HttpResponseParser(self)
        self._head_waiter: asyncio.Future | None = None
        self._response: Response | None = None
        self._headers: CIMultiDict | None = None  # the response's headers until they are complete
        self._head_bytes = 0
        self._busy = False
        self._done = False  # the message is complete; the exchange completes once feed_data returns
        self._timer: asyncio.TimerHandle | None = None
        self._started = 0.0
        self._last_read = 0.0
        self._until_close = False  # no Content-Length, not chunked: the body ends when the connection closes
        self._chunks: list[bytes] = []
        self._keep_alive = True
        self._encoding = ""
        self._streaming = False
        self._lines: Lines | None = None
        self._decompressor = None
        self._error: BaseException | None = None  # raised by a callback, to be reported once feed_data returns

    # --- asyncio.Protocol ------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass

    def connection_lost(self, exc) -> None:
        self.closed = True
        self._cancel_timer()
        self.client._forget(self)
        if not self._busy:
            return
        if self._response is None:
            self._fail(Disconnected("the upstream closed the connection before answering"))
        elif self._until_close:  # llhttp ends such a body only at EOF, which httptools does not expose
            self._complete()
        else:
            self._fail(ProtocolError("the upstream closed the connection in the middle of its response"))

    def data_received(self, data: bytes) -> None:
        if not self._busy:  # bytes nobody asked for: the connection cannot be trusted with the next request
            self.abort()
            return
        self._last_read = self.loop.time()
        try:
            self._parser.feed_data(data)
        except (HttpParserError, HttpParserUpgrade) as exc:  # (we never ask to switch protocols)
            if not self._done:
                self._fail(self._error or ProtocolError(f"the upstream's response cannot be read ({exc or type(exc).__name__})"))
                return
            self._keep_alive = False  # bytes after the message: do not reuse the connection
        if self._done:
            self._complete()
        elif self._headers is not None:  # still in the head: every byte so far is head
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._fail(ProtocolError("the upstream's response headers are too large"))

    # --- httptools callbacks ---------------------------------------------
    def on_message_begin(self) -> None:
        if self._done:
            self._keep_alive = False  # a second message nobody asked for

    def on_header(self, name: bytes, value: bytes) -> None:
        headers = self._headers
        if headers is not None:  # (trailers after a chunked body are not kept)
            self._head_bytes += len(name) + len(value) + 4
            if self._head_bytes > MAX_HEAD_BYTES:
                self._error = ProtocolError("the upstream's response headers are too large")
                raise self._error
            headers.add(name.decode("latin-1"), value.decode("latin-1"))

    def on_headers_complete(self) -> None:
        parser = self._parser
        status = parser.get_status_code()
        if status < 200:  # an interim response (100 Continue, 103 Early Hints): the real one follows
            self._headers = CIMultiDict()
            return
        headers, self._headers = self._headers, None
        self._keep_alive = parser.should_keep_alive()
        self._until_close = (status != 204 and status != 304 and "Content-Length" not in headers
                             and "chunked" not in headers.get("Transfer-Encoding", "").lower())
        self._encoding = encoding = headers.get("Content-Encoding", "").lower()
        if self._streaming:
            self._lines = Lines(self.loop)
            if encoding and encoding != "identity":
                if encoding not in ("gzip", "x-gzip", "deflate"):
                    self._error = ProtocolError(f"unsupported Content-Encoding {encoding!r}")
                    raise self._error
                self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
        self._response = Response(self, status, headers, self._lines)
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(self._response)

    def on_body(self, data: bytes) -> None:
        if not self._streaming:
            self._chunks.append(data)
            return
        if self._decompressor is not None:  # a streamed body's next bytes go to its reader as they arrive
            try:
                data = self._decompressor.decompress(data)
            except zlib.error as exc:
                self._error = ProtocolError(f"cannot decode the upstream's {self._encoding} body ({exc})")
                raise self._error from None
        if data and self._lines is not None:
            self._lines._feed(data)

    def on_message_complete(self) -> None:
        if self._headers is None and not self._done:  # (not the end of an interim response)
            self._done = True

    # --- one exchange ----------------------------------------------------
    def send(self, head: bytes, body: bytes, stream: bool = False) -> asyncio.Future:
        self._busy = True
        self._done = False
        self._response = None
        self._headers = CIMultiDict()
        self._head_bytes = 0
        self._streaming = stream
        self._lines = None
        self._decompressor = None
        self._until_close = False
        self._chunks = []
        self._error = None
        self._head_waiter = waiter = self.loop.create_future()
        self._started = self._last_read = self.loop.time()
        self._timer = self.loop.call_at(self._started + self.client.first_deadline, self._check_timeout)
        self.transport.writelines((head, body))
        return waiter

    def _complete(self) -> None:
        self._cancel_timer()
        response = self._response
        self._busy = False
        self._done = False
        self._response = None
        error = None
        if self._streaming:
            lines = self._lines
            if self._decompressor is not None:
                try:
                    rest = self._decompressor.flush()
                    if rest and lines is not None:
                        lines._feed(rest)
                except zlib.error as exc:
                    error = ProtocolError(f"cannot decode the upstream's {self._encoding} body ({exc})")
            if self._keep_alive and not self.closed and error is None:
                self.client._release(self)
            else:
                self.abort()
            if response is not None:
                response._connection = None
            if lines is not None:
                lines._end(error)
            return
        chunks = self._chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._chunks = []
        if self._encoding and self._encoding != "identity":
            try:
                body = _decode(body, self._encoding)
            except (zlib.error, ValueError) as exc:
                body, error = None, ProtocolError(f"cannot decode the upstream's {self._encoding} body ({exc})")
        if self._keep_alive and not self.closed:
            self.client._release(self)
        else:
            self.abort()
        if response is not None:
            response._finished(body, error)

    def _fail(self, error: BaseException) -> None:
        self._cancel_timer()
        self._busy = False
        self._done = False
        response, self._response = self._response, None
        waiter, self._head_waiter = self._head_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        if response is not None:
            response._finished(None, error)
        if self._lines is not None:
            self._lines._end(error)
        self.abort()

    def _check_timeout(self) -> None:
        self._timer = None
        if not self._busy:
            return
        now = self.loop.time()
        client = self.client
        deadline = min(self._started + client.total_timeout, self._last_read + client.read_timeout)
        if now < deadline:
            self._timer = self.loop.call_at(deadline, self._check_timeout)
            return
        self._fail(asyncio.TimeoutError())

    def drain(self) -> bool:
        """Discard the rest of a streamed body as it arrives; back to the pool if it ends within DRAIN_SECONDS."""
        if not self._busy or self.closed or not self._streaming:
            return False
        self._lines = None
        self._cancel_timer()
        self._timer = self.loop.call_at(self.loop.time() + DRAIN_SECONDS, self._drain_expired)
        return True

    def _drain_expired(self) -> None:
        self._timer = None
        if self._busy:
            self.abort()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send it
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


class Client:
    """POST to one origin over pooled keep-alive connections."""

    def __init__(self, base_url: str, headers: dict, *, total_timeout: float, read_timeout: float,
                 connect_timeout: float) -> None:
        url = URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"the upstream URL must be http:// or https://, not {base_url!r}")
        self.host = url.host
        self.port = url.port
        self.ssl = ssl.create_default_context() if url.scheme == "https" else None
        self.base_path = url.raw_path.rstrip("/")
        self.total_timeout, self.read_timeout, self.connect_timeout = total_timeout, read_timeout, connect_timeout
        self.first_deadline = min(total_timeout, read_timeout)
        host = f"[{url.raw_host}]" if ":" in (url.raw_host or "") else url.raw_host
        default_port = 443 if url.scheme == "https" else 80
        authority = host if url.port == default_port else f"{host}:{url.port}"
        self._common = "".join(f"{name}: {value}\r\n" for name, value in headers.items() if name.lower() not in ("host", "content-length"))
        self._authority = authority
        self._heads: dict[str, bytes] = {}
        self._idle: list[_Connection] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def _head(self, path: str) -> bytes:
        head = self._heads.get(path)
        if head is None:
            head = self._heads[path] = (f"POST {self.base_path}{path} HTTP/1.1\r\nHost: {self._authority}\r\n"
                                        f"{self._common}Content-Length: ").encode("latin-1")
        return head

    async def post(self, path: str, body: bytes, *, stream: bool = False) -> Response:
        """The response once its status line and headers are in; with `stream`, its body as it arrives
        (`response.content`), otherwise whole (`await response.read()`)."""
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        connection = await self._acquire()
        waiter = connection.send(self._head(path) + b"%d\r\n\r\n" % len(body), body, stream)
        try:
            return await waiter
        except BaseException:
            connection.abort()  # cancelled or failed mid-exchange: never reuse
            raise

    async def _acquire(self) -> _Connection:
        idle = self._idle
        if idle:
            now = self.loop.time()
            while idle:
                connection = idle.pop()
                if not connection.closed and now - connection.idle_since < KEEPALIVE_SECONDS and not connection.transport.is_closing():
                    return connection
                connection.abort()
        if self._closed:
            raise Disconnected("the upstream client is closed")
        async with asyncio.timeout(self.connect_timeout):
            _, connection = await self.loop.create_connection(
                lambda: _Connection(self), self.host, self.port, ssl=self.ssl,
                server_hostname=self.host if self.ssl is not None else None)
        return connection

    def _release(self, connection: _Connection) -> None:
        if self._closed:
            connection.abort()
            return
        connection.idle_since = self.loop.time()
        self._idle.append(connection)

    def _forget(self, connection: _Connection) -> None:
        try:
            self._idle.remove(connection)
        except ValueError:
            pass

    def idle_connections(self) -> int:
        return len(self._idle)

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            if connection.transport is not None:
                connection.transport.close()
