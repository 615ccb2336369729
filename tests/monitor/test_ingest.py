"""Fetch results into versions and events, on SQLite and PostgreSQL.

Three suites: noise that must make no version and no event, real changes that must not be
missed, and the crawler's fault outcomes, which must make no version. The harness (``Harness``,
``page``) is shared with test_runs.py, test_reextract.py and test_outlets.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import opencc
import pytest

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.extraction.result import Extraction
from crawler.items import FetchedAttachment, ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from crawler.walks import ColumnProgress
from monitor.config import SiteConfig
from monitor.ingest import Ingested, Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.db import Database
from monitor.store.records import EventRecord, VersionRecord
from monitor.store.repository import Repository

SITE = SiteConfig(id="demo", name="示例市人民政府", start_urls=["http://127.0.0.1:1/list.html"])
URL = "http://127.0.0.1:1/art/2021/2/18/art_1_1.html"
OTHER = "http://127.0.0.1:1/art/2021/2/18/art_1_2.html"
PDF = "http://127.0.0.1:1/files/plan.pdf"
OK = FetchOutcome.OK

PAGE = """<html><head><title>{title}_示例市人民政府</title></head><body>
<div class="position">当前位置：首页 &gt; 政策文件</div>{clock}
<table class="xxgk"><tr><td>索引号</td><td>014006438/2021-00798</td>
<td>发布机构</td><td>示例市发展和改革委员会</td></tr>
<tr><td>文号</td><td>{doc_no}</td><td>效力状况</td><td>{status}</td></tr>{extra_meta}</table>
<div class="views">浏览次数：{views}</div>
<div id="zoom"><p>{title}</p><p>全市经济社会发展主要预期目标是：地区生产总值增长{gdp}；
规模以上工业增加值增长8%。</p><p>重点抓好以下九个方面工作。{verb}农副产品、钢贸等物流布局。</p>
{body_extra}{attachments}</div>
<ul class="related">{related}</ul>
</body></html>"""

REDESIGN = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_示例市人民政府门户网站</title>
<link rel="stylesheet" href="/static/2026/main.css?v=3"><script>var _hmt = [];</script></head>
<body class="theme-2026">
<header class="topbar"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> 无障碍 | 长者模式</header>
<nav class="navbar"><ul><li>首页</li><li>政务公开</li><li>政务服务</li></ul></nav>
<div class="location">当前位置：首页 &gt; 政务公开 &gt; 政策文件 &gt; 正文</div>
<main><table class="xxgk-table" border="1"><tbody>
<tr><th>索引号：</th><td>014006438/2021-00798</td><th>发布机构：</th><td>示例市发展和改革委员会</td></tr>
<tr><th>文号：</th><td>{doc_no}</td><th>效力状况：</th><td>{status}</td></tr></tbody></table>
<div class="toolbar">【字体：大 中 小】 【打印】 【关闭】 浏览次数：{views}</div>
<div class="TRS_Editor">
<p style="text-indent:2em">{title}</p>
<p style="text-indent:2em">全市经济社会发展主要预期目标是：地区生产总值增长{gdp}；
规模以上工业增加值增长8%。</p>
<p style="text-indent:2em">重点抓好以下九个方面工作。{verb}农副产品、钢贸等物流布局。</p>
</div></main>
<div class="qrcode">扫一扫在手机打开当前页</div>
<footer class="footer">主办单位：示例市人民政府办公室 网站标识码：3202000001
苏ICP备05000001号</footer>
</body></html>"""


def page(*, title: str = "2021年政府工作重点", status: str = "有效", gdp: str = "7%",
         views: int = 1, traditional: bool = False, verb: str = "调整",
         doc_no: str = "示发改〔2021〕1号", clock: str = "", extra_meta: str = "",
         body_extra: str = "", attachments: str = "", related: str = "",
         template: str = PAGE) -> str:
    html = template.format(title=title, status=status, gdp=gdp, views=views, verb=verb,
                           doc_no=doc_no, clock=clock, extra_meta=extra_meta,
                           body_extra=body_extra, attachments=attachments, related=related)
    if traditional:
        html = str(opencc.OpenCC("s2t").convert(html))
    return html


def pdf_link(url: str = PDF, name: str = "附件：规划全文.pdf") -> str:
    return f'<p>附件：<a href="{url}">{name}</a></p>'


