"""Two workers storing the same document at the same moment: one document, one version, one
event, on SQLite and PostgreSQL (crawler.distributed.RetryingStorePipeline)."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.context import CrawlContext, CrawlState
from crawler.distributed import RetryingStorePipeline
from crawler.extraction import extract
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.config import Config, SiteConfig
from monitor.ingest import Ingestor
from monitor.runs import start_run
from monitor.store.db import Database
from monitor.store.repository import Repository
from tests.distributed.portal import build

SITE = SiteConfig(id="demo", start_urls=["http://127.0.0.1:1/list_1.html"])


def worker(database: Database) -> Any:
    """A pipeline as one worker's crawler holds it: its own run context, its own stats."""
    with database.session() as session:
        run = Repository(session).runs("demo", limit=1)[0]
    crawler = SimpleNamespace(settings=Settings(), spider=None)
    crawler.stats = MemoryStatsCollector(crawler)  # type: ignore[arg-type]
    CrawlContext(Config(sites=[SITE]), SITE, database, run, Ingestor(database, SITE, run),
                 CrawlState()).install(crawler)  # type: ignore[arg-type]
    return RetryingStorePipeline(crawler)  # type: ignore[arg-type]


def fetched(n: int) -> PageResult:
    raw = build(10)[f"/notice/{n}.html"].body
    url = f"http://127.0.0.1:1/notice/{n}.html"
    return PageResult(site_id="demo", url=url, fetched_url=url, outcome=FetchOutcome.OK,
                      fetched_at=datetime.now(UTC), http_status=200, raw=raw,
                      raw_sha256=hashlib.sha256(raw).hexdigest(),
                      content_type="text/html; charset=UTF-8", extraction=extract(raw, url))


def counts(database: Database) -> tuple[int, int, list[tuple[str, int]]]:
    with database.session() as session:
        repo = Repository(session)
        docs = list(repo.iter_documents("demo"))
        events = repo.events(site_id="demo")
    return (len(docs), sum(d.version_count for d in docs),
            sorted((e.kind, e.document_id) for e in events))


def test_a_document_created_meanwhile_by_another_worker_is_read_again(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    start_run(database, SITE)
    first, second = worker(database), worker(database)
    item = fetched(1)
    first.process_item(item)

    # The second worker looked before the first one's transaction was committed.
    original = Repository.find_document
    misses = iter([True])

    def stale(self: Repository, site_id: str, url: str) -> Any:
        return None if next(misses, False) else original(self, site_id, url)

    monkeypatch.setattr(Repository, "find_document", stale)
    second.process_item(item)

    assert counts(database) == (1, 1, [("new", 1)])
    assert second.crawler.stats.get_value("govwatch/store/retried") == 1
    assert second.crawler.stats.get_value("govwatch/document/unchanged") == 1


def test_workers_racing_over_the_same_documents_store_each_once(database: Database) -> None:
    start_run(database, SITE)
    pipelines = [worker(database) for _ in range(4)]
    items = [fetched(n) for n in range(8)]
    barrier = threading.Barrier(len(pipelines))
    errors: list[BaseException] = []

    def store(pipeline: Any) -> None:
        try:
            for item in items:
                barrier.wait()  # all workers hand in the same page at the same moment
                pipeline.process_item(item)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=store, args=(p,)) for p in pipelines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    documents, versions, events = counts(database)
    assert (documents, versions) == (8, 8)
    assert [kind for kind, _ in events] == ["new"] * 8
    assert len({doc for _, doc in events}) == 8
