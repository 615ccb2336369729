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
                                  "2026年03月01日 周日 08:00"])
def test_clock_lines_are_volatile(line: str) -> None:
    assert volatile(line)


@pytest.mark.parametrize("line", ["2021年2月18日", "会议定于2026年3月1日 星期日 9:00在市政府召开",
                                  "第1条"])
def test_dated_content_is_not_volatile(line: str) -> None:
    assert not volatile(line)


def test_counters_lose_their_number_only_as_counters() -> None:
    assert without_counters("浏览次数：123") == "浏览次数："
    assert without_counters("浏览次数 88") == "浏览次数 "
    assert without_counters("发布时间：2021-02-18 访问量:45次") == "发布时间：2021-02-18 访问量:"
    sentence = "网站访问量1200万次，同比增长"
    assert without_counters(sentence) == sentence


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
