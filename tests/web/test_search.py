"""Full-text search in Chinese: one, two and more characters, both scripts, on both databases."""

from __future__ import annotations

import pytest

from monitor.store import search
from monitor.store.db import Database
from monitor.store.queries import Archive, DocumentFilters
from tests.web.archive import Sample
from tests.web.conftest import TestClient


def _found(database: Database, q: str, **filters: object) -> set[str]:
    with database.session() as session:
        page = Archive(session).documents(DocumentFilters(q=q, **filters))  # type: ignore[arg-type]
    return {row.title or "" for row in page.rows}


@pytest.mark.parametrize(("query", "expected"), [
    ("税", {"关于做好春节期间有关工作的通知", "2021年政府工作重点"}),     # one character
    ("补贴", {"关于下达2021年度专项资金补贴的通知"}),                     # two
    ("专项资金", {"关于下达2021年度专项资金补贴的通知"}),                 # four (trigrams)
    ("示财〔2021〕12号", {"关于下达2021年度专项资金补贴的通知"}),          # 文号, punctuation
    ("發展", {"關於促進經濟發展的若干意見", "2021年政府工作重点"}),       # traditional query
    ("营商环境", {"關於促進經濟發展的若干意見", "2021年政府工作重点"}),   # simplified query
    ("专项 通知", {"关于下达2021年度专项资金补贴的通知"}),                # two terms: AND
    ("示例市财政局", {"关于下达2021年度专项资金补贴的通知"}),             # 发布机构
    ("7%", set()),                                                        # the plan now says 6.5%
    ("6.5%", {"2021年政府工作重点"}),
    ("50%_", set()),                                                      # LIKE wildcards are text
    ("不存在的词语", set()),
])
def test_search_finds_chinese_of_any_length(database: Database, sample: Sample, query: str,
                                             expected: set[str]) -> None:
    found = _found(database, query)
    assert {t for t in found if "pwned" not in t} == expected


def test_search_combines_with_filters(database: Database, sample: Sample) -> None:
    assert _found(database, "发展", site="county") == set()
    assert _found(database, "发展", publisher="示例市人民政府") == {"關於促進經濟發展的若干意見"}


def test_broad_search_walks_newest_first(database: Database, sample: Sample,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # With a probe limit below the match count, the query takes the per-row path.
    monkeypatch.setattr(search, "PROBE_LIMIT", 1)
    with database.session() as session:
        plan = search.plan(session, "的", limit=1)
        page = Archive(session).documents(DocumentFilters(q="的"))
    assert plan is not None and not plan.selective
    assert page.total is None and page.at_least == 1
    assert page.rows and all("的" in "".join(p.text for p in r.snippet) for r in page.rows)
    dates = [r.published or "" for r in page.rows]
    assert dates == sorted(dates, reverse=True)


def test_index_follows_the_current_version(database: Database, sample: Sample) -> None:
    assert _found(database, "减税降费") == {"2021年政府工作重点"}
    with database.session() as session:
        search.rebuild(session)
    assert _found(database, "减税降费") == {"2021年政府工作重点"}
    assert _found(database, "地区生产总值增长7%") == set()


def test_search_page_marks_hits(client: TestClient) -> None:
    html = client.get("/documents", params={"q": "补贴"}).text
    assert "<mark>补贴</mark>" in html and "共 <strong>1</strong> 篇" in html
    assert client.get("/search", params={"q": "税"}, follow_redirects=False).headers[
        "location"] == "/documents?q=%E7%A8%8E"


def test_terms_and_snippets() -> None:
    assert search.terms("  發展   规划 發展 ") == ("发展", "规划")
    assert search.grams("5G基站") == "5 5g g g基 基 基站 站"
    pieces = search.snippet("前文" * 40 + "专项资金" + "后文" * 40, ["专项资金"], width=20)
    assert pieces[0].text == "…" and any(p.hit and p.text == "专项资金" for p in pieces)
