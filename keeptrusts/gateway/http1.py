"""A small HTTP/1.1 client for the gateway's upstream calls (chat, streamed or not, and embeddings).

aiohttp's client costs ≈ 0.08 ms of CPU per call on this path (request and response objects, a
task per request body, timers, cookie and trace hooks); this one ≈ 0.02 ms (docs/performance.md):
one prebuilt request head per path, one write, the response parsed from the socket's bytes as they
arrive. It does what the gateway needs and no more: POST with a bytes body to one origin, pooled
keep-alive connections (no limit; an idle connection is dropped after KEEPALIVE_SECONDS), TLS for
https, Content-Length, chunked and read-until-close bodies, gzip/deflate bodies (we ask for none),
and the timeouts of the aiohttp session it replaces (connect, total, and the longest pause between
reads). A streamed call's body is read line by line as it arrives (`response.content`, as aiohttp's).

Errors: `Disconnected` when a connection closed before the response's status line arrived (the
upstream never answered: the caller may retry), `ProtocolError` for a response it cannot read or one
cut mid-body, `OSError` from connecting, `asyncio.TimeoutError` for any timeout.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib

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
    """One keep-alive connection; at most one exchange at a time."""

    def __init__(self, client: "Client") -> None:
        self.client = client
        self.loop = client.loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._buffer = bytearray()
        self._head_waiter: asyncio.Future | None = None
        self._response: Response | None = None
        self._busy = False
        self._timer: asyncio.TimerHandle | None = None
        self._started = 0.0
        self._last_read = 0.0
        self._mode = 0  # body framing once the head is in: 1 length, 2 chunked, 3 until close
        self._length = 0
        self._chunks: list[bytes] = []
        self._chunk_left = -1  # -1: a size line is next; ≥ 0: bytes of chunk data (+ CRLF) still to come
        self._trailers = False
        self._keep_alive = True
        self._encoding = ""
        self._streaming = False
        self._lines: Lines | None = None
        self._decompressor = None

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
        elif self._mode == 3:
            self._complete(b"" if self._streaming else bytes(self._buffer))
        else:
            self._fail(ProtocolError("the upstream closed the connection in the middle of its response"))

    def data_received(self, data: bytes) -> None:
        if not self._busy:  # bytes nobody asked for: the connection cannot be trusted with the next request
            self.abort()
            return
        self._last_read = self.loop.time()
        buffer = self._buffer
        buffer += data
        if self._response is None and not self._parse_head():
            return
        mode = self._mode
        if self._streaming:
            self._stream_body()
        elif mode == 1:
            if len(buffer) >= self._length:
                if len(buffer) > self._length:
                    self._keep_alive = False
                self._complete(bytes(buffer[:self._length]))
        elif mode == 2:
            self._parse_chunks()

    # --- one exchange ----------------------------------------------------
    def send(self, head: bytes, body: bytes, stream: bool = False) -> asyncio.Future:
        self._busy = True
        self._response = None
        self._streaming = stream
        self._lines = None
        self._decompressor = None
        self._mode = 0
        self._buffer.clear()
        self._head_waiter = waiter = self.loop.create_future()
        self._started = self._last_read = self.loop.time()
        self._timer = self.loop.call_at(self._started + self.client.first_deadline, self._check_timeout)
        self.transport.writelines((head, body))
        return waiter

    def _parse_head(self) -> bool:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD_BYTES:
                    self._fail(ProtocolError("the upstream's response headers are too large"))
                return False
            lines = bytes(buffer[:end]).split(b"\r\n")
            del buffer[:end + 4]
            status_line = lines[0]
            try:
                if not status_line.startswith(b"HTTP/1."):
                    raise ValueError
                status = int(status_line[9:12])
            except ValueError:
                self._fail(ProtocolError(f"not an HTTP/1.1 response: {status_line[:80]!r}"))
                return False
            if 100 <= status < 200:
                continue  # an interim response (100 Continue, 103 Early Hints): the real one follows
            headers = CIMultiDict()
            for line in lines[1:]:
                name, sep, value = line.partition(b":")
                if sep:
                    headers.add(name.strip().decode("latin-1"), value.strip().decode("latin-1"))
            break
        connection = headers.get("Connection", "").lower()
        self._keep_alive = status_line[7:8] == b"1" and "close" not in connection
        self._encoding = headers.get("Content-Encoding", "").lower()
        if status == 204 or status == 304:
            self._mode, self._length = 1, 0
        elif "chunked" in headers.get("Transfer-Encoding", "").lower():
            self._mode, self._chunks, self._chunk_left, self._trailers = 2, [], -1, False
        elif "Content-Length" in headers:
            try:
                self._length = int(headers["Content-Length"])
            except ValueError:
                self._fail(ProtocolError("the upstream sent an invalid Content-Length"))
                return False
            self._mode = 1
        else:
            self._mode, self._keep_alive = 3, False
        if self._streaming:
            self._lines = Lines(self.loop)
            if self._encoding and self._encoding != "identity":
                if self._encoding not in ("gzip", "x-gzip", "deflate"):
                    self._fail(ProtocolError(f"unsupported Content-Encoding {self._encoding!r}"))
                    return False
                self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in self._encoding else zlib.MAX_WBITS)
        self._response = Response(self, status, headers, self._lines)
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(self._response)
        return True

    def _stream_body(self) -> None:
        buffer = self._buffer
        mode = self._mode
        if mode == 2:
            self._parse_chunks()
        elif mode == 1:
            take = min(len(buffer), self._length)
            if take:
                self._emit(bytes(buffer[:take]))
            self._length -= take
            if self._length == 0:
                if len(buffer) > take:
                    self._keep_alive = False
                buffer.clear()
                self._complete(b"")
            else:
                buffer.clear()
        elif buffer:
            self._emit(bytes(buffer))
            buffer.clear()

    def _emit(self, data: bytes) -> None:
        """A streamed body's next bytes, to its reader (decompressed if need be)."""
        if self._decompressor is not None:
            try:
                data = self._decompressor.decompress(data)
            except zlib.error as exc:
                self._fail(ProtocolError(f"cannot decode the upstream's {self._encoding} body ({exc})"))
                return
        if data and self._lines is not None:
            self._lines._feed(data)

    def _parse_chunks(self) -> None:
        buffer = self._buffer
        position = 0
        size = len(buffer)
        streaming = self._streaming
        while self._busy:
            if self._trailers:
                end = buffer.find(b"\r\n", position)
                if end < 0:
                    break
                if end == position:  # the empty line after the last chunk (and any trailers)
                    if end + 2 < size:
                        self._keep_alive = False
                    del buffer[:end + 2]
                    self._complete(b"" if streaming else b"".join(self._chunks))
                    return
                position = end + 2
            elif self._chunk_left < 0:
                end = buffer.find(b"\r\n", position)
                if end < 0:
                    if size - position > 1024:
                        self._fail(ProtocolError("the upstream sent an invalid chunk size"))
                        return
                    break
                try:
                    chunk_size = int(bytes(buffer[position:end]).split(b";", 1)[0].strip(), 16)
                except ValueError:
                    self._fail(ProtocolError("the upstream sent an invalid chunk size"))
                    return
                position = end + 2
                if chunk_size == 0:
                    self._trailers = True
                else:
                    self._chunk_left = chunk_size + 2  # the data and its CRLF
            else:
                available = size - position
                if not available:
                    break
                data_left = self._chunk_left - 2
                if data_left > 0:  # a streamed chunk is passed on as far as it has arrived
                    take = min(available, data_left)
                    piece = bytes(buffer[position:position + take])
                    if streaming:
                        self._emit(piece)
                    else:
                        self._chunks.append(piece)
                    position += take
                    available -= take
                    self._chunk_left -= take
                if self._chunk_left <= 2:
                    skip = min(available, self._chunk_left)
                    position += skip
                    self._chunk_left -= skip
                    if self._chunk_left:
                        break  # the rest of the CRLF is still to come
                    self._chunk_left = -1
        if position and self._busy:
            del buffer[:position]

    def _complete(self, body: bytes) -> None:
        self._cancel_timer()
        response = self._response
        self._busy = False
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
                self._buffer.clear()
                self.client._release(self)
            else:
                self.abort()
            if response is not None:
                response._connection = None
            if lines is not None:
                lines._end(error)
            return
        if self._encoding and self._encoding != "identity":
            try:
                body = _decode(body, self._encoding)
            except (zlib.error, ValueError) as exc:
                body, error = None, ProtocolError(f"cannot decode the upstream's {self._encoding} body ({exc})")
        if self._keep_alive and not self.closed:
            self._buffer.clear()
            self.client._release(self)
        else:
            self.abort()
        if response is not None:
            response._finished(body, error)

    def _fail(self, error: BaseException) -> None:
        self._cancel_timer()
        self._busy = False
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
