"""Retries that back off, and honour Retry-After, for the whole host.

Scrapy's ``RetryMiddleware`` sends a failed request straight back to the scheduler: a portal
that answered 503 because it is overloaded gets the retry (and every other queued request) at
once. ``BackoffRetryMiddleware`` replaces it (same settings: RETRY_ENABLED, RETRY_TIMES,
RETRY_HTTP_CODES…) and, before each retry, pauses the host's download slot:

- for 429 and 503 with a ``Retry-After`` header (seconds or an HTTP date), as long as the
  server asks — up to GOVWATCH_RETRY_AFTER_MAX seconds; a server asking for longer is not
  retried in this run (the fetch becomes a ``throttled`` / ``server_error`` outcome and the next
  scheduled run tries again);
- otherwise (5xx, timeouts, connection errors) GOVWATCH_RETRY_BACKOFF × 2ⁿ seconds for the
  n-th retry, up to GOVWATCH_RETRY_BACKOFF_MAX.

Pausing the slot, not sleeping in the middleware, is what makes it polite: the retried request
and every other request to that host wait, while other sites' crawls go on. The pause uses
``Slot.latercall``, the hook Scrapy's downloader itself uses to hold a slot's queue for
DOWNLOAD_DELAY (Scrapy is pinned exactly, so this internal is checked by the tests).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import call_later
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` (RFC 9110 10.2.3): delay-seconds or an HTTP date; None if absent or
    unreadable, 0 for a date in the past."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings, *, backoff: float = 2.0, backoff_max: float = 60.0,
                 retry_after_max: float = 300.0) -> None:
        super().__init__(settings)
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max
        self._paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        settings = crawler.settings
        middleware = cls(settings, backoff=settings.getfloat("GOVWATCH_RETRY_BACKOFF", 2.0),
                         backoff_max=settings.getfloat("GOVWATCH_RETRY_BACKOFF_MAX", 60.0),
                         retry_after_max=settings.getfloat("GOVWATCH_RETRY_AFTER_MAX", 300.0))
        middleware.crawler = crawler
        return middleware

    def backoff_for(self, request: Request) -> float:
        """The pause before the next retry of ``request`` when the server named none."""
        retries = int(request.meta.get("retry_times", 0))
        return float(min(self.backoff * 2.0 ** retries, self.backoff_max))

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = self.backoff_for(request)
        if response.status in RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self._stat("retry_after/too_long")
                log.warning("%s asks to retry after %.0f s (more than GOVWATCH_RETRY_AFTER_MAX="
                            "%.0f): not retried in this run", request.url, asked,
                            self.retry_after_max)
                return response
            if asked is not None:
                self._stat("retry_after/honoured")
                wait = asked
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self.pause(request, wait, f"HTTP {response.status}")
        return retry

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self.pause(request, self.backoff_for(request), type(exception).__name__)
        return retry

    def pause(self, request: Request, seconds: float, why: str) -> None:
        """Hold every request to ``request``'s host for ``seconds``."""
        if seconds <= 0:
            return
        try:
            downloader = self.crawler.engine.downloader
        except RuntimeError:
            return  # no crawl running (the middleware used on its own)
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        until = monotonic() + seconds
        if until <= self._paused_until.get(key, 0):
            return  # already held at least that long
        self._paused_until[key] = until
        if slot.latercall:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)
        self._stat("paused")
        log.info("%s: %s; holding requests to it for %.1f s", key, why, seconds)

    def _stat(self, name: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"govwatch/retry/{name}")
