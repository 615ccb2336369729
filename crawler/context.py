"""The per-crawl link between the Scrapy process and the archive.

One ``CrawlContext`` per crawler (one site): it loads the configuration and opens the database
named in the settings, starts the run record, and gives the spider, the pipeline and the run
extension the same ``Ingestor``. Created lazily by whichever component asks first.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.walks import ColumnProgress
from monitor.config import Config, SiteConfig, default_config_path, load_config
from monitor.ingest import Ingestor
from monitor.runs import start_run
from monitor.store.db import Database, open_database
from monitor.store.records import RunRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_ATTR = "_govwatch_context"


@dataclass
class CrawlState:
    """What the spider learns about the run, read by the run extension at the end."""

    list_pages: int = 0
    list_failures: int = 0
    # how far each column (start URL) was walked, and what its pages said (crawler.walks)
    columns: dict[str, ColumnProgress] = field(default_factory=dict)
    columns_failed: set[str] = field(default_factory=set)
    blocked: int = 0
    requested: set[str] = field(default_factory=set)
    # document URLs each column's pages showed this run (a pager looping back is its end)
    listed: dict[str, set[str]] = field(default_factory=dict)
    # document links found per column (start URL): a column that ends with none is reported
    column_links: dict[str, int] = field(default_factory=dict)
    # list requests made, as (method, url, form): pagination never asks for a page twice
    lists_requested: set[tuple[str, str, tuple[tuple[str, str], ...]]] = field(
        default_factory=set)
    detail_ok: int = 0            # document fetches that answered with the document
    detail_blocked: int = 0       # … that met a WAF or JavaScript challenge
    rechecks: int = 0             # known documents rechecked because they were due
    offsite: set[str] = field(default_factory=set)  # document links outside allowed_domains
    # what the run summary and the run record's message should tell the user, in order
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def column(self, url: str) -> ColumnProgress:
        return self.columns.setdefault(url, ColumnProgress())


@dataclass
class CrawlContext:
    config: Config
    site: SiteConfig
    database: Database
    run: RunRecord
    ingestor: Ingestor
    state: CrawlState

    @classmethod
    def of(cls, crawler: Crawler, site_id: str | None = None) -> CrawlContext:
        """The crawler's context; the spider creates it (it knows the site), others read it."""
        context: CrawlContext | None = getattr(crawler, _ATTR, None)
        if context is None:
            if site_id is None:
                raise RuntimeError("govwatch components need a PortalSpider")
            context = cls.create(crawler, site_id)
            setattr(crawler, _ATTR, context)
        return context

    def install(self, crawler: Crawler) -> None:
        """Make this the crawler's context, before the spider asks for one: for a worker that
        joins a run another process started (``crawler.round_spider``)."""
        setattr(crawler, _ATTR, self)

    @classmethod
    def peek(cls, crawler: Crawler) -> CrawlContext | None:
        """The crawler's context if a spider has created it (extensions that only report)."""
        context: CrawlContext | None = getattr(crawler, _ATTR, None)
        return context

    @classmethod
    def create(cls, crawler: Crawler, site_id: str) -> CrawlContext:
        settings = crawler.settings
        config = load_config(settings.get("GOVWATCH_CONFIG") or default_config_path())
        site = config.site(site_id)
        database = open_database(settings.get("GOVWATCH_DB"))
        worker = f"{socket.gethostname()}:{os.getpid()}"
        run = start_run(database, site, worker=worker)
        return cls(config, site, database, run, Ingestor(database, site, run), CrawlState())
