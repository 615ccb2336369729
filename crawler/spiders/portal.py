"""The generic portal spider: one site's list pages (栏目) → document pages → attachments.

A site is data (``seeds/*.yaml``); ``crawler.spiderloader`` makes one subclass of this spider per
configured site, so ``scrapy crawl wuxi-fgw`` works, and quirks are overrides in the YAML.

A run asks only for what it must:

- list pages until a page lists only documents the archive knows (``stop_after_known_pages``;
  not on the site's first, baseline crawl, and only where ``crawler.walks`` allows it: after a
  whole walk of the column since its last list failure, within the full-walk period, and while
  the pager's stated total is explained by the new documents), at most ``max_list_pages`` per
  column — a column cut there is reported;
- listed documents whose fetch failed (``pending``) on every run until they are archived, and,
  after a run that walked every column whole, the known documents the lists no longer show:
  missing from a list is never evidence that a document is gone, only its own fetch is;
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
from crawler.context import CrawlContext, CrawlState
from crawler.discovery import Listing, discover
from crawler.extraction import ExtractOptions, extract
from crawler.extraction.attachments import attachment_extension
from crawler.extraction.encoding import decode
from crawler.extraction.files import file_format
from crawler.failures import failure_outcome
from crawler.faults import Verdict, diagnose
from crawler.items import FetchedAttachment, ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from crawler.pagination import NextPage, xml_encoding
from crawler.redirects import INSPECTED, asked_url, moved
from crawler.urls import canonical_url
from crawler.walks import DEFAULT_FULL_WALK_DAYS, judge, may_stop_early
from monitor.config import SiteConfig
from monitor.store.records import ColumnWalkRecord, DocumentRecord, PendingRecord

log = logging.getLogger(__name__)

JS_LIST = ("list page has no document links; the portal renders its list with JavaScript — "
           "configure a start URL whose HTML lists the documents (the column's static index or "
           "the site's 信息公开 catalogue), see README “Adding a portal”")
SAYS_EMPTY = "list page has no document links and says the column is empty (暂无信息)"
NO_LINKS = ("list page has no document links — check the start URL, or configure link_pattern "
            "/ list_selector for this portal's markup (`govwatch sites --check` shows what "
            "discovery finds)")
# A page after the first that lists nothing: the pager promised more (a Hanweb proxy answering
# an empty datastore to a session check or a WAF rule, a page the CMS failed to generate).
EMPTY_PAGE = "list page {page} lists no documents where the pager promised more"


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
    full_walk_days: float
    walks: dict[str, ColumnWalkRecord]  # each column's walk state when the run started
    rechecks_done: bool = False
    rechecks_started: bool = False
    recheck_phase: int = 0        # index in RECHECK_PHASES
    recheck_cursor: int = 0       # id of the last row of the phase queued
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
        # The site's own full_walk_days over the crawl's.
        days = spider.site.full_walk_days
        spider.full_walk_days = float(days) if days is not None else crawler.settings.getfloat(
            "GOVWATCH_FULL_WALK_DAYS", DEFAULT_FULL_WALK_DAYS)
        spider.walks = spider.context.ingestor.column_walks()
        spider.rechecks_done = spider.rechecks_started = False
        spider.recheck_phase = spider.recheck_cursor = spider.rechecks_pending = 0
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
        progress = state.column(column)
        if not listing.links and page > 1 and state.column_links.get(column):
            # Not the column's end: a walk that ends here is short, and its documents further
            # down would pass for gone (an empty Hanweb proxy answer while totalRecord says 14).
            reason = EMPTY_PAGE.format(page=page)
            self._list_failed(column, FetchOutcome.EMPTY, f"{response.url}: {reason}")
            yield result(FetchOutcome.EMPTY, detail=reason)
            return
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
                                       list_date=link.date, listed=True)

        following = next(iter(listing.next), None)
        # Past its end a pager may answer page 1 again (list.do?page=99): a page listing only
        # what this run has already seen ends the column.
        listed = state.listed.setdefault(column, set())
        repeated = page > 1 and bool(listing.links) and all(
            link.url in listed for link in listing.links)
        if repeated:
            log.info("%s: %s repeats documents listed before; end of %s", self.site.id,
                     response.url, column)
        fresh = len({link.url for link in listing.links} - listed)
        listed.update(link.url for link in listing.links)
        if listing.links:
            progress.read(listing, after, page=page, fresh=fresh, new=new_links)
        ended = following is None or repeated or (not listing.links and page > 1)
        if ended and state.column_links[column] == 0:
            reason = JS_LIST if listing.scripted else SAYS_EMPTY if listing.says_empty \
                else NO_LINKS
            state.warn(reason)
            self._list_failed(column, FetchOutcome.EMPTY)
            log.warning("%s: %s: %s", self.site.id, response.url, reason)
            yield result(FetchOutcome.EMPTY, detail=reason)
            return
        if following is None and listing.pager_warning:
            # A 下一页 that runs a script, or 共5页 当前第2页 and no link: the column goes on
            # where govwatch cannot follow — not its end.
            progress.end = "unread"
            state.warn(f"{response.url}: {listing.pager_warning}; documents on later pages are "
                       "not crawled (next_page_selector names the next-page link)")
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
        progress = self.context.state.column(column)
        only_known = bool(listing.links) and new_links == 0
        known_pages = known_pages + 1 if only_known else 0
        stop_after = self.site.stop_after_known_pages
        if following is None:
            progress.end = progress.end or "end"
        elif page >= self.site.max_list_pages:
            progress.end = "cap"
            self._capped(column, page)
        elif stop_after and not self.context.run.baseline and known_pages >= stop_after \
                and may_stop_early(self.walks.get(column), progress,
                                   now=self.context.run.started_at,
                                   full_walk_days=self.full_walk_days):
            progress.end = "early"
            log.info("%s: %s: page %d lists only known documents; stopping", self.site.id,
                     column, page)
        else:
            request = self._list_request(following, page=page + 1, column=column,
                                         known_pages=known_pages)
            if request is not None:
                yield request
            else:
                progress.end = "end"  # the pager points back to a page this walk read

    def _capped(self, column: str, page: int) -> None:
        """The walk stops at max_list_pages with more pages to go: documents listed further
        down are never crawled, and the user must hear it (the real 邯郸 column states
        countPage=56 against the default of 20)."""
        progress = self.context.state.column(column)
        log.info("%s: %s: stopping at max_list_pages=%d", self.site.id, column, page)
        states = ""
        if progress.stated is not None and progress.unit == "pages":
            states = f" of the {progress.stated} its pager states"
        elif progress.stated is not None:
            states = f" ({progress.stated} documents, its pager states)"
        self.context.state.warn(
            f"{column}: stopped at max_list_pages={self.site.max_list_pages}{states}; documents "
            "listed on later pages are not crawled (raise max_list_pages for this site)")

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
                        list_title: str | None = None, list_date: str | None = None,
                        listed: bool = False) -> Request:
        """``listed``: the URL comes from a list (this run's, or a pending one's): if its fetch
        fails before the document is archived, it stays pending (``Ingestor.page``)."""
        headers = {}
        if doc is not None and doc.state == "active" and doc.current_version_id:
            headers = conditional(doc.etag, doc.last_modified)
        meta: dict[str, Any] = {"handle_httpstatus_list": INSPECTED}
        if attachment_extension(url):
            # A document that is a file is held to the attachments' size limit.
            meta["download_maxsize"] = self.attachment_maxsize
        return Request(url, callback=self.parse_detail, errback=self.detail_failed,
                       headers=headers, dont_filter=True,
                       cb_kwargs={"doc": doc, "list_title": list_title, "list_date": list_date,
                                  "listed": listed},
                       meta=meta)

    def parse_detail(self, response: Response, doc: DocumentRecord | None,
                     list_title: str | None, list_date: str | None, listed: bool = False
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
            list_title=list_title, list_date=list_date, listed=listed)
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
        # A document that is a file (a list row linking straight to a PDF) has no page to
        # diagnose; an error page answering a file's URL is a page, and diagnosed.
        is_file = response.status == 200 and file_format(raw) is not None
        if not is_file:
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
        if not extraction.has_body and not extraction.metadata_raw and not extraction.is_file:
            yield result(outcome=FetchOutcome.EMPTY, raw_sha256=digest,
                         detail="; ".join(extraction.warnings))
            return
        self._stat("fetch/ok")
        page = result(outcome=FetchOutcome.OK, raw=raw, raw_sha256=digest,
                      extraction=extraction, etag=etag, last_modified=modified)
        previous = self.context.ingestor.attachments_of(doc) if doc is not None else {}
        if extraction.is_file:
            # The file is its own attachment, fetched already: its bytes are the version's raw
            # bytes (stored once under their hash), so none are handed on twice.
            done = [FetchedAttachment(a.name, a.url, FetchOutcome.OK, a.sha256, a.size,
                                      content_type, None, etag, modified)
                    for a in extraction.attachments]
            yield from self._next_attachment(page, [], done, previous)
            return
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
                          list_date=request.cb_kwargs.get("list_date"),
                          listed=bool(request.cb_kwargs.get("listed")))

    # ---------------------------------------------------------------------------- rechecks

    def _idle(self) -> None:
        """Once the lists are done, ask for what they did not bring (``RECHECK_PHASES``), a
        batch at a time (memory stays flat however many documents the site has); each batch is
        topped up as it drains, so the downloader never waits for the next."""
        if self.rechecks_done or self.rechecks_started:
            return
        self.rechecks_started = True
        state = self.context.state
        if state.list_pages and state.list_failures == state.list_pages:
            self.rechecks_done = True
            return  # the site is down or blocking us: don't hammer it with rechecks
        if self._schedule_rechecks():
            raise DontCloseSpider

    # What a run asks for once its lists are done, in turn:
    # - pending: listed URLs whose fetch failed before the document was archived (their list
    #   page may not be walked again once the pages before it hold only known documents);
    # - unlisted: after a run that walked every column whole, the documents the lists showed
    #   since the last such walk and no longer show — only their fetch says whether they are
    #   gone (a column whose pager changed lists a third of its documents, all still online);
    # - due: known documents whose recheck time has come (monitor.recheck).
    RECHECK_PHASES = ("pending", "unlisted", "due")

    def _walked_whole(self, state: CrawlState | None = None) -> int | None:
        """After a run that walked every column whole: documents listed in this run id or
        later, and not in this run, are to be asked for again. None otherwise. ``state``: the
        run's lists as a whole (a distributed round's merged workers), this crawl's by
        default."""
        state = state or self.context.state
        if state.list_failures or self.context.run.baseline:
            return None
        previous = []
        for url in self.site.start_urls:
            walk = self.walks.get(url)
            if not judge(url, state.columns.get(url), walk, failed=False).complete:
                return None
            previous.append(walk.walked_run_id if walk is not None and walk.complete
                            and walk.walked_run_id is not None else 0)
        return min(previous, default=0)

    def _rows(self, phase: str, after: int) -> list[PendingRecord] | list[DocumentRecord]:
        ingestor, limit = self.context.ingestor, self.recheck_batch
        if phase == "pending":
            return ingestor.pending_batch(after_id=after, limit=limit)
        if phase == "unlisted":
            since = self._walked_whole()
            return [] if since is None else ingestor.unlisted_batch(since, after_id=after,
                                                                    limit=limit)
        return ingestor.due_batch(after_id=after, limit=limit)

    def _batch(self) -> list[tuple[str, Request]]:
        """The next batch of (URL, request) of the current phase, moving on to the next phase
        when one runs dry; empty when every phase has."""
        requested = self.context.state.requested
        while self.recheck_phase < len(self.RECHECK_PHASES):
            rows = self._rows(self.RECHECK_PHASES[self.recheck_phase], self.recheck_cursor)
            if not rows:
                self.recheck_phase += 1
                self.recheck_cursor = 0
                continue
            self.recheck_cursor = rows[-1].id
            batch = [(row.url, self._detail_request(row.url, None, list_title=row.list_title,
                                                    list_date=row.list_date, listed=True)
                      if isinstance(row, PendingRecord) else self._detail_request(row.url, row))
                     for row in rows if row.url not in requested]
            if batch:
                return batch
        return []

    def _schedule_rechecks(self) -> int:
        state = self.context.state
        if self.rechecks_done or (state.detail_blocked and not state.detail_ok):
            self.rechecks_done = True  # a WAF answers every document: stop asking
            return 0
        batch = self._batch()
        if not batch:
            self.rechecks_done = True
            if state.rechecks:
                log.info("%s: %d known documents rechecked", self.site.id, state.rechecks)
            return 0
        for url, request in batch:
            state.requested.add(url)
            state.rechecks += 1
            request.meta["recheck"] = True
            self.crawler.engine.crawl(request)
        self.rechecks_pending += len(batch)
        log.info("%s: asking for %d documents (%s)", self.site.id, len(batch),
                 self.RECHECK_PHASES[self.recheck_phase])
        return len(batch)

    def _recheck_done(self, request: Request | None) -> None:
        if request is None or not request.meta.get("recheck"):
            return
        self.rechecks_pending -= 1
        if self.rechecks_pending <= self.recheck_batch // 4 and not self.rechecks_done:
            self._schedule_rechecks()
