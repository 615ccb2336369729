"""Retries that back off and honour Retry-After (``crawler.retry``); the waiting itself is checked
end to end in test_crawl_faults (a 503 with Retry-After: 1 is retried a second later)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.retry import BackoffRetryMiddleware, retry_after_seconds


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (b" 5 ", 5.0), ("Wed, 21 Oct 2026 07:28:00 GMT", 60.0),
    ("Wed, 21 Oct 2026 07:26:00 GMT", 0.0), ("soon", None), (None, None), ("-3", None),
])
def test_retry_after_seconds(value: str | bytes | None, seconds: float | None) -> None:
    now = datetime(2026, 10, 21, 7, 27, 0, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds


@pytest.fixture
def middleware() -> BackoffRetryMiddleware:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2, "GOVWATCH_RETRY_BACKOFF": 1.5,
                                   "GOVWATCH_RETRY_BACKOFF_MAX": 5, "GOVWATCH_RETRY_AFTER_MAX": 60})
    crawler.spider = crawler._create_spider("test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_backoff_doubles_up_to_its_cap(middleware: BackoffRetryMiddleware) -> None:
    waits = [middleware.backoff_for(Request("http://a/", meta={"retry_times": n}))
             for n in range(4)]
    assert waits == [1.5, 3.0, 5.0, 5.0]


def test_retry_after_beyond_the_cap_is_not_retried(middleware: BackoffRetryMiddleware) -> None:
    request = Request("http://a/x.html")
    too_long = Response("http://a/x.html", status=429, headers={"Retry-After": "3600"})
    assert middleware.process_response(request, too_long) is too_long
    short = Response("http://a/x.html", status=503, headers={"Retry-After": "2"})
    retry = middleware.process_response(request, short)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1 and retry.dont_filter
    ok = Response("http://a/x.html", status=200)
    assert middleware.process_response(request, ok) is ok