def pdf(url: str = PDF, body: bytes | None = b"%PDF-1.4 plan v1",
        outcome: FetchOutcome = OK, name: str = "附件：规划全文.pdf") -> FetchedAttachment:
    import hashlib

    if body is None:
        return FetchedAttachment(name, url, outcome)
    return FetchedAttachment(name, url, outcome, hashlib.sha256(body).hexdigest(), len(body),
                             "application/pdf", body)


@dataclass
class Fetch:
    url: str
    html: str | None
    outcome: FetchOutcome = OK
    attachments: tuple[FetchedAttachment, ...] = ()
    raw: bytes | None = None  # the bytes as served, when not simply the html in UTF-8


@dataclass
class Harness:
    database: Database
    now: datetime
    site: SiteConfig = SITE
    extractor: Callable[..., Extraction] = extract
    link_outlets: bool = True
    results: list[Ingested] = field(default_factory=list)

    def run(self, *fetches: Fetch | tuple[str, str | None, FetchOutcome], listed: Any = None,
            complete: bool = False, list_failed: bool = False, blocked: bool = False
            ) -> list[Ingested]:
        """One crawl run over the fetches; returns what each became. ``listed``: URLs the
        run's list page showed (a complete list when ``complete``); ``list_failed`` /
        ``blocked``: the run's list page failed (the run is not successful)."""
        run = start_run(self.database, self.site, now=self.now)
        ingestor = Ingestor(self.database, self.site, run, link_outlets=self.link_outlets)
        state = CrawlState(list_pages=1)
        if list_failed or blocked:
            state.list_failures = 1
            state.blocked = int(blocked)
            state.columns_failed = set(self.site.start_urls)
        elif listed is not None:
            ingestor.list_page(ListPageResult(
                self.site.id, self.site.start_urls[0], 1, OK, self.now,
                listed={url: (None, None) for url in listed}))
            # The column walked to its end (complete), or stopped at a page of known documents.
            state.columns = {self.site.start_urls[0]: ColumnProgress(
                pages=1, links=len(listed), end="end" if complete else "early")}
        results = []
        for spec in fetches:
            fetch = spec if isinstance(spec, Fetch) else Fetch(*spec)
            raw = fetch.raw if fetch.raw is not None else (
                fetch.html.encode("utf-8") if fetch.html is not None else None)
            extraction = self.extractor(raw, fetch.url) if raw is not None and \
                fetch.outcome == OK else None
            results.append(ingestor.page(PageResult(
                site_id=self.site.id, url=fetch.url, fetched_url=fetch.url,
                outcome=fetch.outcome, fetched_at=self.now,
                http_status=200 if raw else 404, raw=raw, raw_sha256=None,
                extraction=extraction, attachments=fetch.attachments)))
        finish_run(self.database, self.site, run, state, reason="finished", counters={},
                   now=self.now)
        self.now += timedelta(days=1)
        self.results.extend(results)
        return results

    def events(self, url: str | None = None) -> list[EventRecord]:
        with self.database.session() as session:
            repo = Repository(session)
            events = repo.events(site_id=self.site.id)
        return [e for e in events if url is None or e.url == url]

    def kinds(self, url: str | None = None) -> list[str]:
        return [e.kind for e in self.events(url)]

    def versions(self, url: str = URL) -> list[VersionRecord]:
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.find_document(self.site.id, url)
            return repo.versions(doc.id) if doc else []

    def fetch_outcomes(self) -> list[str]:
        with self.database.session() as session:
            return [f.outcome for f in reversed(Repository(session).fetches(limit=1000))]


@pytest.fixture
def harness(database: Database) -> Harness:
    return Harness(database, datetime(2026, 3, 1, 0, 0, tzinfo=UTC))


# ------------------------------------------------------------------------------- basics

def test_first_crawl_is_baseline_and_later_documents_are_news(harness: Harness) -> None:
    assert harness.run((URL, page(), OK)) == [Ingested.NEW]
    assert harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK)) == [
        Ingested.UNCHANGED, Ingested.NEW]
    assert [(e.kind, e.baseline) for e in harness.events()] == [("new", True), ("new", False)]


def test_versions_record_the_extractor_and_are_append_only(harness: Harness) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    first = harness.versions()
    harness.run((URL, page(gdp="6.5%"), OK))
    versions = harness.versions()
    assert [v.n for v in versions] == [1, 2]
    assert versions[0] == first[0]
    assert all(v.extractor_version.startswith("govwatch-extract/") for v in versions)


