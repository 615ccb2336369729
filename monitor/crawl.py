"""Running crawls: Scrapy in this process, one crawler per site, then the run records.

Twisted's reactor cannot be restarted, so a process crawls once; the scheduler and ``govwatch
run`` start each crawl in a child process (``python -m monitor crawl``) for that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.outcomes import FetchOutcome
from monitor.config import Config, SiteConfig
from monitor.store.db import open_database
from monitor.store.records import RunRecord
from monitor.store.repository import Repository

if TYPE_CHECKING:
    from scrapy import Spider


@dataclass(frozen=True)
class CrawlRequest:
    config_path: str
    db_url: str
    site_ids: tuple[str, ...]
    verbose: bool = False
    settings: tuple[tuple[str, object], ...] = ()
    # The spider class of each site; crawler.spiderloader.spider_for when not given (a
    # distributed crawl gives crawler.round_spider's).
    spider_factory: Callable[[SiteConfig], type[Spider]] | None = None


def crawl(config: Config, request: CrawlRequest) -> list[RunRecord]:
    """Crawl the sites (all enabled ones when none are named); returns their run records."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiderloader import spider_for

    sites = config.select_sites(request.site_ids)
    database = open_database(request.db_url)  # migrate once, before crawlers race to it
    with database.session() as session:
        repo = Repository(session)
        # A subscription receives events from the moment it is first seen; registering it
        # before the crawl means a new subscriber hears about this crawl's findings.
        repo.sync_subscriptions([s.id for s in config.subscriptions], datetime.now(UTC))
        records = {s.id: repo.get_site(s.id) for s in sites}
        before = {site_id: r.last_run_id if r else None for site_id, r in records.items()}
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GOVWATCH_CONFIG", request.config_path, priority="cmdline")
    settings.set("GOVWATCH_DB", request.db_url, priority="cmdline")
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="cmdline")
    for name, value in request.settings:
        settings.set(name, value, priority="cmdline")
    # govwatch's logging configuration (monitor.cli) stays in charge of what is shown.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    for site in sites:
        process.crawl((request.spider_factory or spider_for)(site))
    process.start()

    runs: list[RunRecord] = []
    with database.session() as session:
        repo = Repository(session)
        for site in sites:
            record = repo.get_site(site.id)
            if record and record.last_run_id and record.last_run_id != before.get(site.id):
                run = repo.get_run(record.last_run_id)
                if run:
                    runs.append(run)
    database.dispose()
    return runs


# Outcomes a summary line does not list under "failed:" (a soft-404 is listed: it may be a
# page govwatch misread, worth a look).
_QUIET = frozenset(o.value for o in FetchOutcome if o.is_content) | {FetchOutcome.GONE.value}


def summarize(runs: Sequence[RunRecord]) -> list[str]:
    """One line per run for the terminal: what was fetched, what came of it, and — for a site
    that is failing, blocked or not read as expected — what the user should know or do."""
    lines = []
    for run in runs:
        stats = run.stats
        events = stats.get("events", {})
        fetches = stats.get("fetches", {})
        failed = {k: v for k, v in fetches.items() if k not in _QUIET}
        cheap = {k: fetches[k] for k in ("not_modified", "unchanged") if fetches.get(k)}
        status = run.status.upper() if run.status in ("failed", "blocked") else run.status
        parts = [f"{run.site_id}: {status}",
                 f"{stats.get('list_pages', 0)} list pages",
                 f"{sum(fetches.values())} fetches"
                 + (" (" + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in cheap.items())
                    + ")" if cheap else "")]
        if stats.get("requests"):
            parts.append(f"{stats['requests']} requests")
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(events.items()))
        parts.append(f"events: {kinds or 'none'}" + (" (baseline)" if run.baseline else ""))
        if failed:
            parts.append("failed: " + ", ".join(f"{k} {v}" for k, v in sorted(failed.items())))
        if run.message:
            parts.append(run.message)
        lines.append(" · ".join(parts))
    return lines
