"""The comparison form (monitor.folding), and that fingerprint, change set and diff agree on it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.extraction.text import DEBRIS
from monitor.changes import Snapshot, compare
from monitor.diff import diff_texts
from monitor.fingerprint import attachment_key, fingerprint
from monitor.folding import (
    FAST_DEBRIS,
    compared_lines,
    display_form,
    fold,
    paragraph_keys,
    text_key,
    volatile,
    without_counters,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "samples"


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_fast_debris_pattern_removes_what_the_extractor_removes() -> None:
    for text in seed_texts():
        assert FAST_DEBRIS.sub("", text) == DEBRIS.sub("", text)
    assert display_form("數(shù)據(jù)和人工智能(AI)") == "数据和人工智能(AI)"


@pytest.mark.parametrize(("a", "b"), [
    ("著力打造", "着力打造"),
    ("（一）", "(一)"),
    ("７％", "7%"),
    ("4,800家", "4800家"),
    ("企业、高校", "企业，高校"),
    ("全 文\u3000", "全文"),
    ("…", "..."),
    ("文\u200b件", "文件"),
    ("GDP", "gdp"),
])
def test_fold_equates(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [
    ("调整", "完善"),
    ("7%", "6.5%"),
    ("1,2", "12"),   # not a thousands separator
    ("示范点", "示范城市"),
])
def test_fold_distinguishes(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@pytest.mark.parametrize("line", ["今天是2026年3月1日 星期日", "2026-03-01 10:22:33", "10:22",
                                  "2026年03月01日 周日 08:00", "今天是2026年3月1日",
                                  "北京时间 10:22"])
def test_clock_lines_are_volatile(line: str) -> None:
    assert volatile(line)


@pytest.mark.parametrize("line", ["2021年2月18日", "会议定于2026年3月1日 星期日 9:00在市政府召开",
                                  "第1条", "2026年3月5日 17:00", "2026-03-05 09:30",
                                  "开标时间\t2026-03-05 09:30:00"])
def test_dated_content_is_not_volatile(line: str) -> None:
    """A date with a time to the minute is what a notice says (a deadline, a bid opening), even
    alone on its line; so is a table row."""
    assert not volatile(line)


def _differ(before: str, after: str) -> bool:
    """Do the two texts differ, as the fingerprint's key and as the diff say? (They must agree.)"""
    differ = text_key(before) != text_key(after)
    assert differ is diff_texts(before, after).changed
    return differ


@pytest.mark.parametrize(("before", "after"), [
    ("报名截止时间：\n2026年3月5日 17:00", "报名截止时间：\n2026年3月6日 17:00"),
    ("开标时间\n2026年3月5日 09:30", "开标时间\n2026年3月5日 14:30"),
    ("会议时间：\n2026年3月10日 星期二", "会议时间：\n2026年3月12日 星期四"),
    ("会议时间\n2026年3月10日 星期二 9:00\n会议地点：市政府",
     "会议时间\n2026年3月12日 星期四 9:00\n会议地点：市政府"),
    ("一、时间安排\n2026年3月10日 星期二\n二、参会人员",
     "一、时间安排\n2026年3月11日 星期三\n二、参会人员"),
    ("报到时间\n08:30\n请准时参加", "报到时间\n09:00\n请准时参加"),
    ("会议时间：\n2026年3月10日 星期二\n9:00", "会议时间：\n2026年3月10日 星期二\n14:00"),
    ("会议时间：\n2026年3月10日\n9:00", "会议时间：\n2026年3月10日\n14:00"),
], ids=["deadline-at-the-end", "time-at-the-end", "weekday-under-label-at-the-end",
        "weekday-and-time-inside", "weekday-inside", "bare-time-inside",
        "time-under-a-dated-label-at-the-end", "time-under-a-date-under-a-label-at-the-end"])
def test_a_date_or_time_alone_on_a_line_is_content(before: str, after: str) -> None:
    assert _differ(before, after)


