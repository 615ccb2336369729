"""The item pipeline: every fetch the spider reports goes into the archive."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.context import CrawlContext
from crawler.items import ListPageResult, PageResult
from crawler.outcomes import FetchOutcome

_UNCHANGED = (FetchOutcome.NOT_MODIFIED, FetchOutcome.UNCHANGED)


class StorePipeline:
    """Hands each ``PageResult`` to the monitor's ``Ingestor``, which decides on versions and
    events; ``ListPageResult`` becomes a fetch record.

    Fetches that found a document unchanged (304, or the same bytes) are stored
    GOVWATCH_STORE_BATCH at a time (``Ingestor.unchanged_many``): a recheck run is mostly
    these, and one transaction for each made the database the slowest part of it. The batch is
    written whenever the spider goes idle and when it closes, before the run is recorded.
    """

    def __init__(self, crawler: Crawler, batch: int = 50) -> None:
        self.crawler = crawler
        self.batch = batch
        self.unchanged: list[PageResult] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings.getint("GOVWATCH_STORE_BATCH", 50))
        crawler.signals.connect(pipeline.flush, signal=signals.spider_idle)
        return pipeline

    def process_item(self, item: object) -> object:
        ingestor = CrawlContext.of(self.crawler).ingestor
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, ListPageResult):
            ingestor.list_page(item)
        elif isinstance(item, PageResult) and item.outcome in _UNCHANGED and self.batch > 1 \
                and not item.attachments:  # with them: a file changed behind an unchanged page
            self.unchanged.append(item)
            if len(self.unchanged) >= self.batch:
                self.flush()
        elif isinstance(item, PageResult):
            outcome = ingestor.page(item)
            stats.inc_value(f"govwatch/document/{outcome.value}")
        return item

    def flush(self) -> None:
        if not self.unchanged:
            return
        items, self.unchanged = self.unchanged, []
        stats = self.crawler.stats
        assert stats is not None
        for outcome in CrawlContext.of(self.crawler).ingestor.unchanged_many(items):
            stats.inc_value(f"govwatch/document/{outcome.value}")

    def close_spider(self) -> None:
        self.flush()
