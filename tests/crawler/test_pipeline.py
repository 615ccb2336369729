"""The store pipeline's batch of unchanged fetches records what ``Ingestor.page`` would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.extraction import extract
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.ingest import Ingested, Ingestor
from monitor.runs import start_run
from monitor.store.db import Database
from monitor.store.repository import Repository
from tests.crawler.portals import detail_html, make_docs

SITE = SiteConfig(id="batch", start_urls=["http://127.0.0.1:9/list.html"])
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _new(ingestor: Ingestor, url: str, n: int) -> None:
    doc = make_docs("/b/", n, shape="trs", site="批量")[0]
    raw = detail_html(doc).encode()
    item = PageResult(site_id=SITE.id, url=url, fetched_url=url, outcome=FetchOutcome.OK,
                      fetched_at=NOW, http_status=200, raw=raw, raw_sha256=str(n),
                      content_type="text/html; charset=utf-8", etag=f'"{n}"',
                      extraction=extract(raw, url, content_type="text/html; charset=utf-8"))
    assert ingestor.page(item) == Ingested.NEW


def test_unchanged_many_matches_page(database: Database) -> None:
    run = start_run(database, SITE, now=NOW)
    ingestor = Ingestor(database, SITE, run)
    urls = [f"http://127.0.0.1:9/b/t2021030{n}_{n}.html" for n in (1, 2)]
    for n, url in enumerate(urls, 1):
        _new(ingestor, url, n)
    later = NOW + timedelta(days=40)
    items = [PageResult(site_id=SITE.id, url=url, fetched_url=url,
                        outcome=FetchOutcome.NOT_MODIFIED, fetched_at=later, http_status=304,
                        list_title="列表标题") for url in urls]
    unknown = PageResult(site_id=SITE.id, url="http://127.0.0.1:9/x.html",
                         fetched_url="http://127.0.0.1:9/x.html",
                         outcome=FetchOutcome.UNCHANGED, fetched_at=later)
    assert ingestor.unchanged_many([*items, unknown]) == [
        Ingested.UNCHANGED, Ingested.UNCHANGED, Ingested.FAILED]
    with database.session() as session:
        repo = Repository(session)
        docs = repo.find_documents(SITE.id, urls)
        fetches = repo.fetches(run_id=run.id)
    for url in urls:
        doc = docs[url]
        assert doc.last_checked == later and doc.last_seen == later
        assert doc.next_check_at is not None and doc.next_check_at > later
        assert doc.etag is not None  # a 304 keeps the validators it answered
        assert doc.list_title == "列表标题" and doc.version_count == 1
    assert sorted(f.outcome for f in fetches) == ["not_modified", "not_modified", "ok", "ok",
                                                  "unchanged"]