# -------------------------------------------------------------------------- noise suite

NOISE: dict[str, tuple[str, str]] = {
    "view-counter": (page(views=1), page(views=98765)),
    "clock-in-header": (page(clock="<div>今天是2026年3月1日 星期日 10:22:33</div>"),
                        page(clock="<div>今天是2026年3月2日 星期一 08:01:09</div>")),
    "clock-in-body": (page(body_extra="<p>2026-03-01 10:22:33</p>"),
                      page(body_extra="<p>2026-03-02 08:01:09</p>")),
    "related-list-reordered": (
        page(related="<li><a href='/a/1.html'>关于甲的通知</a></li>"
                     "<li><a href='/a/2.html'>关于乙的通知</a></li>"),
        page(related="<li><a href='/a/2.html'>关于乙的通知</a></li>"
                     "<li><a href='/a/1.html'>关于甲的通知</a></li>")),
    "template-redesign": (page(), page(template=REDESIGN, views=4321)),
    "traditional-script-with-debris": (
        page(), page(traditional=True).replace("經濟", "經(jīng)濟").replace("規模", "規(guī)模")),
    "white-space-and-punctuation-width": (
        page(), page(gdp="７％").replace("：", ":").replace("<p>全市", "<p>\u3000\u3000 全市")
        .replace("规模以上", "规模 以上")),
    "metadata-raw-chrome": (
        page(extra_meta="<tr><td>浏览次数</td><td>12</td><td>发布时间</td>"
                        "<td>2026-03-01 10:00:00</td></tr>"),
        page(extra_meta="<tr><td>浏览次数</td><td>13</td><td>发布时间</td>"
                        "<td>2026-03-01 10:00:00</td></tr>")),
    "metadata-field-newly-shown": (
        page(), page(extra_meta="<tr><td>主题分类</td><td>综合政务</td><td>公开方式</td>"
                                "<td>主动公开</td></tr>")),
}


def _url(case: str) -> str:
    return f"http://127.0.0.1:1/art/2021/2/18/{case}.html"


def test_noise_makes_no_version_and_no_event(harness: Harness) -> None:
    """Every kind of noise, each on its own document, in three runs: before, after, before.
    (One database for the suite: its setup costs more than the suite.)"""
    harness.run(*[(_url(case), before, OK) for case, (before, _) in sorted(NOISE.items())])
    second = harness.run(*[(_url(case), after, OK) for case, (_, after) in sorted(NOISE.items())])
    third = harness.run(*[(_url(case), before, OK) for case, (before, _) in sorted(NOISE.items())])
    wrong = {case: (outcomes, len(harness.versions(_url(case))), harness.kinds(_url(case)))
             for case, *outcomes in zip(sorted(NOISE), second, third, strict=True)
             if outcomes != [Ingested.UNCHANGED, Ingested.UNCHANGED]
             or len(harness.versions(_url(case))) != 1 or harness.kinds(_url(case)) != ["new"]}
    assert wrong == {}


def test_reordered_list_page_makes_no_event(harness: Harness) -> None:
    harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK),
                listed=[URL, OTHER], complete=True)
    harness.run(listed=[OTHER, URL], complete=True)
    harness.run(listed=[OTHER, URL], complete=True)
    assert harness.kinds() == ["new", "new"]


def test_flapping_between_two_states_alerts_once(harness: Harness) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    for views in range(3):
        harness.run((URL, page(gdp="6.5%", views=views), OK))
        harness.run((URL, page(gdp="7%", views=views), OK))
    assert harness.kinds() == ["new", "changed"]
    assert len(harness.versions()) == 2


def test_a_flapping_page_seen_twice_in_a_row_in_one_state_stays_quiet(
        harness: Harness) -> None:
    # Two servers behind one name, one of them stale: which answers is chance.
    harness.run((URL, page(gdp="7%"), OK))
    for n, gdp in enumerate(["6.5%", "7%", "7%", "6.5%", "6.5%", "7%", "6.5%", "7%", "7%"]):
        harness.run((URL, page(gdp=gdp, views=n), OK))
    assert harness.kinds() == ["new", "changed"]
    assert len(harness.versions()) == 2


