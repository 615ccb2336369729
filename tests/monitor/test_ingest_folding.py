"""The comparison form (monitor.folding) end to end: pages through the real extraction and
ingest, on SQLite and PostgreSQL.

A date or time alone on its line, a visit figure in an annual report and a table cell that
changes column are edits, each told as one ``changed`` event with what changed; clock widgets
and view counters around the text still make no version; and fingerprints stored by the
previous folding are not taken for changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from monitor.ingest import Ingested
from monitor.store.records import EventRecord
from tests.monitor.test_ingest import URL, Fetch, Harness, harness, page

__all__ = ["harness"]


def _told(harness: Harness, before: str, after: str) -> list[EventRecord]:
    """The events a document raises beyond its ``new``, fetched as ``before`` then ``after``."""
    harness.run(Fetch(URL, page(body_extra=before)))
    harness.run(Fetch(URL, page(body_extra=after, views=7)))
    return [e for e in harness.events() if e.kind != "new"]


def _edits(event: EventRecord) -> list[list[str]]:
    return [segment for paragraph in event.summary["excerpt"]
            for segment in paragraph["segments"] if segment[0] != "equal"]


def _numbers(event: EventRecord) -> list[tuple[str, str, str]]:
    return [(n["context"], n["before"], n["after"]) for n in event.summary["numbers"]]


# --------------------------------------------------------- a date or time alone on a line

DATES: dict[str, tuple[str, str, list[list[str]], list[tuple[str, str, str]]]] = {
    # id: (before, after, edits, numbers)
    "deadline-line": ("<p>报名截止时间：</p><p>2026年3月5日 17:00</p>",
                      "<p>报名截止时间：</p><p>2026年3月6日 17:00</p>",
                      [["replace", "5日", "6日"]], [("2026年3月", "5日", "6日")]),
    "bid-opening-time": ("<p>开标时间</p><p>2026年3月5日 09:30</p>",
                         "<p>开标时间</p><p>2026年3月5日 14:30</p>",
                         [["replace", " 09", " 14"]], [("2026年3月5日", "09", "14")]),
    "meeting-day-weekday": ("<p>会议时间：</p><p>2026年3月10日 星期二</p>",
                            "<p>会议时间：</p><p>2026年3月12日 星期四</p>",
                            [["replace", "10日", "12日"], ["replace", "二", "四"]],
                            [("2026年3月", "10日", "12日")]),
    "one-column-table": (
        "<table><tr><td>开标时间</td></tr><tr><td>2026-03-05 09:30</td></tr></table>",
        "<table><tr><td>开标时间</td></tr><tr><td>2026-03-06 09:30</td></tr></table>",
        [["replace", "05 ", "06 "]], [("2026-03-", "05", "06")]),
    "weekday-inside-the-text": (
        "<p>会议安排如下：</p><p>2026年3月10日 星期二</p><p>请各单位准时参加。</p>",
        "<p>会议安排如下：</p><p>2026年3月11日 星期三</p><p>请各单位准时参加。</p>",
        [["replace", "10日", "11日"], ["replace", "二", "三"]],
        [("2026年3月", "10日", "11日")]),
}


@pytest.mark.parametrize("case", sorted(DATES))
def test_a_date_or_time_alone_on_a_line_is_an_edit(harness: Harness, case: str) -> None:
    """A tender or meeting notice: the date or time under its label is the news."""
    before, after, edits, numbers = DATES[case]
    (event,) = _told(harness, before, after)
    assert event.kind == "changed" and event.fields == {}
    assert _edits(event) == edits
    assert _numbers(event) == numbers


# ------------------------------------------------------------- visit figures in a report

def _table(*rows: tuple[str, ...]) -> str:
    return "<table>" + "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows
    ) + "</table>"


REPORT = {
    "annual-report-colon": ("<p>（一）政府网站总访问量：{}次。</p>", "1234567", "1334567",
                            ("政府网站总访问量", "1234567次", "1334567次")),
    "annual-report-table": (_table(("指标", "数值"), ("网站访问量", "{}"),
                                   ("政务新媒体阅读量", "56000")), "1234567", "1334567",
                            ("网站访问量", "1234567", "1334567")),
    "annual-report-sentence": ("<p>2025年，政府网站访问量：{}万次，较上年增长12%。</p>", "350",
                               "380", ("政府网站访问量", "350万次", "380万次")),
}


@pytest.mark.parametrize("case", sorted(REPORT))
def test_a_visit_figure_in_an_annual_report_is_an_edit(harness: Harness, case: str) -> None:
    """政府信息公开工作年度报告: every agency reports its site's visit figures, and a corrected
    figure is the headline."""
    template, old, new, number = REPORT[case]
    (event,) = _told(harness, template.format(old), template.format(new))
    assert event.kind == "changed"
    assert _numbers(event) == [number]
    assert event.summary["headline"] == f"{number[0]} {number[1]} → {number[2]}".strip()


# ------------------------------------------------------------------------- table cells

def test_a_mark_moved_to_another_column_is_an_edit(harness: Harness) -> None:
    """抽检结果: the mark moves from 合格 to 不合格; the diff shows the cell boundary moving."""
    head = ("企业名称", "合格", "不合格")
    (event,) = _told(harness, _table(head, ("示例食品有限公司", "√", "")),
                     _table(head, ("示例食品有限公司", "", "√")))
    assert event.kind == "changed"
    assert _edits(event) == [["insert", "", "\t"], ["delete", "\t", ""]]


def test_a_number_split_across_two_cells_is_an_edit(harness: Harness) -> None:
    head = ("项目", "2024年", "2025年")
    (event,) = _told(harness, _table(head, ("专项资金（万元）", "120", "0")),
                     _table(head, ("专项资金（万元）", "12", "00")))
    assert _edits(event) == [["replace", "120\t0", "12\t00"]]
    assert _numbers(event) == [("专项资金（万元）", "120", "12"), ("专项资金（万元）", "0", "00")]


# ----------------------------------------------------------- what must still be no news

NOISE: dict[str, tuple[str, str]] = {
    "footer-clock-weekday-and-time": ("<p>2026年3月1日 星期日 10:22</p>",
                                      "<p>2026年3月2日 星期一 08:01</p>"),
    "footer-clock-after-a-counter": ("<p>浏览次数：12</p><p>2026年3月1日 星期日</p>",
                                     "<p>浏览次数：13</p><p>2026年3月2日 星期一</p>"),
    "clock-to-the-second-inside": ("<p>2026-03-01 10:22:33</p><p>附：联系方式。</p>",
                                   "<p>2026-03-02 08:01:09</p><p>附：联系方式。</p>"),
    "clock-that-says-so-inside": ("<p>今天是2026年3月1日</p><p>附：联系方式。</p>",
                                  "<p>今天是2026年3月2日</p><p>附：联系方式。</p>"),
    "info-line-counter": ("<p>来源：示例市发改委　发布时间：2021-02-18　浏览次数：12</p>",
                          "<p>来源：示例市发改委　发布时间：2021-02-18　浏览次数：345</p>"),
    "bracketed-counter": ("<p>【访问次数：88】</p>", "<p>【访问次数：89】</p>"),
    "counter-in-words": ("<p>本文已被浏览 123 次</p>", "<p>本文已被浏览 124 次</p>"),
    "reading-counter": ("<p>阅读：123次</p>", "<p>阅读：124次</p>"),
    "white-space-in-table-cells": (_table(("项目", "金额"), ("专项资金", "100万元")),
                                   _table((" 项目 ", "金额"), ("专项\u3000资金", "100 万元"))),
}


def _url(case: str) -> str:
    return f"http://127.0.0.1:1/art/2021/2/18/{case}.html"


def test_clocks_counters_and_cell_spacing_make_no_version(harness: Harness) -> None:
    """Each on its own document, in three runs: before, after, before."""
    cases = sorted(NOISE)
    harness.run(*[Fetch(_url(c), page(body_extra=NOISE[c][0])) for c in cases])
    second = harness.run(*[Fetch(_url(c), page(body_extra=NOISE[c][1], views=2)) for c in cases])
    third = harness.run(*[Fetch(_url(c), page(body_extra=NOISE[c][0], views=3)) for c in cases])
    wrong = {case: (outcomes, len(harness.versions(_url(case))), harness.kinds(_url(case)))
             for case, *outcomes in zip(cases, second, third, strict=True)
             if outcomes != [Ingested.UNCHANGED, Ingested.UNCHANGED]
             or len(harness.versions(_url(case))) != 1 or harness.kinds(_url(case)) != ["new"]}
    assert wrong == {}


# ----------------------------------------------------------------- the folding's version

def test_fingerprints_of_the_previous_folding_are_not_changes(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions stored under FOLD_VERSION 3 carry fingerprints today's folding does not make
    (a table's key now holds its cell separators, a dated line counts): ingest recomputes the
    stored fingerprint before believing a mismatch."""
    import monitor.fingerprint

    body = (_table(("企业名称", "合格", "不合格"), ("示例食品有限公司", "√", ""))
            + "<p>报名截止时间：</p><p>2026年3月5日 17:00</p>")
    current = monitor.fingerprint.FOLD_VERSION
    assert current > 3
    with monkeypatch.context() as patch:
        patch.setattr(monitor.fingerprint, "FOLD_VERSION", 3)
        harness.run(Fetch(URL, page(body_extra=body)))
    stored: Any = harness.versions()[0].fingerprint
    assert harness.run(Fetch(URL, page(body_extra=body, views=2))) == [Ingested.UNCHANGED]
    assert harness.versions()[0].fingerprint == stored and len(harness.versions()) == 1
    moved = body.replace("<td>√</td><td></td>", "<td></td><td>√</td>")
    assert harness.run(Fetch(URL, page(body_extra=moved, views=3))) == [Ingested.CHANGED]
    assert harness.kinds() == ["new", "changed"]
