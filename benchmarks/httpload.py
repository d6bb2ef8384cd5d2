"""A browser-like HTTP/1.1 load client: N connections held open, reused while the server keeps them alive.

Each connection is a closed loop (send a request, read the whole answer, send the next). Like a browser, the
client asks for keep-alive (HTTP/1.1's default) and reuses the connection while the server allows it; when an
answer says ``Connection: close`` (gunicorn's sync worker always does) it closes its end at once, as a browser
does, and the next request opens a new connection, whose connect time counts in that request's latency.
``close_delay`` (seconds) closes the client's end that much later instead, while the next request goes ahead on a
fresh connection: it stands for the network between a remote browser and the server (the server's FIN reaches
the browser, and the browser's FIN the server, one round trip after the answer left), which a loopback test
otherwise leaves out.

wrk behaves differently on the one point that matters here: it does not wait for a closed connection's end of
file, it drops the socket as soon as the answer is complete, so a server that lingers until the client closes
(gunicorn >= 26's sync worker) is never seen waiting.

Pure asyncio on raw sockets (no HTTP library), so the client costs little CPU; ``client_cpu_s`` reports what it
used, because it shares the machine's cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}", "Accept: */*",
                 "Accept-Encoding: identity", "Connection: keep-alive"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body or self.method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    connections_opened: int = 0
    latencies: list[float] = field(default_factory=list)   # seconds, one per completed request
    duration_s: float = 0.0
    client_cpu_s: float = 0.0
    body_bytes: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


class ResponseError(Exception):
    """The answer could not be read as HTTP/1.1."""


class Answer(asyncio.Protocol):
    """One connection: collects one answer at a time, resolving ``self.done`` with (status, close, body bytes)."""

    def __init__(self, close_delay: float) -> None:
        self.close_delay = close_delay
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.done: asyncio.Future | None = None
        self.head: tuple[int, bool, int | None, bool] | None = None  # status, close, length, chunked
        self.eof = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, payload: bytes) -> asyncio.Future:
        self.buffer.clear()
        self.head = None
        self.done = asyncio.get_running_loop().create_future()
        assert self.transport is not None
        self.transport.write(payload)
        return self.done

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.parse()

    def eof_received(self) -> bool:
        self.eof = True
        self.parse()
        return True  # keep our side open until we close it (as a socket left open by a client would be)

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if self.done is not None and not self.done.done():
            self.parse()
            if not self.done.done():
                self.done.set_exception(ResponseError(f"connection lost: {exc or 'closed'}"))

    def parse(self) -> None:
        if self.done is None or self.done.done():
            return
        if self.head is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD or self.eof:
                    self.done.set_exception(ResponseError("no complete response head"))
                return
            self.head = read_head(bytes(self.buffer[:end]))
            del self.buffer[:end + 4]
        status, close, length, chunked = self.head
        if chunked:
            size = chunked_size(self.buffer)
            if size is None:
                if self.eof:
                    self.done.set_exception(ResponseError("chunked body cut short"))
                return
        elif length is not None:
            if len(self.buffer) < length:
                if self.eof:
                    self.done.set_exception(ResponseError("body shorter than Content-Length"))
                return
            size = length
        else:
            if not self.eof:
                return  # a body delimited by the end of the connection
            size, close = len(self.buffer), True
        if close:
            self.finish_connection()
        self.done.set_result((status, close, size))

    def finish_connection(self) -> None:
        """Close our end when the server said it will close: at once, or after ``close_delay`` (the network)."""
        if self.transport is None:
            return
        if self.close_delay > 0:
            asyncio.get_running_loop().call_later(self.close_delay, self.transport.close)
        else:
            self.transport.close()


def read_head(head: bytes) -> tuple[int, bool, int | None, bool]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ResponseError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    status = int(parts[1])
    close = parts[0] == "HTTP/1.0"
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection" and "close" in value:
            close = True
        elif name == "connection" and "keep-alive" in value:
            close = False
    return status, close, length, chunked


def chunked_size(buffer: bytearray) -> int | None:
    """The number of body bytes of a complete chunked body in ``buffer``, or None while it is incomplete."""
    at, total = 0, 0
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(bytes(buffer[at:line_end]).split(b";")[0], 16)
        if size == 0:
            return total if buffer.find(b"\r\n\r\n", line_end) >= 0 or buffer.endswith(b"\r\n\r\n") else None
        at = line_end + 2 + size + 2
        if len(buffer) < at:
            return None
        total += size


async def connection_loop(host: str, port: int, payloads: list[bytes], deadline: float, result: Result,
                          close_delay: float, timeout: float, offset: int) -> None:
    """One browser tab's connection: requests in turn until the deadline; reconnects when the server closes."""
    loop = asyncio.get_running_loop()
    answer: Answer | None = None
    for index in itertools.count(offset):
        if time.perf_counter() >= deadline:
            break
        payload = payloads[index % len(payloads)]
        started = time.perf_counter()
        try:
            if answer is None or answer.eof or answer.transport is None or answer.transport.is_closing():
                if answer is not None and answer.transport is not None:
                    answer.transport.close()  # the server closed a kept-alive connection: ours goes too
                _, answer = await asyncio.wait_for(
                    loop.create_connection(lambda: Answer(close_delay), host, port), timeout)
                result.connections_opened += 1
            status, close, size = await asyncio.wait_for(answer.send(payload), timeout)
        except (TimeoutError, OSError, ResponseError, ValueError):
            result.errors += 1
            if answer is not None and answer.transport is not None:
                answer.transport.close()
            answer = None
            await asyncio.sleep(0.01)
            continue
        result.latencies.append(time.perf_counter() - started)
        result.requests += 1
        result.body_bytes += size
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if not 200 <= status < 300:
            result.errors += 1
        if close:
            answer = None
    if answer is not None and answer.transport is not None:
        answer.transport.close()


async def measure(host: str, port: int, requests: list[Request], connections: int, duration: float,
                  close_delay: float = 0.0, timeout: float = 10.0) -> Result:
    """``connections`` closed loops for ``duration`` seconds; each connection cycles through ``requests``
    (starting at a different one, so a mix is mixed at every moment). The run ends when the last answer has
    arrived: no request is left in flight, so the server's CPU over the run is that of the counted requests."""
    payloads = [r.encode(f"{host}:{port}") for r in requests]
    result = Result()
    cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(connection_loop(host, port, payloads, deadline, result, close_delay, timeout, i)
                           for i in range(connections)))
    result.duration_s = time.perf_counter() - started
    if close_delay > 0:
        await asyncio.sleep(close_delay + 0.05)  # let the delayed closes happen before the loop goes away
    result.client_cpu_s = time.process_time() - cpu
    return result


def run(host: str, port: int, requests: list[Request], connections: int, duration: float,
        close_delay: float = 0.0, timeout: float = 10.0) -> Result:
    return asyncio.run(measure(host, port, requests, connections, duration, close_delay, timeout))
