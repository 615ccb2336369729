"""The generic portal spider: one site's list pages (栏目) → document pages → attachments.

A site is data (``seeds/*.yaml``); ``crawler.spiderloader`` makes one subclass of this spider per
configured site, so ``scrapy crawl wuxi-fgw`` works, and quirks are overrides in the YAML.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.context import CrawlContext
from crawler.discovery import discover
from crawler.extraction import ExtractOptions, extract
from crawler.extraction.encoding import decode
from crawler.faults import classify_page
from crawler.items import FetchedAttachment, ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from crawler.urls import canonical_url
from monitor.config import SiteConfig
from monitor.store.records import DocumentRecord

log = logging.getLogger(__name__)

ATTACHMENT_MAXSIZE = 30 * 1024 * 1024  # larger files are recorded by name and URL only


def _now() -> datetime:
    return datetime.now(UTC)


def failure_outcome(failure: Failure) -> tuple[FetchOutcome, str]:
    """Map a download error to a fetch outcome and a one-line reason."""
    from scrapy.exceptions import IgnoreRequest
    from twisted.internet.error import (
        ConnectError,
        ConnectionLost,
        DNSLookupError,
        TCPTimedOutError,
        TimeoutError,
    )
    from twisted.web._newclient import ResponseFailed

    exc = failure.value
    reason = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, TimeoutError | TCPTimedOutError):
        return FetchOutcome.TIMEOUT, reason
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return FetchOutcome.ROBOTS, reason
    if isinstance(exc, IgnoreRequest) and "maxsize" in str(exc).lower():
        return FetchOutcome.TOO_LARGE, reason
    if isinstance(exc, ResponseFailed | ConnectionLost):
        text = repr(exc)
        if "DataLoss" in text or "PotentialDataLoss" in text:
            return FetchOutcome.TRUNCATED, reason
        return FetchOutcome.NETWORK_ERROR, reason
    if isinstance(exc, DNSLookupError | ConnectError):
        return FetchOutcome.NETWORK_ERROR, reason
    if "maxsize" in reason.lower() or "cancelled" in reason.lower():
        return FetchOutcome.TOO_LARGE, reason
    if "dataloss" in reason.lower():
        return FetchOutcome.TRUNCATED, reason
    return FetchOutcome.NETWORK_ERROR, reason


class PortalSpider(Spider):
    """Crawls one configured site. ``site_id`` is set by the per-site subclass or ``-a site=``."""

    name = "portal"
    site_id: ClassVar[str | None] = None
    context: CrawlContext
    site: SiteConfig
    allowed_domains: list[str]
    rechecks_scheduled: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        site_id = kwargs.pop("site", None) or cls.site_id
        if not site_id:
            raise ValueError("no site given: run `scrapy crawl SITE_ID` (see `scrapy list`)")
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, PortalSpider)
        spider.context = CrawlContext.of(crawler, site_id)
        spider.site = spider.context.site
        spider.allowed_domains = spider.site.domains
        spider.rechecks_scheduled = False
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # ------------------------------------------------------------------------------ lists

    async def start(self) -> AsyncIterator[Request]:
        for url in self.site.start_urls:
            yield self._list_request(url, page=1, column=url)

    def _list_request(self, url: str, *, page: int, column: str) -> Request:
        return Request(url, callback=self.parse_list, errback=self.list_failed,
                       cb_kwargs={"page": page, "column": column, "known_pages": 0},
                       meta={"handle_httpstatus_all": True, "started": time.monotonic()},
                       dont_filter=page == 1, priority=10)

    def parse_list(self, response: Response, page: int, column: str,
                   known_pages: int) -> Iterator[Request | ListPageResult]:
        state = self.context.state
        state.list_pages += 1
        source, _ = decode(response.body, _header(response, "Content-Type"), self.site.encoding)
        outcome = classify_page(response.status, source)
        duration = int((time.monotonic() - response.meta["started"]) * 1000)
        if outcome != FetchOutcome.OK:
            state.list_failures += 1
            state.columns_failed.add(column)
            if outcome.is_blocking:
                state.blocked += 1
            self.crawler.stats.inc_value(f"govwatch/list/{outcome}")
            yield ListPageResult(self.site.id, response.url, page, outcome, _now(),
                                 response.status, duration, len(response.body))
            return
        listing = discover(source, response.url, domains=self.site.domains,
                           link_pattern=self.site.link_pattern,
                           list_selector=self.site.list_selector,
                           next_page_selector=self.site.next_page_selector)
        known = self.context.ingestor.known(link.url for link in listing.links)
        new_links = 0
        for link in listing.links:
            doc = known.get(link.url)
            if doc is None:
                new_links += 1
            if link.url in state.requested:
                continue
            if doc is None or self.context.ingestor.due(doc):
                state.requested.add(link.url)
                yield self._detail_request(link.url, doc, list_title=link.title,
                                           list_date=link.date)
        self.crawler.stats.inc_value("govwatch/list/ok")
        yield ListPageResult(
            self.site.id, response.url, page, FetchOutcome.OK, _now(), response.status,
            duration, len(response.body), links=len(listing.links), new_links=new_links,
            listed={link.url: (link.title, link.date) for link in listing.links})

        only_known = bool(listing.links) and new_links == 0
        known_pages = known_pages + 1 if only_known else 0
        stop_after = self.site.stop_after_known_pages
        baseline = self.context.run.baseline
        if not listing.next_pages or not listing.links:
            state.columns_complete.add(column)
        elif page >= self.site.max_list_pages:
            log.info("%s: %s: stopping at max_list_pages=%d", self.site.id, column, page)
        elif stop_after and not baseline and known_pages >= stop_after:
            log.info("%s: %s: page %d lists only known documents; stopping", self.site.id,
                     column, page)
        else:
            for url in listing.next_pages[:1]:
                request = self._list_request(url, page=page + 1, column=column)
                request.cb_kwargs["known_pages"] = known_pages
                yield request

    def list_failed(self, failure: Failure) -> ListPageResult:
        request = failure.request  # type: ignore[attr-defined]
        outcome, reason = failure_outcome(failure)
        state = self.context.state
        state.list_pages += 1
        state.list_failures += 1
        state.columns_failed.add(request.cb_kwargs["column"])
        if outcome.is_blocking:
            state.blocked += 1
        self.crawler.stats.inc_value(f"govwatch/list/{outcome}")
        return ListPageResult(self.site.id, request.url, request.cb_kwargs["page"], outcome,
                              _now(), detail=reason)

    # ---------------------------------------------------------------------------- details

    def _detail_request(self, url: str, doc: DocumentRecord | None, *,
                        list_title: str | None = None, list_date: str | None = None) -> Request:
        headers = {}
        if doc is not None and doc.state == "active" and doc.current_version_id:
            if doc.etag:
                headers["If-None-Match"] = doc.etag
            if doc.last_modified:
                headers["If-Modified-Since"] = doc.last_modified
        return Request(url, callback=self.parse_detail, errback=self.detail_failed,
                       headers=headers,
                       cb_kwargs={"doc": doc, "list_title": list_title, "list_date": list_date},
                       meta={"handle_httpstatus_all": True, "started": time.monotonic()})

    def parse_detail(self, response: Response, doc: DocumentRecord | None,
                     list_title: str | None, list_date: str | None
                     ) -> Iterator[Request | PageResult]:
        url = canonical_url(response.request.url if response.request else response.url)
        content_type = _header(response, "Content-Type")
        result = partial(
            PageResult, site_id=self.site.id, url=url, fetched_url=response.url,
            fetched_at=_now(), http_status=response.status, content_type=content_type,
            duration_ms=int((time.monotonic() - response.meta["started"]) * 1000),
            list_title=list_title, list_date=list_date)
        if response.status == 304:
            yield result(outcome=FetchOutcome.NOT_MODIFIED)
            return
        raw = response.body
        source, _ = decode(raw, content_type, self.site.encoding)
        outcome = classify_page(response.status, source)
        if outcome != FetchOutcome.OK:
            self.crawler.stats.inc_value(f"govwatch/fetch/{outcome}")
            yield result(outcome=outcome, detail=source[:200])
            return
        digest = hashlib.sha256(raw).hexdigest()
        etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
        if doc is not None and doc.raw_sha256 == digest and doc.state == "active":
            self.crawler.stats.inc_value("govwatch/fetch/unchanged")
            yield result(outcome=FetchOutcome.UNCHANGED, raw_sha256=digest, etag=etag,
                         last_modified=modified)
            return
        extraction = extract(raw, url, content_type=content_type, options=ExtractOptions(
            encoding=self.site.encoding, metadata_selector=self.site.metadata_selector,
            body_selector=self.site.body_selector))
        if not extraction.has_body and not extraction.metadata_raw:
            yield result(outcome=FetchOutcome.EMPTY, raw_sha256=digest,
                         detail="; ".join(extraction.warnings))
            return
        page = result(outcome=FetchOutcome.OK, raw=raw, raw_sha256=digest,
                      extraction=extraction, etag=etag, last_modified=modified)
        yield from self._next_attachment(page, list(extraction.attachments), [])

    def _next_attachment(self, result: PageResult, pending: list[Any],
                         done: list[FetchedAttachment]) -> Iterator[Request | PageResult]:
        """Download attachments one after another, then hand the page on with their hashes."""
        while pending:
            attachment = pending.pop(0)
            if attachment.url in {a.url for a in done}:
                continue
            yield Request(attachment.url, callback=self.parse_attachment,
                          errback=self.attachment_failed, dont_filter=True,
                          cb_kwargs={"result": result, "attachment": attachment,
                                     "pending": pending, "done": done},
                          meta={"handle_httpstatus_all": True,
                                "download_maxsize": ATTACHMENT_MAXSIZE})
            return
        from dataclasses import replace

        yield replace(result, attachments=tuple(done))

    def parse_attachment(self, response: Response, result: PageResult, attachment: Any,
                         pending: list[Any], done: list[FetchedAttachment]
                         ) -> Iterator[Request | PageResult]:
        if 200 <= response.status < 300:
            body = response.body
            fetched = FetchedAttachment(
                attachment.name, attachment.url, FetchOutcome.OK,
                hashlib.sha256(body).hexdigest(), len(body),
                _header(response, "Content-Type"), body)
        else:
            outcome = classify_page(response.status, "") if response.status >= 300 \
                else FetchOutcome.HTTP_ERROR
            fetched = FetchedAttachment(attachment.name, attachment.url, outcome)
        yield from self._next_attachment(result, pending, [*done, fetched])

    def attachment_failed(self, failure: Failure) -> Iterator[Request | PageResult]:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        outcome, _ = failure_outcome(failure)
        fetched = FetchedAttachment(kwargs["attachment"].name, kwargs["attachment"].url, outcome)
        yield from self._next_attachment(kwargs["result"], kwargs["pending"],
                                         [*kwargs["done"], fetched])

    def detail_failed(self, failure: Failure) -> PageResult:
        request = failure.request  # type: ignore[attr-defined]
        outcome, reason = failure_outcome(failure)
        self.crawler.stats.inc_value(f"govwatch/fetch/{outcome}")
        return PageResult(site_id=self.site.id, url=canonical_url(request.url),
                          fetched_url=request.url, outcome=outcome, fetched_at=_now(),
                          detail=reason, list_title=request.cb_kwargs.get("list_title"),
                          list_date=request.cb_kwargs.get("list_date"))

    # ---------------------------------------------------------------------------- rechecks

    def _idle(self) -> None:
        """Once the lists are done, recheck known documents that are due and were not listed."""
        if self.rechecks_scheduled:
            return
        self.rechecks_scheduled = True
        state = self.context.state
        if state.list_pages and state.list_failures == state.list_pages:
            return  # the site is down or blocking us: don't hammer it with rechecks
        due = self.context.ingestor.due_documents(exclude=state.requested)
        if not due:
            return
        log.info("%s: rechecking %d known documents", self.site.id, len(due))
        for doc in due:
            state.requested.add(doc.url)
            self.crawler.engine.crawl(self._detail_request(doc.url, doc))
        raise DontCloseSpider


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
