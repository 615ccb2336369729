"""Run bookkeeping and progress, as extensions listening to signals (not in the data path)."""

from __future__ import annotations

import logging
import time

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
    """Logs what a long crawl has done so far, every GOVWATCH_PROGRESS_INTERVAL seconds: list
    pages, documents by what came of them, the rate, what is still queued, and any warning the
    run has collected — enough to tell a slow portal from a stuck or blocked one."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: task.LoopingCall | None = None
        self.started = time.monotonic()
        self.warned = 0

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
        self.started = time.monotonic()
        self.task = task.LoopingCall(self.report, spider)
        self.task.start(self.interval, now=False)

    def line(self, spider: Spider) -> str:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        docs = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                if k.startswith("govwatch/document/")}
        lists = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                 if k.startswith("govwatch/list/")}
        elapsed = max(time.monotonic() - self.started, 1e-9)
        done = sum(docs.values())
        queued = stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
        failed_lists = sum(v for k, v in lists.items() if k != "ok")
        parts = [f"{spider.name}: {_duration(elapsed)}",
                 f"{sum(lists.values())} list pages"
                 + (f" ({failed_lists} failed)" if failed_lists else ""),
                 f"{done} documents ("
                 + (", ".join(f"{k} {v}" for k, v in sorted(docs.items())) or "none yet") + ")",
                 f"{done / elapsed:.1f}/s",
                 f"{queued} queued",
                 f"{stats.get('downloader/request_count', 0)} requests"]
        retries = stats.get("retry/count", 0)
        if retries:
            parts.append(f"{retries} retries")
        return " · ".join(parts)

    def report(self, spider: Spider) -> None:
        log.info("%s", self.line(spider))
        context = CrawlContext.peek(self.crawler)
        warnings = context.state.warnings if context is not None else []
        for warning in warnings[self.warned:]:
            log.warning("%s: %s", spider.name, warning)
        self.warned = len(warnings)

    def spider_closed(self, spider: Spider) -> None:
        if self.task and self.task.running:
            self.task.stop()
        if time.monotonic() - self.started >= self.interval:
            log.info("%s (done)", self.line(spider))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
