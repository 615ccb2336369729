"""What keeps pages that came from outside harmless, and the archive private.

- Every response carries a Content-Security-Policy without any script source (so a ``<script>``
  or ``onerror=`` that slipped past escaping still can't run), ``nosniff``, no framing by other
  sites, and no Referer sent to the portals users click through to.
- Raw snapshots (the HTML as fetched) are the one place a page's own markup is rendered: only in
  an ``<iframe sandbox>`` on our page, from a route whose response adds the CSP ``sandbox``
  directive itself, so even opened directly it runs nothing and can't reach our origin.
- The Host header must name this server (a DNS-rebinding page can't read the archive through a
  victim's browser).
- With an access token configured (required when listening beyond loopback), every request must
  present it: ``Authorization: Bearer TOKEN``, or HTTP Basic with the token as password (any user
  name), which browsers and feed readers can send without JavaScript.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.web.settings import WebSettings

# No script-src at all: default-src 'none' forbids every script, inline or not.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# For the raw page inside the iframe: its inline styles may apply, nothing may load or run.
SNAPSHOT_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "form-action 'none'; base-uri 'none'; frame-ancestors 'self'")

PAGE_HEADERS: Mapping[str, str] = {
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cache-control": "private, no-cache",
}

SNAPSHOT_HEADERS: Mapping[str, str] = {
    "content-security-policy": SNAPSHOT_CSP,
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "private, max-age=3600",
}


class SecurityHeaders:
    """Adds ``PAGE_HEADERS`` to every response, keeping any a route set itself (snapshots)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in PAGE_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def presented_token(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_matches(presented: str | None, expected: str) -> bool:
    if presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


class Guard:
    """Host check, then the access token when one is configured; failures are error pages."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from monitor.web.errors import error_response

        request = Request(scope)
        host = (request.headers.get("host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in self.hosts:
            response = error_response(request, 400, f"unexpected Host header {host!r}")
            await response(scope, receive, send)
            return
        token = self.settings.token
        if token and not token_matches(presented_token(request.headers), token):
            response = error_response(
                request, 401, None,
                headers={"www-authenticate": 'Basic realm="govwatch", charset="UTF-8"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