@pytest.mark.parametrize(("before", "after"), [
    ("2026年3月1日 星期日\n正文。", "2026年3月2日 星期一\n正文。"),
    ("10:22\n正文。", "08:01\n正文。"),
    ("正文。\n2026年3月1日 星期日", "正文。\n2026年3月2日 星期一"),
    ("2026年3月1日 星期日\n10:22\n正文。", "2026年3月2日 星期一\n08:01\n正文。"),
    ("正文。\n浏览次数：5\n2026年3月1日 星期日 10:22",
     "正文。\n浏览次数：6\n2026年3月2日 星期一 08:01"),
    ("正文。\n2026-03-01 10:22:33\n正文。", "正文。\n2026-03-02 08:01:09\n正文。"),
    ("正文。\n今天是2026年3月1日\n正文。", "正文。\n今天是2026年3月2日\n正文。"),
    ("正文。\n当前时间：\n2026-03-01 10:22\n正文。",
     "正文。\n当前时间：\n2026-03-02 08:01\n正文。"),
], ids=["weekday-first", "time-first", "weekday-last", "date-then-time-first",
        "after-a-counter-last", "to-the-second-inside", "says-so-inside", "label-line-says-so"])
def test_clock_widgets_stay_out_of_the_key(before: str, after: str) -> None:
    assert not _differ(before, after)


def test_only_the_edge_clock_is_dropped() -> None:
    text = "2026年3月1日 星期日\n会议时间：\n2026年3月10日 星期二\n正文。\n2026年3月1日 星期日"
    assert compared_lines(text) == ["会议时间：", "2026年3月10日 星期二", "正文。"]


def test_counters_lose_their_number_only_as_counters() -> None:
    assert without_counters("浏览次数：123") == "浏览次数："
    assert without_counters("浏览次数 88") == "浏览次数 "
    assert without_counters("发布时间：2021-02-18 访问量:45次") == "发布时间：2021-02-18 访问量:"
    sentence = "网站访问量1200万次，同比增长"
    assert without_counters(sentence) == sentence


@pytest.mark.parametrize(("line", "folded"), [
    ("【访问次数：88】", "【访问次数：】"),
    ("阅读：123次", "阅读："),
    ("本文已被浏览 123 次", "本文已被浏览 "),
    ("已有123人次浏览", "已有浏览"),
    ("浏览量 1.2万", "浏览量 "),
    ("來源：示例局　發布時間：2021-02-18　瀏覽次數：128",
     "來源：示例局　發布時間：2021-02-18　瀏覽次數："),
    ("发布时间：2021-02-18浏览次数：128", "发布时间：2021-02-18浏览次数："),
])
def test_a_counter_that_is_the_whole_line_or_ends_an_info_line_loses_its_number(
        line: str, folded: str) -> None:
    assert without_counters(line) == folded


@pytest.mark.parametrize("line", [
    "（一）政府网站总访问量：1234567次。",
    "2025年，政府网站访问量：350万次，较上年增长12%。",
    "网站访问量\t1234567",
    "浏览次数\t12",
    "全年访问量：350万次",
    "本年度，网站访问量：1234567",
    "点击量前三位的栏目为：政策文件、通知公告、政务动态。",
])
def test_visit_figures_in_a_report_are_content(line: str) -> None:
    """政府信息公开工作年度报告: every agency reports its site's visit figures; a corrected
    figure is an edit. A sentence or a table row around a counter makes it content."""
    assert without_counters(line) == line
    edited = line.replace("1234567", "1334567").replace("350万", "380万").replace("12", "13")
    if edited != line:
        assert _differ("正文。\n" + line, "正文。\n" + edited)


@pytest.mark.parametrize(("before", "after"), [
    ("企业名称\t合格\t不合格\n示例食品有限公司\t√\t",
     "企业名称\t合格\t不合格\n示例食品有限公司\t\t√"),
    ("项目\t2024年\t2025年\n专项资金（万元）\t120\t0",
     "项目\t2024年\t2025年\n专项资金（万元）\t12\t00"),
    ("\t合格\t不合格\n\t√\t", "\t合格\t不合格\n\t\t√"),
    ("项目\t金额\n甲\t100\t", "项目\t金额\n甲\t\t100"),
], ids=["mark-moves-column", "number-split-across-cells", "leading-empty-cell",
        "value-moves-to-the-last-column"])
def test_table_cell_boundaries_count(before: str, after: str) -> None:
    assert fold(before) != fold(after)
    assert _differ(before, after)


def test_white_space_inside_and_around_cells_is_still_ignored() -> None:
    assert fold("示例 食品\t√ \t\u3000") == fold("示例食品 \t √\t") == "示例食品\t√\t"
    assert not _differ("项目\t金额\n专项资金\t100 万元", " 项目 \t金额\n专项资金\t100万元\u3000")
    assert paragraph_keys("甲\t乙\n\t\t\n\u200b\t\u200b\n丙") == ["甲\t乙", "丙"]


