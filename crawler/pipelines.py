"""The item pipeline: every fetch the spider reports goes into the archive."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.context import CrawlContext
from crawler.items import ListPageResult, PageResult


class StorePipeline:
    """Hands each ``PageResult`` to the monitor's ``Ingestor``, which decides on versions and
    events; ``ListPageResult`` becomes a fetch record."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        ingestor = CrawlContext.of(self.crawler).ingestor
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, ListPageResult):
            ingestor.list_page(item)
        elif isinstance(item, PageResult):
            outcome = ingestor.page(item)
            stats.inc_value(f"govwatch/document/{outcome.value}")
        return item