def test_going_back_after_the_edit_stood_is_news(harness: Harness) -> None:
    # 7% → 6.5%, seen on four crawls, then corrected back to 7%: whoever read the first
    # alert believes 6.5% until told.
    harness.run((URL, page(gdp="7%"), OK))
    for views in range(4):
        harness.run((URL, page(gdp="6.5%", views=views), OK))
    harness.run((URL, page(gdp="7%", views=9), OK))
    assert harness.kinds() == ["new", "changed", "changed"]
    assert [v.n for v in harness.versions()] == [1, 2, 3]
    assert harness.versions()[2].text == harness.versions()[0].text


def test_an_abolition_withdrawn_after_it_stood_is_a_status_event(harness: Harness) -> None:
    harness.run((URL, page(status="有效"), OK))
    harness.run((URL, page(status="失效"), OK))
    harness.run((URL, page(status="失效", views=2), OK))
    harness.run((URL, page(status="有效", views=3), OK))
    assert harness.kinds() == ["new", "status", "status"]


def test_failed_attachment_download_is_not_a_change(harness: Harness) -> None:
    html = page(attachments=pdf_link())
    harness.run(Fetch(URL, html, attachments=(pdf(),)))
    failed = pdf(body=None, outcome=FetchOutcome.TIMEOUT)
    assert harness.run(Fetch(URL, page(attachments=pdf_link(), views=2),
                             attachments=(failed,))) == [Ingested.UNCHANGED]
    assert harness.run(Fetch(URL, page(attachments=pdf_link(), views=3),
                             attachments=(pdf(),))) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new"]


def test_renamed_attachment_url_with_the_same_bytes_is_not_a_change(harness: Harness) -> None:
    harness.run(Fetch(URL, page(attachments=pdf_link()), attachments=(pdf(),)))
    moved = "http://127.0.0.1:1/upload/2026/03/01/5f3a.pdf"
    assert harness.run(Fetch(URL, page(attachments=pdf_link(moved)),
                             attachments=(pdf(moved),))) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new"]


def test_attachment_linked_twice_or_reordered_is_not_a_change(harness: Harness) -> None:
    """The 附件 block below the body (outside the text): its order and a second link to the
    same file are layout."""
    second = "http://127.0.0.1:1/files/table.xls"

    def block(links: str) -> str:
        return page().replace("<ul class=\"related\">", f"<div class='fj'>{links}</div><ul>")

    fetched = (pdf(), pdf(second, b"xls", name="附件2.xls"))
    harness.run(Fetch(URL, block(pdf_link() + pdf_link(second, "附件2.xls")),
                      attachments=fetched))
    swapped = block(pdf_link(second, "附件2.xls") + pdf_link() + pdf_link(PDF, "下载"))
    assert harness.run(Fetch(URL, swapped, attachments=fetched[::-1])) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new"]


def test_attachment_first_downloaded_later_is_recorded_without_an_event(
        harness: Harness) -> None:
    failed = pdf(body=None, outcome=FetchOutcome.SERVER_ERROR)
    harness.run(Fetch(URL, page(attachments=pdf_link()), attachments=(failed,)))
    assert harness.run(Fetch(URL, page(attachments=pdf_link()), attachments=(pdf(),))) == [
        Ingested.REFINED]
    assert harness.versions()[-1].attachments[0]["sha256"] is not None
    assert harness.kinds() == ["new"]


# ------------------------------------------------------------------ missed-change suite

def _changed(harness: Harness, before: str, after: str, **fetch: Any) -> list[EventRecord]:
    harness.run(Fetch(URL, before, **fetch.get("first", {})))
    harness.run(Fetch(URL, after, **fetch.get("second", {})))
    return [e for e in harness.events() if e.kind != "new"]


def test_one_character_edit_is_a_change(harness: Harness) -> None:
    (event,) = _changed(harness, page(verb="调整"), page(verb="完善", views=5))
    assert event.kind == "changed" and event.fields == {}
    segments = event.summary["excerpt"][0]["segments"]
    assert [s for s in segments if s[0] != "equal"] == [["replace", "调整", "完善"]]
    assert 0 < (event.similarity or 0) < 1


def test_edit_in_traditional_rerender_shows_only_the_edit(harness: Harness) -> None:
    (event,) = _changed(harness, page(verb="调整"), page(verb="完善", traditional=True))
    segments = event.summary["excerpt"][0]["segments"]
    assert [s for s in segments if s[0] != "equal"] == [["replace", "调整", "完善"]]


