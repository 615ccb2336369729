"""The generic portal spider: one site's list pages (栏目) → document pages → attachments.

A site is data (``seeds/*.yaml``); ``crawler.spiderloader`` makes one subclass of this spider per
configured site, so ``scrapy crawl wuxi-fgw`` works, and quirks are overrides in the YAML.

A run asks only for what it must:

- list pages until a page lists only documents the archive knows (``stop_after_known_pages``;
  not on the site's first, baseline crawl), at most ``max_list_pages`` per column;
- new documents, and known ones whose recheck is due (``monitor.recheck``), with
  If-None-Match / If-Modified-Since from the last fetch: a 304 or the same raw bytes (sha256)
  ends the fetch without extraction;
- attachments only when the page changed, conditionally as well.

Every request is ``dont_filter``: the spider keeps its own sets of what it asked for, so that a
redirect to the same URL (a cookie wall reloading itself) is followed, reaches
REDIRECT_MAX_TIMES and is reported, instead of vanishing in Scrapy's duplicate filter.

Redirects are followed (``crawler.redirects.INSPECTED``): http→https and ``/zcwj`` → ``/zcwj/``
are everywhere on gov.cn, and a portal that moved its documents answers their old URLs with a
301. A document keeps the identity it was listed under (``PageResult.url``, the canonical URL
asked for) and records where it landed (``fetched_url``); a redirect to 首页, a column index, a
login or an error page (``crawler.faults.landing``) is not the document, nor the column.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Response
from twisted.python.failure import Failure

from crawler.attachments import AttachmentDownloads, conditional, header
from crawler.context import CrawlContext
from crawler.discovery import Listing, discover
from crawler.extraction import ExtractOptions, extract
from crawler.extraction.encoding import decode
from crawler.failures import failure_outcome
from crawler.faults import Verdict, diagnose
from crawler.items import FetchedAttachment, ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from crawler.pagination import NextPage, xml_encoding
from crawler.redirects import INSPECTED, asked_url, moved
from crawler.urls import canonical_url
from monitor.config import SiteConfig
from monitor.store.records import DocumentRecord

log = logging.getLogger(__name__)

JS_LIST = ("list page has no document links; the portal renders its list with JavaScript — "
           "configure a start URL whose HTML lists the documents (the column's static index or "
           "the site's 信息公开 catalogue), see README “Adding a portal”")
SAYS_EMPTY = "list page has no document links and says the column is empty (暂无信息)"
NO_LINKS = ("list page has no document links — check the start URL, or configure link_pattern "
            "/ list_selector for this portal's markup (`govwatch sites --check` shows what "
            "discovery finds)")


def _now() -> datetime:
    return datetime.now(UTC)


def _latency_ms(response: Response) -> int | None:
    """How long the server took (Scrapy's download_latency), not the time spent queued."""
    latency = response.meta.get("download_latency")
    return int(latency * 1000) if latency is not None else None


class PortalSpider(AttachmentDownloads, Spider):
    """Crawls one configured site. ``site_id`` is set by the per-site subclass or ``-a site=``."""

    name = "portal"
    site_id: ClassVar[str | None] = None
    context: CrawlContext
    site: SiteConfig
    allowed_domains: list[str]
    attachment_maxsize: int
    recheck_batch: int
    rechecks_done: bool = False
    recheck_cursor: int = 0       # id of the last due document queued
    rechecks_pending: int = 0     # rechecks queued and not answered yet
    attachments_seen: OrderedDict[str, FetchedAttachment]  # this run's downloads, by URL

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
        spider.attachment_maxsize = crawler.settings.getint("GOVWATCH_ATTACHMENT_MAXSIZE")
        spider.recheck_batch = crawler.settings.getint("GOVWATCH_RECHECK_BATCH", 500)
        spider.rechecks_done = False
        spider.recheck_cursor = spider.rechecks_pending = 0
        spider.attachments_seen = OrderedDict()
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    def _stat(self, name: str) -> None:  # AttachmentDownloads
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"govwatch/{name}")

    # ------------------------------------------------------------------------------ lists

    async def start(self) -> AsyncIterator[Request]:
        for url in self.site.start_urls:
            self.context.state.column_links.setdefault(url, 0)
            request = self._list_request(NextPage(url), page=1, column=url)
            if request is not None:
                yield request

    def _list_request(self, target: NextPage, *, page: int, column: str,
                      known_pages: int = 0) -> Request | None:
        key = (target.method, canonical_url(target.url), target.form)
        if key in self.context.state.lists_requested:
            return None  # a pager pointing back (Ucap's 下一页 on the last page is itself)
        self.context.state.lists_requested.add(key)
        # Below the documents' priority: a page's documents are fetched before the next list
        # page, so the queue holds one page of requests rather than a whole column's (memory
        # flat in the number of documents; a 500-page baseline would queue 10,000 otherwise).
        options: dict[str, Any] = dict(
            callback=self.parse_list, errback=self.list_failed, dont_filter=True, priority=-10,
            cb_kwargs={"page": page, "column": column, "known_pages": known_pages,
                       "after": target if target.jpage else None},
            meta={"handle_httpstatus_list": INSPECTED})
        if target.method == "POST":
            # Hanweb's dataproxy.jsp, as jpage.js asks it (jQuery sends forms as UTF-8).
            return FormRequest(target.url, formdata=dict(target.form), encoding="utf-8",
                               headers={"X-Requested-With": "XMLHttpRequest"}, **options)
        return Request(target.url, **options)

    def _list_source(self, response: Response) -> str:
        """Decode a list page; Hanweb's proxy answers XML whose declaration names the charset."""
        override = self.site.encoding or xml_encoding(response.body)
        return decode(response.body, header(response, "Content-Type"), override)[0]

    def parse_list(self, response: Response, page: int, column: str, known_pages: int,
                   after: NextPage | None) -> Iterator[Request | ListPageResult]:
        state = self.context.state
        if after is not None and after.jpage is not None and after.jpage.fallback \
                and page == 2 and response.status in (400, 404, 405):
            # The first proxy POST refused (the proxy lives elsewhere, or takes GET only):
            # the page's own nextgroup link, which such portals answer.
            log.info("%s: %s refused the jpage POST (HTTP %d); following nextgroup %s",
                     self.site.id, response.url, response.status, after.jpage.fallback)
            request = self._list_request(NextPage(after.jpage.fallback), page=page,
                                         column=column, known_pages=known_pages)
            if request is not None:
                yield request
                return
        state.list_pages += 1
        result = partial(ListPageResult, self.site.id, response.url, page,
                         fetched_at=_now(), http_status=response.status,
                         duration_ms=_latency_ms(response),
                         size=len(response.body))
        landed = moved(response.request, response)
        if landed is not None:
            # A column redirected to 首页 lists 首页's news: not the column, and not its end.
            self._list_failed(column, landed.outcome, landed.reason)
            yield result(landed.outcome, detail=landed.reason)
            return
        source = self._list_source(response)
        verdict = diagnose(response.status, source)
        listing = None
        if verdict.outcome in (FetchOutcome.SOFT_404, FetchOutcome.MAINTENANCE) \
                and 200 <= response.status < 300:
            # A short column whose one notice is 关于系统升级暂停服务的公告 reads like a
            # maintenance page; a page that lists documents is a list page.
            listing = self._discover(source, response.url, after)
            if listing.links:
                verdict = Verdict(FetchOutcome.OK)
        if verdict.outcome != FetchOutcome.OK:
            self._list_failed(column, verdict.outcome, f"{response.url}: {verdict.reason}")
            yield result(verdict.outcome, detail=verdict.reason)
            return
        listing = listing or self._discover(source, response.url, after)
        self._note_offsite(listing)
        state.column_links[column] = state.column_links.get(column, 0) + len(listing.links)
        new_links = 0
        known = self.context.ingestor.known(link.url for link in listing.links)
        for link in listing.links:
            doc = known.get(link.url)
            new_links += doc is None
            if link.url in state.requested or not (doc is None or
                                                   self.context.ingestor.due(doc)):
                continue
            state.requested.add(link.url)
            yield self._detail_request(link.url, doc, list_title=link.title,
                                       list_date=link.date)

        following = next(iter(listing.next), None)
        # Past its end a pager may answer page 1 again (list.do?page=99): a page listing only
        # what this run has already seen ends the column.
        listed = state.listed.setdefault(column, set())
        repeated = page > 1 and bool(listing.links) and all(
            link.url in listed for link in listing.links)
        if repeated:
            log.info("%s: %s repeats documents listed before; end of %s", self.site.id,
                     response.url, column)
        listed.update(link.url for link in listing.links)
        ended = following is None or repeated or (not listing.links and page > 1)
        if ended and state.column_links[column] == 0:
            reason = JS_LIST if listing.scripted else SAYS_EMPTY if listing.says_empty \
                else NO_LINKS
            state.warn(reason)
            self._list_failed(column, FetchOutcome.EMPTY)
            log.warning("%s: %s: %s", self.site.id, response.url, reason)
            yield result(FetchOutcome.EMPTY, detail=reason)
            return
        self._stat("list/ok")
        yield result(FetchOutcome.OK, links=len(listing.links), new_links=new_links,
                     listed={link.url: (link.title, link.date) for link in listing.links})
        yield from self._paginate(listing, following if not ended else None, page=page,
                                  column=column, known_pages=known_pages, new_links=new_links)

    def _discover(self, source: str, url: str, after: NextPage | None) -> Listing:
        return discover(source, url, domains=self.site.domains,
                        link_pattern=self.site.link_pattern,
                        list_selector=self.site.list_selector,
                        next_page_selector=self.site.next_page_selector, after=after)

    def _paginate(self, listing: Listing, following: NextPage | None, *, page: int, column: str,
                  known_pages: int, new_links: int) -> Iterator[Request]:
        only_known = bool(listing.links) and new_links == 0
        known_pages = known_pages + 1 if only_known else 0
        stop_after = self.site.stop_after_known_pages
        if following is None:
            self.context.state.columns_complete.add(column)
        elif page >= self.site.max_list_pages:
            log.info("%s: %s: stopping at max_list_pages=%d", self.site.id, column, page)
        elif stop_after and not self.context.run.baseline and known_pages >= stop_after:
            log.info("%s: %s: page %d lists only known documents; stopping", self.site.id,
                     column, page)
        else:
            request = self._list_request(following, page=page + 1, column=column,
                                         known_pages=known_pages)
            if request is not None:
                yield request
            else:
                self.context.state.columns_complete.add(column)

    def _list_failed(self, column: str, outcome: FetchOutcome, reason: str | None = None
                     ) -> None:
        state = self.context.state
        state.list_failures += 1
        state.columns_failed.add(column)
        if outcome.is_blocking:
            state.blocked += 1
        if outcome == FetchOutcome.ROBOTS:
            state.warn(f"robots.txt forbids {column} (obey_robots: false only where the "
                       "portal allows it)")
        elif reason:
            state.warn(reason)
        self._stat(f"list/{outcome}")

    def _note_offsite(self, listing: Listing) -> None:
        state = self.context.state
        fresh = [url for url in listing.offsite if url not in state.offsite]
        if fresh and not state.offsite:
            log.info("%s: document links outside allowed_domains are not followed (e.g. %s); "
                     "add their host to allowed_domains to follow them", self.site.id, fresh[0])
        state.offsite.update(fresh)

    def list_failed(self, failure: Failure) -> ListPageResult:
        request = failure.request  # type: ignore[attr-defined]
        outcome, reason = failure_outcome(failure)
        self.context.state.list_pages += 1
        self._list_failed(request.cb_kwargs["column"], outcome, f"{request.url}: {reason}")
        return ListPageResult(self.site.id, request.url, request.cb_kwargs["page"], outcome,
                              _now(), detail=reason)

    # ---------------------------------------------------------------------------- details

    def _detail_request(self, url: str, doc: DocumentRecord | None, *,
                        list_title: str | None = None, list_date: str | None = None) -> Request:
        headers = {}
        if doc is not None and doc.state == "active" and doc.current_version_id:
            headers = conditional(doc.etag, doc.last_modified)
        return Request(url, callback=self.parse_detail, errback=self.detail_failed,
                       headers=headers, dont_filter=True,
                       cb_kwargs={"doc": doc, "list_title": list_title, "list_date": list_date},
                       meta={"handle_httpstatus_list": INSPECTED})

    def parse_detail(self, response: Response, doc: DocumentRecord | None,
                     list_title: str | None, list_date: str | None
                     ) -> Iterator[Request | PageResult]:
        state = self.context.state
        self._recheck_done(response.request)
        # The document is the URL it was listed under, wherever redirects took the fetch.
        url = canonical_url(asked_url(response.request, response.url))
        content_type = header(response, "Content-Type")
        result = partial(
            PageResult, site_id=self.site.id, url=url, fetched_url=response.url,
            fetched_at=_now(), http_status=response.status, content_type=content_type,
            duration_ms=_latency_ms(response),
            list_title=list_title, list_date=list_date)
        landed = moved(response.request, response) \
            if response.status < 300 or response.status == 304 else None
        if landed is not None:
            # 首页 or a login page in the document's place (a removed document's URL sent to
            # 首页): neither the document nor evidence that it is gone.
            self._stat(f"fetch/{landed.outcome}")
            yield result(outcome=landed.outcome, detail=landed.reason)
            return
        sent = response.request.headers if response.request is not None else {}
        if response.status == 304 and (b"If-None-Match" in sent or b"If-Modified-Since" in sent):
            state.detail_ok += 1
            self._stat("fetch/not_modified")
            yield from self._recheck_attachments(doc, result(outcome=FetchOutcome.NOT_MODIFIED))
            return
        raw = response.body
        if "dataloss" in response.flags:  # DOWNLOAD_FAIL_ON_DATALOSS switched off
            yield result(outcome=FetchOutcome.TRUNCATED, detail="body shorter than announced")
            return
        source, _ = decode(raw, content_type, self.site.encoding)
        verdict = diagnose(response.status, source)
        if verdict.outcome != FetchOutcome.OK:
            self._stat(f"fetch/{verdict.outcome}")
            if verdict.outcome == FetchOutcome.CHALLENGE:
                self._challenged(verdict.reason)
            yield result(outcome=verdict.outcome, detail=verdict.reason)
            return
        state.detail_ok += 1
        digest = hashlib.sha256(raw).hexdigest()
        etag, modified = header(response, "ETag"), header(response, "Last-Modified")
        if doc is not None and doc.raw_sha256 == digest and doc.state == "active":
            self._stat("fetch/unchanged")
            yield from self._recheck_attachments(doc, result(
                outcome=FetchOutcome.UNCHANGED, raw_sha256=digest, etag=etag,
                last_modified=modified))
            return
        extraction = extract(raw, url, content_type=content_type, options=ExtractOptions(
            encoding=self.site.encoding, metadata_selector=self.site.metadata_selector,
            body_selector=self.site.body_selector))
        if not extraction.has_body and not extraction.metadata_raw:
            yield result(outcome=FetchOutcome.EMPTY, raw_sha256=digest,
                         detail="; ".join(extraction.warnings))
            return
        self._stat("fetch/ok")
        page = result(outcome=FetchOutcome.OK, raw=raw, raw_sha256=digest,
                      extraction=extraction, etag=etag, last_modified=modified)
        previous = self.context.ingestor.attachments_of(doc) if doc is not None else {}
        yield from self._next_attachment(page, list(extraction.attachments), [], previous)

    def _challenged(self, reason: str | None) -> None:
        state = self.context.state
        if not state.detail_blocked:
            state.warn(f"document pages are answered with a challenge (first: {reason})")
        state.detail_blocked += 1

    def detail_failed(self, failure: Failure) -> PageResult:
        request = failure.request  # type: ignore[attr-defined]
        self._recheck_done(request)
        outcome, reason = failure_outcome(failure)
        self._stat(f"fetch/{outcome}")
        if outcome == FetchOutcome.CHALLENGE:
            self._challenged(reason)
        url = canonical_url(asked_url(request, request.url))
        return PageResult(site_id=self.site.id, url=url, fetched_url=request.url,
                          outcome=outcome, fetched_at=_now(), detail=reason,
                          list_title=request.cb_kwargs.get("list_title"),
                          list_date=request.cb_kwargs.get("list_date"))

    # ---------------------------------------------------------------------------- rechecks

    def _idle(self) -> None:
        """Once the lists are done, recheck the known documents that are due and were not
        listed, a batch at a time (memory stays flat however many documents the site has);
        each batch is topped up as it drains, so the downloader never waits for the next."""
        if self.rechecks_done or self.recheck_cursor:
            return
        state = self.context.state
        if state.list_pages and state.list_failures == state.list_pages:
            self.rechecks_done = True
            return  # the site is down or blocking us: don't hammer it with rechecks
        if self._schedule_rechecks():
            raise DontCloseSpider

    def _schedule_rechecks(self) -> int:
        state = self.context.state
        if self.rechecks_done or (state.detail_blocked and not state.detail_ok):
            self.rechecks_done = True  # a WAF answers every document: stop asking
            return 0
        scheduled = 0
        while not scheduled:
            due = self.context.ingestor.due_batch(after_id=self.recheck_cursor,
                                                  limit=self.recheck_batch)
            if not due:
                self.rechecks_done = True
                if state.rechecks:
                    log.info("%s: %d known documents rechecked", self.site.id, state.rechecks)
                return 0
            self.recheck_cursor = due[-1].id
            for doc in due:
                if doc.url in state.requested:
                    continue  # listed in this run: already asked for
                state.requested.add(doc.url)
                state.rechecks += 1
                scheduled += 1
                request = self._detail_request(doc.url, doc)
                request.meta["recheck"] = True
                self.crawler.engine.crawl(request)
        self.rechecks_pending += scheduled
        log.info("%s: rechecking %d known documents", self.site.id, scheduled)
        return scheduled

    def _recheck_done(self, request: Request | None) -> None:
        if request is None or not request.meta.get("recheck"):
            return
        self.rechecks_pending -= 1
        if self.rechecks_pending <= self.recheck_batch // 4 and not self.rechecks_done:
            self._schedule_rechecks()
