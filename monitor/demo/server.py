"""A loopback HTTP server for the sample portal.

The demo and the end-to-end tests must crawl something that behaves like a portal without
touching the network: real sockets, real status codes, conditional requests, a robots.txt, and
content that can be swapped between two crawls. ``PortalServer`` serves an in-memory mapping
``path[?query]`` → ``Page`` from a ``ThreadingHTTPServer`` bound to 127.0.0.1 on a free port.

Matching follows what portal web servers do, because the crawler canonicalises URLs before it
fetches them (query parameters sorted, fragments dropped):

- the query is compared as a set of parameters, so ``?uid=1&pageNum=2`` and
  ``?pageNum=2&uid=1`` are one page;
- a path registered only without a query is a static file, and a static file ignores the query
  (``art_1_2.html?xxgkhide=1`` is ``art_1_2.html``, as on nginx);
- a path registered with a query is dynamic (``list.jsp?page=2``): an unknown query is a 404.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import NamedTuple, Self, cast
from urllib.parse import parse_qsl, unquote, urlsplit

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
# Everything may be crawled: the demo must not depend on how a crawler reads robots.txt, and a
# test that wants a disallowing robots.txt registers its own page under "/robots.txt".
ROBOTS_TXT = b"User-agent: *\nDisallow:\n"
NOT_FOUND_BODY = b"404 Not Found\n"
NOT_ALLOWED_BODY = b"405 Method Not Allowed\n"

_Key = tuple[str, tuple[tuple[str, str], ...]]


def make_etag(body: bytes) -> str:
    """A strong validator derived from the bytes, as static-file servers make them."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def http_date(moment: datetime) -> str:
    """``Mon, 01 Mar 2021 00:00:00 GMT`` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC), usegmt=True)


@dataclass(frozen=True)
class Page:
    """One response. ``etag`` (with or without quotes) and ``last_modified`` are optional; a page
    that has them answers conditional GET/HEAD requests with 304 Not Modified."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: datetime | None = None
    # POST is refused (405) unless a page is registered for it, as on static portals.
    methods: frozenset[str] = READ_METHODS

    @property
    def quoted_etag(self) -> str | None:
        if self.etag is None:
            return None
        tag = self.etag
        if tag.startswith("W/"):
            return tag
        return tag if tag.startswith('"') else f'"{tag}"'


class RequestRecord(NamedTuple):
    """One request as received: method, request target (path and query), headers."""

    method: str
    path: str
    headers: dict[str, str]


def _key(target: str) -> _Key:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return path, query


class _Index:
    """An immutable lookup table built once per ``set_pages``; swapping it is atomic."""

    def __init__(self, pages: Mapping[str, Page]) -> None:
        self.pages: dict[_Key, Page] = {}
        self.dynamic: set[str] = set()
        for target, page in pages.items():
            key = _key(target)
            self.pages[key] = page
            if key[1]:
                self.dynamic.add(key[0])

    def find(self, target: str) -> Page | None:
        path, query = _key(target)
        page = self.pages.get((path, query))
        if page is None and query and path not in self.dynamic:
            page = self.pages.get((path, ()))
        if page is None and path == "/robots.txt":
            page = Page(ROBOTS_TXT, headers={"Content-Type": "text/plain; charset=utf-8"})
        return page


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored; ``*`` matches any."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def _not_modified(page: Page, headers: Mapping[str, str]) -> bool:
    if page.status != 200:
        return False
    if_none_match = headers.get("If-None-Match")
    etag = page.quoted_etag
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since when both are sent.
        return etag is not None and _etag_matches(if_none_match, etag)
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is None or page.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    modified = page.last_modified
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)
    # HTTP dates have whole seconds.
    return modified.replace(microsecond=0) <= since


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, portal: PortalServer) -> None:
        self.portal = portal
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: socket.socket | tuple[bytes, socket.socket],
                        client_address: tuple[str, int] | str) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut keep-alive connections, so a stopped server answers nothing at all."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: tuple[str, int] | str) -> None:
        # A crawler dropping a connection is not worth a traceback on the demo's terminal.
        log.debug("request from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as crawlers and portals use
    server_version = "nginx"
    sys_version = ""
    timeout = 10  # idle keep-alive connections must not pin threads forever

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is on ``PortalServer.requests``, not on stderr."""

    @property
    def _portal(self) -> PortalServer:
        return cast(_Server, self.server).portal

    def _record(self) -> Page | None:
        headers = {name: value for name, value in self.headers.items()}
        return self._portal._handle(RequestRecord(self.command, self.path, headers))

    def _send(self, status: int, headers: Mapping[str, str], body: bytes | None,
              *, content_length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        if body is not None or content_length is not None:
            length = content_length if content_length is not None else len(body or b"")
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _serve(self, page: Page | None, *, head: bool) -> None:
        if page is None:
            headers = {"Content-Type": "text/plain; charset=utf-8"}
            self._send(404, headers, None if head else NOT_FOUND_BODY,
                       content_length=len(NOT_FOUND_BODY))
            return
        if self.command not in page.methods:
            allowed = ", ".join(sorted(page.methods))
            headers = {"Content-Type": "text/plain; charset=utf-8", "Allow": allowed}
            self._send(405, headers, None if head else NOT_ALLOWED_BODY,
                       content_length=len(NOT_ALLOWED_BODY))
            return
        headers = dict(page.headers)
        etag = page.quoted_etag
        if etag is not None:
            headers["ETag"] = etag
        if page.last_modified is not None:
            headers["Last-Modified"] = http_date(page.last_modified)
        if self.command in READ_METHODS and _not_modified(page, dict(self.headers.items())):
            kept = {k: v for k, v in headers.items()
                    if k.lower() in ("etag", "last-modified", "cache-control", "expires", "vary")}
            self._send(304, kept, None)
            return
        self._send(page.status, headers, None if head else page.body,
                   content_length=len(page.body))

    def do_GET(self) -> None:
        self._serve(self._record(), head=False)

    def do_HEAD(self) -> None:
        self._serve(self._record(), head=True)

    def do_POST(self) -> None:
        # Read the form body so that the connection can be kept alive for the next request.
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)
        self._serve(self._record(), head=False)


class PortalServer:
    """Serves ``pages`` on http://127.0.0.1:<free port> in a background thread.

    Use as a context manager, or call ``start()`` and ``stop()``. ``set_pages`` swaps the whole
    content at once (a request sees either the old or the new mapping, never a mix), which is how
    the demo turns revision 0 of the portal into revision 1 between two crawls.
    """

    def __init__(self, pages: Mapping[str, Page] | None = None) -> None:
        self._lock = threading.Lock()
        self._index = _Index(pages or {})
        self._log: list[RequestRecord] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("PortalServer is already running")
        server = _Server(self)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"portal-server-{server.server_address[1]}", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("PortalServer is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of a registered path (``/robots.txt`` → ``http://127.0.0.1:…``)."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- content ---------------------------------------------------------------------------

    def set_pages(self, pages: Mapping[str, Page]) -> None:
        """Replace every page at once (thread-safe)."""
        index = _Index(pages)  # built outside the lock: requests are not held up meanwhile
        with self._lock:
            self._index = index

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def _handle(self, record: RequestRecord) -> Page | None:
        with self._lock:
            self._log.append(record)
            index = self._index
        return index.find(record.path)


__all__ = ["Page", "PortalServer", "RequestRecord", "http_date", "make_etag"]