def test_table_cell_change_is_a_change_with_its_number(harness: Harness) -> None:
    table = ("<table><tr><td>项目</td><td>金额</td></tr>"
             "<tr><td>专项资金</td><td>{}</td></tr></table>")
    (event,) = _changed(harness, page(body_extra=table.format("100万元")),
                        page(body_extra=table.format("120万元")))
    assert event.kind == "changed"
    assert event.summary["numbers"] == [
        {"context": "专项资金", "before": "100万元", "after": "120万元"}]


def test_plan_target_is_the_headline(harness: Harness) -> None:
    (event,) = _changed(harness, page(gdp="7%"), page(gdp="6.5%"))
    assert event.summary["numbers"] == [
        {"context": "地区生产总值增长", "before": "7%", "after": "6.5%"}]
    assert event.summary["headline"] == "地区生产总值增长 7% → 6.5%"
    assert (event.old_version, event.new_version) == (1, 2)


def test_status_only_change_is_a_status_event_flagged_in_the_summary(harness: Harness) -> None:
    (event,) = _changed(harness, page(status="有效"), page(status="失效"))
    assert event.kind == "status"
    assert event.fields == {"status": {"old": "有效", "new": "失效"}}
    assert event.summary["headline"] == "效力状况：有效 → 失效"
    assert event.summary["status"] == {"status": {"old": "有效", "new": "失效"}}
    assert event.summary["text_changed"] is False


def test_abolition_marked_in_the_title_is_a_status_event(harness: Harness) -> None:
    (event,) = _changed(harness, page(), page(title="【已废止】2021年政府工作重点"))
    assert event.kind == "status"
    assert event.fields == {"title": {"old": "2021年政府工作重点",
                                      "new": "【已废止】2021年政府工作重点"}}


def test_abolition_marked_in_a_traditional_title_is_a_status_event(harness: Harness) -> None:
    events = _changed(harness, page(traditional=True),
                      page(title="【已废止】2021年政府工作重点", traditional=True))
    assert [e.kind for e in events] == ["status"]
    assert events[0].fields["title"]["new"].startswith("【已廢止】")


def test_status_and_text_change_make_both_events(harness: Harness) -> None:
    events = _changed(harness, page(status="有效", gdp="7%"), page(status="失效", gdp="6%"))
    assert [e.kind for e in events] == ["status", "changed"]
    assert events[1].summary["headline"] == "效力状况：有效 → 失效"


def test_status_that_appears_saying_abolished_is_a_status_event(harness: Harness) -> None:
    extra = "<tr><td>废止日期</td><td>2026-03-01</td><td></td><td></td></tr>"
    (event,) = _changed(harness, page(), page(extra_meta=extra))
    assert event.kind == "status"
    assert event.fields == {"abolished": {"old": None, "new": "2026-03-01"}}


def test_status_that_appears_in_traditional_saying_abolished_is_a_status_event(
        harness: Harness) -> None:
    extra = "<tr><td>時效性</td><td>已廢止</td><td></td><td></td></tr>"
    first = page(traditional=True).replace("<td>效力狀況</td><td>有效</td>", "")
    assert first != page(traditional=True)  # the page starts without any status
    second = first.replace("</table>", extra + "</table>", 1)
    (event,) = _changed(harness, first, second)
    assert event.kind == "status"
    assert event.fields == {"status": {"old": None, "new": "已廢止"}}


def test_metadata_change_carries_old_and_new(harness: Harness) -> None:
    (event,) = _changed(harness, page(doc_no="示发改〔2021〕1号"), page(doc_no="示发改〔2021〕2号"))
    assert event.kind == "changed"
    assert event.fields == {"doc_no": {"old": "示发改〔2021〕1号", "new": "示发改〔2021〕2号"}}
    assert event.summary["text_changed"] is False


def test_title_change_carries_old_and_new(harness: Harness) -> None:
    (event,) = _changed(harness, page(), page(title="2021年政府工作要点"))
    assert event.kind == "changed"
    assert event.fields["title"] == {"old": "2021年政府工作重点", "new": "2021年政府工作要点"}


