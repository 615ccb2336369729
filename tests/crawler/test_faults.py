"""``crawler.faults.diagnose`` on the golden table ``faults.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.faults import diagnose, landing, main_text
from crawler.outcomes import FetchOutcome
from tests.crawler.portals import _footer, _header, _sidebar

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("faults.yaml")).read_text(encoding="utf-8"))


def with_chrome(title: str, main: str) -> str:
    links = "".join(f'<li><a href="/col/col{n}/index.html">栏目{n}</a></li>' for n in range(30))
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{_header()}'
            f'<div class="menu"><ul>{links}</ul></div><div class="main">{main}</div>'
            f"{_sidebar()}{_footer()}</body></html>")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_diagnose(case: dict[str, Any]) -> None:
    source = case["html"] if "html" in case else with_chrome(case["title"], case["chrome"])
    verdict = diagnose(case["status"], source)
    assert verdict.outcome == FetchOutcome(case["expect"]), (verdict, case.get("why"))
    assert (verdict.reason is None) == (verdict.outcome == FetchOutcome.OK)


def test_chrome_pages_are_long_but_their_main_text_is_short() -> None:
    source = with_chrome("页面不存在", "<p>页面不存在</p>")
    assert len(source) > 2000 and main_text(source) == "页面不存在"


def test_parts_of_the_article_are_not_chrome() -> None:
    """article-top, content-head, detail-title: the title and its 发布时间 line, which tell a
    document from an error page; top, head-nav, footer-links are the portal's."""
    source = with_chrome("公告", "<div class='article-top'><h1>关于调整办公时间的公告</h1>"
                                 "<p>发布时间：2026-03-01</p></div>"
                                 "<div class='top-links'>无障碍</div>"
                                 "<div class='content-head'>来源：某市人民政府办公室</div>"
                                 "<div class='head-nav'>首页</div>")
    main = main_text(source)
    assert "关于调整办公时间的公告发布时间：2026-03-01" in main
    assert "来源：某市人民政府办公室" in main
    assert "无障碍" not in main and "首页" not in main


BASE = "http://www.example.gov.cn"
DOC = f"{BASE}/zwgk/zcwj/202603/t20260301_1229.html"  # TRS: under its column's directory


@pytest.mark.parametrize("fetched,expect", [
    (DOC, None),
    (DOC.replace("http:", "https:"), None),                      # the portal moved to https
    (f"{BASE}/art/2026/3/1/art_1229_1.html", None),               # a new address: its content
                                                                 # is compared
    (f"{BASE}/", FetchOutcome.REDIRECTED),                       # a removed document sent to 首页
    (BASE, FetchOutcome.REDIRECTED),
    (f"{BASE}/index.html", FetchOutcome.REDIRECTED),
    (f"{BASE}/zwgk/zcwj/", FetchOutcome.REDIRECTED),             # …or to its column
    (f"{BASE}/zwgk/zcwj/index.shtml", FetchOutcome.REDIRECTED),
    (f"{BASE}/zwgk/zc/index.html", None),                         # not a directory above it
    (f"{BASE}/404.html", FetchOutcome.REDIRECTED),
    (f"{BASE}/error/notfound.jsp", FetchOutcome.REDIRECTED),
    ("https://tyrz.example.gov.cn/sso/login?service=" + DOC, FetchOutcome.DENIED),
    (f"{BASE}/module/login/userLogin.jsp?returnUrl=/art/1.html", FetchOutcome.DENIED),
    (f"{BASE}/cas/", FetchOutcome.DENIED),
], ids=["same", "https", "moved", "root", "host-only", "index", "column", "column-index",
        "other-column", "404", "error-dir", "sso", "login-jsp", "cas"])
def test_a_redirect_away_from_the_document_is_not_the_document(
        fetched: str, expect: FetchOutcome | None) -> None:
    verdict = landing(DOC, fetched)
    assert (verdict.outcome if verdict else None) == expect, verdict
    assert verdict is None or DOC in (verdict.reason or "")


@pytest.mark.parametrize("document,fetched", [
    ("/art/2026/3/1/art_1229_1.html", "/art/2026/3/1/art_1229_1/index.html"),
    ("/art/2026/3/1/", "/art/2026/3/1/index.shtml"),
    ("/art/2026/3/1/index.html", "/col/col1229/index.html"),
], ids=["deeper-index", "own-directory", "elsewhere"])
def test_an_index_that_may_be_the_documents_own_page_is_not_judged(document: str,
                                                                    fetched: str) -> None:
    assert landing(BASE + document, BASE + fetched) is None


def test_an_error_verdict_quotes_the_title_and_heading_it_saw() -> None:
    """Ingest reads them to tell an error page from a known document that still shows its own
    title (monitor.ingest)."""
    verdict = diagnose(200, with_chrome("提示_某市人民政府",
                                        "<h2>温馨提示</h2><p>该信息已删除</p>"))
    assert verdict.outcome == FetchOutcome.SOFT_404
    reason = verdict.reason or ""
    assert "'提示_某市人民政府'" in reason and "'温馨提示'" in reason


def test_a_loading_placeholder_says_the_content_comes_from_a_script() -> None:
    """A column or document rendered by JavaScript: the run's message must tell the user what
    to do, as the list page's own JS hint does."""
    verdict = diagnose(200, with_chrome("通知公告", "<div class='list-wrap'>数据加载中...</div>"))
    assert verdict.outcome == FetchOutcome.EMPTY
    assert "script" in (verdict.reason or "") and "JavaScript" in (verdict.reason or "")
