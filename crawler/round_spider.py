"""``PortalSpider`` as one worker of a round (``crawler.rounds``): same pages, same items, but the
run is shared, the start requests are made once, and the round ends once.

- The run record is the round's (looked up, not started) and the start URLs are queued only by
  the worker that started the round; the others take requests from the shared frontier.
- ``_idle`` (connected to ``spider_idle`` by ``PortalSpider``) asks the round what to do: wait
  for the others, schedule the rechecks of known documents (one worker, once per round: the
  duplicate filter drops those this round fetched already), or finish the run.
- Each worker publishes its counters when it goes idle; the finisher merges them for
  ``monitor.runs.finish_run``, which therefore decides the status, the baseline and removals
  from the whole round's lists, exactly as after a single-process crawl.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from crawler.context import CrawlContext, CrawlState
from crawler.rounds import HEARTBEAT, WORKER_TIMEOUT, Action, Round
from crawler.spiderloader import site_settings
from crawler.spiders.portal import PortalSpider
from crawler.walks import ColumnProgress
from monitor.config import SiteConfig, default_config_path, load_config
from monitor.exceptions import DistributedError
from monitor.ingest import Ingestor
from monitor.locks import owner_id
from monitor.runs import finish_run
from monitor.store.db import open_database
from monitor.store.records import DocumentRecord, RunRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

# Scrapy looks at an idle spider again only at its engine's heartbeat, every 5 s: a worker whose
# share of the frontier ran dry while another worker reads the next list page would sit out up to
# 5 s each time. A waiting worker asks for the next look after this many seconds instead.
IDLE_POLL = 0.25


def snapshot(crawler: Crawler, state: CrawlState) -> dict[str, Any]:
    """What this worker contributes to the round's run: its list-page tally and its counters."""
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counters = {k.removeprefix("govwatch/"): v for k, v in stats.items()
                if k.startswith("govwatch/") and isinstance(v, int | float)}
    counters["requests"] = stats.get("downloader/request_count", 0)
    counters["pages"] = stats.get("item_scraped_count", 0)  # list and document pages stored
    return {"list_pages": state.list_pages, "list_failures": state.list_failures,
            "blocked": state.blocked,
            "columns": {url: progress.to_json() for url, progress in state.columns.items()},
            "columns_failed": sorted(state.columns_failed), "warnings": list(state.warnings),
            "counters": counters}


def merge(snapshots: dict[str, dict[str, Any]]) -> tuple[CrawlState, dict[str, Any]]:
    """The round's state and counters from every worker's snapshot. ``counters["workers"]``
    says what each worker did: requests made, pages stored."""
    state = CrawlState()
    counters: dict[str, Any] = {}
    workers: dict[str, dict[str, int]] = {}
    columns: dict[str, list[dict[str, Any]]] = {}
    for worker, snap in sorted(snapshots.items()):
        state.list_pages += snap["list_pages"]
        state.list_failures += snap["list_failures"]
        state.blocked += snap["blocked"]
        for url, progress in snap.get("columns", {}).items():
            columns.setdefault(url, []).append(progress)
        state.columns_failed.update(snap["columns_failed"])
        for warning in snap.get("warnings", []):
            state.warn(warning)
        for key, value in snap["counters"].items():
            counters[key] = counters.get(key, 0) + value
        workers[worker] = {k: snap["counters"].get(k, 0) for k in ("requests", "pages")}
    counters["workers"] = workers
    # A column's pages are read by whichever worker takes them: its walk is the sum of theirs.
    state.columns = {url: ColumnProgress.merge(parts) for url, parts in columns.items()}
    return state, counters