def test_attachment_with_new_bytes_is_a_change(harness: Harness) -> None:
    html = page(attachments=pdf_link())
    (event,) = _changed(harness, html, html, first={"attachments": (pdf(),)},
                        second={"attachments": (pdf(body=b"%PDF-1.4 plan v2"),)})
    assert event.summary["attachments"] == {"added": [], "removed": [],
                                            "changed": ["附件：规划全文.pdf"]}


def test_added_attachment_is_a_change(harness: Harness) -> None:
    (event,) = _changed(harness, page(), page(attachments=pdf_link()),
                        second={"attachments": (pdf(),)})
    assert event.summary["attachments"]["added"] == ["附件：规划全文.pdf"]


def test_restored_after_removal_with_an_edit_says_both(harness: Harness) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, None, FetchOutcome.GONE))
    harness.run((URL, None, FetchOutcome.GONE))
    harness.run((URL, page(gdp="6%"), OK))
    assert harness.kinds() == ["new", "removed", "restored", "changed"]


# -------------------------------------------------------------------------- fault suite

FAULTS = sorted([o for o in FetchOutcome if o.is_failure] + [FetchOutcome.EMPTY])


def test_fault_outcomes_make_no_version(harness: Harness) -> None:
    """Each fault outcome on a known document (twice: an error page, and the page with an edit)
    and on a document never seen: no version, no event, the outcome recorded."""
    known = {o: _url(f"known-{o.value}") for o in FAULTS}
    unknown = {o: _url(f"unknown-{o.value}") for o in FAULTS}
    harness.run(*[(url, page(), OK) for url in known.values()])
    firsts = harness.run(*[(url, "<html>系统维护中</html>", o) for o, url in known.items()],
                         *[(url, page(), o) for o, url in unknown.items()])
    seconds = harness.run(*[(url, page(gdp="6%"), o) for o, url in known.items()])
    assert set(firsts) | set(seconds) == {Ingested.FAILED}
    wrong = {o.value: (len(harness.versions(known[o])), harness.kinds(known[o]),
                       len(harness.versions(unknown[o])))
             for o in FAULTS if (len(harness.versions(known[o])), harness.kinds(known[o]),
                                 len(harness.versions(unknown[o]))) != (1, ["new"], 0)}
    assert wrong == {}
    recorded = harness.fetch_outcomes()
    assert all(recorded.count(o.value) == 3 for o in FAULTS)


SUSPECT_200 = {
    "body-vanished": page(body_extra="").replace("<div id=\"zoom\">", "<div id=\"zoom\" hidden>"),
    "soft-404-the-crawler-missed": "<html><body><div id='zoom'><p>抱歉，您访问的页面不存在"
                                   "或已被删除。</p></div></body></html>",
    "maintenance-the-crawler-missed": "<html><body><div id='zoom'><p>系统维护中，请稍后访问。"
                                      "</p></div></body></html>",
}


def test_a_200_that_is_not_the_document_makes_no_version(harness: Harness) -> None:
    full = page(body_extra="<p>" + "正文内容。" * 100 + "</p>")
    harness.run(*[(_url(case), full, OK) for case in sorted(SUSPECT_200)])
    results = harness.run(*[(_url(case), SUSPECT_200[case], OK) for case in sorted(SUSPECT_200)])
    assert results == [Ingested.FAILED] * len(SUSPECT_200)
    for case in SUSPECT_200:
        assert len(harness.versions(_url(case))) == 1, case
        assert harness.kinds(_url(case)) == ["new"], case
    assert "ok" not in harness.fetch_outcomes()[-len(SUSPECT_200):]


def test_a_page_cut_off_before_its_end_makes_no_version(harness: Harness) -> None:
    full = page(body_extra="".join(f"<p>第{i}段正文内容。</p>" for i in range(60)))
    harness.run((URL, full, OK))
    cut = full[:len(full) * 2 // 3]
    assert harness.run((URL, cut, OK)) == [Ingested.FAILED]
    assert harness.fetch_outcomes()[-1] == "truncated"
    assert len(harness.versions()) == 1 and harness.kinds() == ["new"]


def test_a_real_shortening_is_still_a_change(harness: Harness) -> None:
    full = page(body_extra="".join(f"<p>第{i}段正文内容。</p>" for i in range(60)))
    harness.run((URL, full, OK))
    shorter = page(body_extra="".join(f"<p>第{i}段正文内容。</p>" for i in range(30)))
    assert harness.run((URL, shorter, OK)) == [Ingested.CHANGED]