@pytest.mark.parametrize("text", [
    "企业名称\t合格\t不合格\n示例食品有限公司\t√\t\n说明。",
    "\t\t√\n\u200b\t\u200b\n 甲 \t 乙 \n浏览次数：5",
])
def test_text_key_is_the_paragraph_keys_joined_for_tables_too(text: str) -> None:
    assert text_key(text) == "".join(paragraph_keys(text))


def test_paragraph_breaks_are_not_part_of_the_key() -> None:
    assert text_key("甲乙。\n丙丁。") == text_key("甲乙。丙丁。")
    assert paragraph_keys("甲\n\n 浏览次数：5\n乙") == ["甲", "浏览次数:", "乙"]


def test_attachment_key_prefers_the_content_hash() -> None:
    assert attachment_key({"url": "http://a/1.pdf", "sha256": "ab"}) == "ab"
    assert attachment_key({"url": "http://a/1.pdf#page=2", "sha256": None}) == "url:http://a/1.pdf"


def _mutate(text: str, rng: random.Random) -> str:
    """Noise (script, spacing, punctuation width, re-flow) or a real edit, at random."""
    kind = rng.choice(["traditional", "space", "width", "reflow", "edit", "edit", "number"])
    if kind == "traditional":
        import opencc

        return str(opencc.OpenCC("s2t").convert(text))
    if kind == "space":
        return text.replace("。", "。 ", 3)
    if kind == "width":
        return text.replace("，", ",").replace("%", "％")
    if kind == "reflow":
        return text.replace("。", "。\n", 2)
    at = rng.randrange(len(text) // 4, len(text) * 3 // 4)
    if kind == "number":
        return text[:at] + "，增长9.5%" + text[at:]
    return text[:at] + "完善" + text[at + 2:]


@pytest.mark.parametrize("trial", range(12))
def test_fingerprint_changes_exactly_when_the_diff_shows_something(trial: int) -> None:
    rng = random.Random(trial)
    base = display_form(rng.choice(seed_texts()))[:3000]
    other = _mutate(base, rng)
    same_fp = fingerprint("标题", base, {"status": "有效"}, []) == \
        fingerprint("标题", other, {"status": "有效"}, [])
    diff = diff_texts(base, other)
    change = compare(Snapshot("标题", base, {"status": "有效"}, []),
                     Snapshot("标题", other, {"status": "有效"}, []))
    assert same_fp is (not diff.changed) is (not change.is_change)


NOTICE = ("关于2025年度专项资金安排的公示\n报名截止时间：\n2026年3月5日 17:00\n"
          "企业名称\t合格\t不合格\n示例食品有限公司\t√\t\n"
          "项目\t2024年\t2025年\n专项资金（万元）\t120\t0\n"
          "（一）政府网站总访问量：1234567次。\n浏览次数：12")
EDITS: dict[str, tuple[str, str, bool]] = {
    # id: (old, new, a real change?)
    "cell-moves": ("示例食品有限公司\t√\t", "示例食品有限公司\t\t√", True),
    "number-split": ("\t120\t0", "\t12\t00", True),
    "deadline": ("3月5日 17:00", "3月6日 17:00", True),
    "visit-figure": ("1234567次", "1334567次", True),
    "counter": ("浏览次数：12", "浏览次数：99", False),
    "clock-first": ("关于2025", "2026年3月1日 星期日\n关于2025", False),
    "clock-last": ("浏览次数：12", "浏览次数：12\n2026年3月1日 星期日 10:22", False),
    "spaces-in-cells": ("示例食品有限公司\t√\t", " 示例食品 有限公司 \t √\u3000\t", False),
    "row-reflowed": ("的公示\n报名", "的公示报名", False),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_fingerprint_diff_and_change_set_agree_on_tables_clocks_and_counters(case: str) -> None:
    old, new, real = EDITS[case]
    assert NOTICE.count(old) == 1
    edited = NOTICE.replace(old, new)
    same_fp = fingerprint("标题", NOTICE, {}, []) == fingerprint("标题", edited, {}, [])
    diff = diff_texts(NOTICE, edited)
    change = compare(Snapshot("标题", NOTICE, {}, []), Snapshot("标题", edited, {}, []))
    assert (not same_fp, diff.changed, change.is_change) == (real, real, real)