class RoundSpider(PortalSpider):
    """A worker of the round of ``run_id``; ``round_role`` ``"start"`` queues the start URLs."""

    run_id: ClassVar[int] = 0
    round_role: ClassVar[str] = "join"
    round: Round
    round_finished: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RoundSpider:
        if not cls.site_id or not cls.run_id:
            raise ValueError("RoundSpider needs a site and a run: use round_spider_for()")
        settings = crawler.settings
        config = load_config(settings.get("GOVWATCH_CONFIG") or default_config_path())
        site = config.site(cls.site_id)
        database = open_database(settings.get("GOVWATCH_DB"))
        with database.session() as session:
            run = Repository(session).get_run(cls.run_id)
        if run is None:
            raise DistributedError(f"{site.id}: run {cls.run_id} is not in {database.url}: "
                                   "do all workers use the same database?")
        # The round's run, not a new one (CrawlContext.create would start one).
        CrawlContext(config, site, database, run, Ingestor(database, site, run),
                     CrawlState()).install(crawler)
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, RoundSpider)
        spider.round = Round(get_redis_from_settings(settings),
                             settings.get("GOVWATCH_REDIS_PREFIX"), site.id, owner_id(),
                             timeout=settings.getfloat("GOVWATCH_WORKER_TIMEOUT",
                                                       WORKER_TIMEOUT))
        spider.round.run_id = run.id
        spider.round_finished = False
        return spider

    def _detail_request(self, url: str, doc: DocumentRecord | None, *,
                        list_title: str | None = None, list_date: str | None = None,
                        listed: bool = False) -> Request:
        """Document requests go through the round's shared duplicate filter in Redis: it is what
        keeps two workers, and the rechecks one worker schedules for the whole site, from
        fetching a page twice (PortalSpider, alone in its process, skips the filter and keeps
        its own sets of what it asked for)."""
        request = super()._detail_request(url, doc, list_title=list_title, list_date=list_date,
                                          listed=listed)
        return request.replace(dont_filter=False)

    async def start(self) -> AsyncIterator[Request]:
        if self.round_role == "start":
            async for request in super().start():
                yield request

    def _idle(self) -> None:
        """Replaces ``PortalSpider._idle``: the round, not this worker, decides when the lists
        are done and when the crawl is."""
        action = self.round.idle(snapshot(self.crawler, self.context.state))
        if action == Action.RECHECK:
            if self._schedule_rechecks():
                raise DontCloseSpider
            action = self.round.idle(snapshot(self.crawler, self.context.state))
        if action == Action.WAIT:
            self._look_again_soon()
            raise DontCloseSpider
        if action == Action.FINISH:
            finish_round(self, "finished")

    def _look_again_soon(self) -> None:
        """Have the engine ask the frontier for requests (and, finding none, this spider's
        ``_idle`` again) in ``IDLE_POLL`` seconds rather than at its next heartbeat.
        ``_slot.nextcall`` is the engine's own "look again" hook; Scrapy is pinned exactly and
        tests/distributed/test_rounds.py checks that it is there."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        if slot is not None:
            slot.nextcall.schedule(IDLE_POLL)

    def _schedule_rechecks(self) -> int:
        """Queue the known documents that are due; returns how many the frontier took."""
        state, _ = merge(self.round.snapshots())
        if state.list_pages and state.list_failures == state.list_pages:
            return 0  # the site is down or blocking us: don't hammer it with rechecks
        stats = self.crawler.stats
        assert stats is not None
        before = stats.get_value("scheduler/enqueued/redis", 0)
        # PortalSpider.RECHECK_PHASES over the whole round: listed URLs an earlier run failed
        # to archive; after a round that walked every column whole (judged on every worker's
        # lists, merged), the documents that left the lists; then the due documents. The
        # shared duplicate filter drops a URL queued twice.
        ingestor = self.context.ingestor
        for pending in ingestor.pending_batch(limit=5000):
            self.crawler.engine.crawl(self._detail_request(
                pending.url, None, list_title=pending.list_title, list_date=pending.list_date,
                listed=True))
        since = self._walked_whole(state)
        after = 0
        while since is not None and (unlisted := ingestor.unlisted_batch(
                since, after_id=after, limit=self.recheck_batch)):
            after = unlisted[-1].id
            for doc in unlisted:
                self.crawler.engine.crawl(self._detail_request(doc.url, doc))
        due = ingestor.due_documents()
        for doc in due:
            self.crawler.engine.crawl(self._detail_request(doc.url, doc))
        queued = int(stats.get_value("scheduler/enqueued/redis", 0) - before)
        if queued:
            log.info("%s: rechecking %d known documents", self.site.id, queued)
        return queued


def round_spider_for(site: SiteConfig, run_id: int, role: str) -> type[RoundSpider]:
    attrs = {"name": site.id, "site_id": site.id, "custom_settings": site_settings(site),
             "run_id": run_id, "round_role": role,
             "__doc__": f"{site.display_name}: a worker of the round of run {run_id}"}
    return type(f"Round_{site.id.replace('-', '_')}", (RoundSpider,), attrs)


def finish_round(spider: RoundSpider, reason: str) -> RunRecord:
    """Close the run with every worker's counters, then forget the round in Redis."""
    context, round_ = spider.context, spider.round
    state, counters = merge(round_.snapshots())
    lost = round_.lost()
    if lost and reason == "finished":
        # Requests taken by a worker that died or was stopped are lost with it.
        reason = f"{lost} worker(s) stopped in the middle of the round"
    run = finish_run(context.database, context.site, context.run, state, reason=reason,
                     counters=counters)
    round_.close()
    spider.round_finished = True
    log.info("%s: round of run %d finished: %s (%s); pages stored per worker: %s",
             spider.site.id, run.id, run.status, run.message or reason,
             ", ".join(f"{w} {n['pages']}" for w, n in counters["workers"].items()))
    return run


class RoundRecorder:
    """The round's side of a worker's life: heartbeats while it crawls, and on close either
    leaving the round or, for the last worker out, finishing it (``RunRecorder``'s job in a
    single-process crawl)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.beats: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoundRecorder:
        ext = cls(crawler, crawler.settings.getfloat("GOVWATCH_HEARTBEAT_INTERVAL", HEARTBEAT))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        if isinstance(spider, RoundSpider):
            self.beats = task.LoopingCall(self._beat, spider)
            self.beats.start(self.interval, now=True)

    def _beat(self, spider: RoundSpider) -> None:
        try:
            spider.round.beat()
        except Exception as exc:  # a Redis hiccup must not stop the heartbeats for good
            log.warning("%s: heartbeat failed: %s", spider.site.id, exc)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.beats is not None and self.beats.running:
            self.beats.stop()
        if not isinstance(spider, RoundSpider):
            return
        if not spider.round_finished:
            action = spider.round.leave(snapshot(self.crawler, spider.context.state),
                                        clean=reason == "finished")
            if action == Action.FINISH:
                finish_round(spider, reason)
            else:
                log.info("%s: left the round of run %d (%s)", spider.site.id,
                         spider.round.run_id, reason)
        spider.context.database.dispose()
