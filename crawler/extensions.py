"""Run bookkeeping and progress, as extensions listening to signals (not in the data path)."""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.context import CrawlContext
from monitor.runs import finish_run

log = logging.getLogger(__name__)


class RunRecorder:
    """Closes the run record when the spider closes: status (ok, partial, failed, blocked),
    removal bookkeeping, and the run's counters."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        context = CrawlContext.of(self.crawler)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        counters = {k.removeprefix("govwatch/"): v for k, v in stats.items()
                    if k.startswith("govwatch/")}
        counters["requests"] = stats.get("downloader/request_count", 0)
        run = finish_run(context.database, context.site, context.run, context.state,
                         reason=reason, counters=counters)
        log.info("%s: run %d finished: %s (%s)", context.site.id, run.id, run.status,
                 run.message or reason)
        context.database.dispose()


class Progress:
    """Logs what a long crawl has done so far, every GOVWATCH_PROGRESS_INTERVAL seconds."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("GOVWATCH_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.task = task.LoopingCall(self.report, spider)
        self.task.start(self.interval, now=False)

    def report(self, spider: Spider) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        docs = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                if k.startswith("govwatch/document/")}
        log.info("%s: %d list pages, %d documents fetched (%s), %d requests made",
                 spider.name, stats.get("govwatch/list/ok", 0), sum(docs.values()),
                 ", ".join(f"{k} {v}" for k, v in sorted(docs.items())) or "none yet",
                 stats.get("downloader/request_count", 0))

    def spider_closed(self, spider: Spider) -> None:
        if self.task and self.task.running:
            self.task.stop()
