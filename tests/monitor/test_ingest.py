"""Fetch results into versions and events, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.extraction.text import to_simplified
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.ingest import Ingested, Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.db import Database
from monitor.store.repository import Repository

SITE = SiteConfig(id="demo", name="示例市人民政府", start_urls=["http://127.0.0.1:1/list.html"])
URL = "http://127.0.0.1:1/art/2021/2/18/art_1_1.html"

PAGE = """<html><head><title>{title}_示例市人民政府</title></head><body>
<div class="position">当前位置：首页 &gt; 政策文件</div>
<table class="xxgk"><tr><td>索引号</td><td>014006438/2021-00798</td>
<td>发布机构</td><td>示例市发展和改革委员会</td></tr>
<tr><td>文号</td><td>示发改〔2021〕1号</td><td>效力状况</td><td>{status}</td></tr></table>
<div class="views">浏览次数：{views}</div>
<div id="zoom"><p>{title}</p><p>全市经济社会发展主要预期目标是：地区生产总值增长{gdp}；
规模以上工业增加值增长8%。</p><p>重点抓好以下九个方面工作。</p></div>
</body></html>"""


def page(*, title: str = "2021年政府工作重点", status: str = "有效", gdp: str = "7%",
         views: int = 1, traditional: bool = False) -> str:
    html = PAGE.format(title=title, status=status, gdp=gdp, views=views)
    if traditional:
        import opencc

        html = opencc.OpenCC("s2t").convert(html)
    return html


@dataclass
class Harness:
    database: Database
    now: datetime

    def run(self, *pages: tuple[str, str | None, FetchOutcome]) -> list[Ingested]:
        """One crawl run over (url, html, outcome) fetches; returns what each became."""
        run = start_run(self.database, SITE, now=self.now)
        ingestor = Ingestor(self.database, SITE, run)
        state = CrawlState(list_pages=1, columns_complete=set())
        results = []
        for url, html, outcome in pages:
            raw = html.encode("utf-8") if html is not None else None
            extraction = extract(raw, url) if raw is not None and outcome == FetchOutcome.OK \
                else None
            results.append(ingestor.page(PageResult(
                site_id=SITE.id, url=url, fetched_url=url, outcome=outcome,
                fetched_at=self.now, http_status=200 if raw else 404, raw=raw,
                raw_sha256=None, extraction=extraction)))
        finish_run(self.database, SITE, run, state, reason="finished", counters={},
                   now=self.now)
        self.now += timedelta(days=1)
        return results

    def events(self) -> list[tuple[str, bool]]:
        with self.database.session() as session:
            return [(e.kind, e.baseline) for e in Repository(session).events()]

    def versions(self) -> int:
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.find_document(SITE.id, URL)
            return doc.version_count if doc else 0


@pytest.fixture
def harness(database: Database) -> Harness:
    return Harness(database, datetime(2026, 3, 1, 0, 0, tzinfo=UTC))


OK = FetchOutcome.OK


def test_first_crawl_is_baseline_and_later_documents_are_news(harness: Harness) -> None:
    assert harness.run((URL, page(), OK)) == [Ingested.NEW]
    other = URL.replace("art_1_1", "art_1_2")
    assert harness.run((URL, page(), OK), (other, page(title="另一个文件"), OK)) == [
        Ingested.UNCHANGED, Ingested.NEW]
    assert harness.events() == [("new", True), ("new", False)]


def test_noise_makes_no_version(harness: Harness) -> None:
    harness.run((URL, page(views=1), OK))
    outcomes = harness.run((URL, page(views=999), OK), )
    outcomes += harness.run((URL, page(views=1000, traditional=True), OK))
    assert outcomes == [Ingested.UNCHANGED, Ingested.UNCHANGED]
    assert harness.versions() == 1
    assert [k for k, _ in harness.events()] == ["new"]


def test_edit_is_a_change_with_the_number_as_headline(harness: Harness,
                                                      database: Database) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    assert harness.run((URL, page(gdp="6.5%"), OK)) == [Ingested.CHANGED]
    with database.session() as session:
        events = Repository(session).events(kinds=["changed"])
    assert len(events) == 1
    numbers = events[0].summary["numbers"]
    assert numbers == [{"context": "地区生产总值增长", "before": "7%", "after": "6.5%"}]
    assert events[0].old_version == 1 and events[0].new_version == 2


def test_status_change_is_its_own_event(harness: Harness, database: Database) -> None:
    harness.run((URL, page(status="有效"), OK))
    harness.run((URL, page(status="失效"), OK))
    with database.session() as session:
        events = Repository(session).events(kinds=["status", "changed"])
    assert [(e.kind, e.fields) for e in events] == [
        ("status", {"status": {"old": "有效", "new": "失效"}})]


def test_flapping_between_two_states_alerts_once(harness: Harness) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    for _ in range(3):
        harness.run((URL, page(gdp="6.5%"), OK))
        harness.run((URL, page(gdp="7%"), OK))
    assert [k for k, _ in harness.events()] == ["new", "changed"]
    assert harness.versions() == 2


@pytest.mark.parametrize("outcome", [FetchOutcome.SERVER_ERROR, FetchOutcome.TIMEOUT,
                                     FetchOutcome.CHALLENGE, FetchOutcome.MAINTENANCE,
                                     FetchOutcome.TRUNCATED])
def test_faults_make_no_version_and_no_event(harness: Harness, outcome: FetchOutcome) -> None:
    harness.run((URL, page(), OK))
    assert harness.run((URL, "<html>系统维护中</html>", outcome)) == [Ingested.FAILED]
    assert harness.versions() == 1
    assert [k for k, _ in harness.events()] == ["new"]


def test_removed_only_after_two_successful_runs_and_restored(harness: Harness) -> None:
    gone = FetchOutcome.GONE
    harness.run((URL, page(), OK))
    harness.run((URL, None, gone))
    harness.run((URL, page(), OK))          # a single 404 is forgotten
    harness.run((URL, None, gone))
    assert [k for k, _ in harness.events()] == ["new"]
    harness.run((URL, None, gone))          # second consecutive successful run
    assert [k for k, _ in harness.events()] == ["new", "removed"]
    harness.run((URL, page(), OK))
    assert [k for k, _ in harness.events()] == ["new", "removed", "restored"]


def test_traditional_copy_compares_equal() -> None:
    assert to_simplified("無錫市發展和改革委員會") == "无锡市发展和改革委员会"
