"""A loopback server for the faults ``PortalServer`` cannot produce: a body shorter than its
Content-Length (Scrapy's data loss), an answer slower than the crawler waits, and responses that
change from one request to the next (a 503 with Retry-After that then recovers). Each request is
logged with the time it arrived, so tests can check that retries waited.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import NamedTuple, Self, cast


class Reply(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


class Logged(NamedTuple):
    at: float            # time.monotonic()
    method: str
    path: str
    headers: dict[str, str]


Behaviour = Callable[["_Handler", int], None]  # (handler, how many times asked before)


def send(handler: BaseHTTPRequestHandler, reply: Reply, *, announce: int | None = None) -> None:
    handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(announce if announce is not None
                                              else len(reply.body)))
    handler.end_headers()
    handler.wfile.write(reply.body)
    handler.wfile.flush()


def answer(reply: Reply) -> Behaviour:
    return lambda handler, _: send(handler, reply)


def in_turn(*replies: Reply) -> Behaviour:
    """The n-th request gets the n-th reply; the last one repeats."""
    return lambda handler, n: send(handler, replies[min(n, len(replies) - 1)])


def truncated(reply: Reply, announced: int) -> Behaviour:
    """Announce ``announced`` bytes, send fewer, close the connection."""

    def behave(handler: _Handler, _: int) -> None:
        handler.close_connection = True
        send(handler, reply, announce=announced)

    return behave


def slow(seconds: float, reply: Reply) -> Behaviour:
    def behave(handler: _Handler, _: int) -> None:
        time.sleep(seconds)
        with contextlib.suppress(OSError):  # the client gave up meanwhile
            send(handler, reply)

    return behave


@dataclass
class _State:
    routes: dict[str, Behaviour]
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: _State) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up on slow answers are expected here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are in FaultServer.requests."""

    def do_GET(self) -> None:
        state = cast(_Server, self.server).state
        with state.lock:
            count = sum(1 for r in state.log if r.path == self.path)
            state.log.append(Logged(time.monotonic(), self.command, self.path,
                                    dict(self.headers.items())))
        behave = state.routes.get(self.path)
        if behave is None and self.path == "/robots.txt":
            behave = answer(Reply(200, {"Content-Type": "text/plain"}, b"User-agent: *\n"))
        if behave is None:
            behave = answer(Reply(404, {"Content-Type": "text/plain"}, b"not found"))
        behave(self, count)


class FaultServer:
    def __init__(self, routes: dict[str, Behaviour]) -> None:
        self._state = _State(dict(routes))
        self._server: _Server | None = None

    def __enter__(self) -> Self:
        self._server = _Server(self._state)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    @property
    def requests(self) -> list[Logged]:
        with self._state.lock:
            return list(self._state.log)
