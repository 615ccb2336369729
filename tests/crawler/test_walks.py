"""crawler.walks on its own: when a run may stop walking a column early, and what a walk that
reached an end amounts to. The end-to-end behaviour is in test_crawl_walks.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.discovery import discover
from crawler.walks import (
    ColumnProgress,
    grown_unexplained,
    judge,
    may_stop_early,
    stated_total,
)
from monitor.store.records import ColumnWalkRecord
from tests.crawler.columns import Column, docs
from tests.crawler.portals import hanweb_portal

NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
URL = "http://www.example.gov.cn/zfwj/jinqixxgk/index.html"


def walk(*, days: float = 1, failed_days: float | None = None, complete: bool = True,
         links: int = 12, stated: int | None = None, unit: str | None = None,
         short_walks: int = 0) -> ColumnWalkRecord:
    return ColumnWalkRecord(
        URL, NOW - timedelta(days=days), 7, complete, links, 3, stated, unit,
        NOW - timedelta(days=failed_days) if failed_days is not None else None, short_walks)


def progress(**values: object) -> ColumnProgress:
    return ColumnProgress(**{"pages": 1, "links": 4, "page_size": 4, "end": "end",
                             **values})  # type: ignore[arg-type]


# ------------------------------------------------------------------------ stopping early


def test_no_early_stop_before_a_whole_walk() -> None:
    assert not may_stop_early(None, progress(), now=NOW, full_walk_days=7)
    never = ColumnWalkRecord(URL, None, None, False, None, None, None, None,
                             NOW - timedelta(days=2), 0)
    assert not may_stop_early(never, progress(), now=NOW, full_walk_days=7)


def test_no_early_stop_after_a_list_failure_since_the_last_whole_walk() -> None:
    assert not may_stop_early(walk(days=3, failed_days=1), progress(), now=NOW,
                              full_walk_days=7)
    assert may_stop_early(walk(days=1, failed_days=3), progress(), now=NOW, full_walk_days=7)


def test_the_full_walk_period() -> None:
    assert may_stop_early(walk(days=6.9), progress(), now=NOW, full_walk_days=7)
    assert not may_stop_early(walk(days=7), progress(), now=NOW, full_walk_days=7)
    assert not may_stop_early(walk(days=0.01), progress(), now=NOW, full_walk_days=0)


@pytest.mark.parametrize(("before", "now", "new", "unexplained"), [
    ((3, "pages"), (3, "pages", 0), 0, False),     # no growth
    ((3, "pages"), (4, "pages", 0), 0, True),      # a page more, nothing new on page 1
    ((3, "pages"), (4, "pages", 0), 1, False),     # …explained by one new document
    ((3, "pages"), (5, "pages", 0), 5, False),     # two pages more: at least 5 documents
    ((3, "pages"), (5, "pages", 0), 4, True),
    ((14, "records"), (15, "records", 0), 0, True),
    ((14, "records"), (16, "records", 0), 1, True),
    ((14, "records"), (16, "records", 0), 2, False),
    ((14, "records"), (12, "records", 0), 0, False),   # documents withdrawn
    ((None, None), (16, "records", 0), 0, False),      # nothing to compare with
    ((3, "pages"), (16, "records", 0), 0, False),      # another pager since
])
def test_a_stated_total_grown_by_more_than_the_new_documents(
        before: tuple[int | None, str | None], now: tuple[int, str, int], new: int,
        unexplained: bool) -> None:
    previous = walk(stated=before[0], unit=before[1])
    current = progress(stated=now[0], unit=now[1], new=new)
    assert grown_unexplained(previous, current) is unexplained
    assert may_stop_early(previous, current, now=NOW, full_walk_days=7) is not unexplained


# ----------------------------------------------------------------------- whole walks


def test_a_walk_that_did_not_end_is_no_walk() -> None:
    assert judge(URL, None, walk(), failed=False) == judge(URL, progress(end=None), walk(),
                                                           failed=False)
    assert not judge(URL, progress(end="early"), walk(), failed=False).walked
    assert not judge(URL, progress(), walk(), failed=True).walked


def test_a_walk_cut_at_max_list_pages_is_whole_but_not_complete() -> None:
    verdict = judge(URL, progress(end="cap", pages=20), walk(), failed=False)
    assert verdict.walked and not verdict.complete and verdict.warning is None


def test_an_end_is_complete_when_the_stated_total_is_reached() -> None:
    assert judge(URL, progress(pages=3, stated=3, unit="pages"), walk(links=40),
                 failed=False).complete
    assert judge(URL, progress(links=13, stated=14, unit="records"), None,
                 failed=False).complete
    short = judge(URL, progress(pages=1, stated=3, unit="pages"), None, failed=False)
    assert short.short and not short.walked
    assert "its pager states 3 pages" in (short.warning or "")
    assert judge(URL, progress(links=6, stated=14, unit="records"), None, failed=False).short


def test_an_end_without_a_stated_total_is_held_against_the_last_whole_walk() -> None:
    assert judge(URL, progress(links=4), None, failed=False).complete   # nothing to compare
    assert judge(URL, progress(links=10), walk(links=12), failed=False).complete
    short = judge(URL, progress(links=4), walk(links=12), failed=False)
    assert short.short and not short.complete
    assert "listing 4 documents, where its last whole walk listed 12" in (short.warning or "")
    # A walk cut at max_list_pages says nothing of the column's size.
    assert judge(URL, progress(links=4), walk(links=40, complete=False), failed=False).complete


def test_short_walks_in_a_row_are_taken_as_the_columns_size() -> None:
    assert judge(URL, progress(links=4), walk(short_walks=1), failed=False).short
    taken = judge(URL, progress(links=4), walk(short_walks=2), failed=False)
    assert taken.complete and taken.walked and "taken as the column's size" in (
        taken.warning or "")


# ---------------------------------------------------------------------- what pagers state


def test_stated_totals_of_trs_and_hanweb(real_pages: Path) -> None:
    column = Column(docs(10), pager="trs")
    listing = discover(column.list_html(0), URL, domains=["www.example.gov.cn"])
    assert stated_total(listing, None) == ("pages", 3)
    handan = (real_pages / "handan_trs_list_table_countPage_JSPWRAPPED.html").read_text()
    listing = discover(handan, "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html",
                       domains=["hdzfxxgk.hd.gov.cn"])
    assert stated_total(listing, None) == ("pages", 56)
    portal = hanweb_portal()                    # totalRecord:14 in the jpage() call
    source = portal.pages[portal.start["hanweb"]].body.decode("gbk")
    listing = discover(source, "http://127.0.0.1/col/col3371/index.html",
                       domains=["127.0.0.1"])
    assert stated_total(listing, None) == ("records", 14)
    assert stated_total(discover(Column(docs(10), pager="next").list_html(0), URL,
                                 domains=["www.example.gov.cn"]), None) is None


def test_progress_of_a_round_adds_up_its_workers() -> None:
    from crawler.context import CrawlState
    from crawler.round_spider import merge, snapshot

    one, two = CrawlState(), CrawlState()
    one.columns[URL] = ColumnProgress(pages=2, links=8, page_size=4, new=1, stated=3,
                                      unit="pages")
    two.columns[URL] = ColumnProgress(pages=1, links=4, offsite=1, stated=3, unit="pages",
                                      end="end")
    two.warn("a warning")

    class Crawler:
        stats = None

    state, _ = merge({"a": snapshot(Crawler(), one),  # type: ignore[arg-type]
                      "b": snapshot(Crawler(), two)})  # type: ignore[arg-type]
    assert state.columns[URL] == ColumnProgress(pages=3, links=12, offsite=1, page_size=4,
                                                new=1, stated=3, unit="pages", end="end")
    assert state.warnings == ["a warning"]
    assert judge(URL, state.columns[URL], None, failed=False).complete
