"""Text hygiene (text as published) and the normalised comparison form (kept apart)."""

from __future__ import annotations

import pytest

from crawler.extraction.mojibake import misaligned_runs
from crawler.extraction.text import clean_line, clean_text, normalize, remove_debris
from tests.crawler.extraction.golden import SEEDS


@pytest.mark.parametrize(("found", "published"), [
    ("數(shù)字經(jīng)濟", "數字經濟"),
    ("社會(huì )主義", "社會主義"),                 # the converter's trailing space inside
    ("創(chuàng)新驅(qū)動", "創新驅動"),
    ("人工智能(AI)和大数据(data)", "人工智能(AI)和大数据(data)"),  # no tone mark: not debris
    ("(一)加快发展", "(一)加快发展"),
    ("2021(年度)", "2021(年度)"),
    ("?(chuàng)新", "?(chuàng)新"),                # not after a hanzi: left alone
])
def test_converter_debris(found: str, published: str) -> None:
    assert remove_debris(found) == published


def test_clean_text_keeps_paragraphs_and_table_cells() -> None:
    raw = "　　第一段，\u00a0有空格。\r\n\n  \n指标\t 数值 \t增长\n第二\u200b段"
    assert clean_text(raw) == "第一段， 有空格。\n指标\t数值\t增长\n第二段"
    assert clean_line(" 索\u3000引\u3000号\n ") == "索 引 号"


@pytest.mark.parametrize(("a", "b"), [
    ("數(shù)據開放共享", "数据开放共享"),                 # script and debris
    ("“十四五”開局，", '"十四五"开局,'),                # punctuation width
    ("ＧＤＰ增长７％", "GDP增长7%"),                     # full-width ASCII
    ("第一段\n第二段", "第一段 第二段"),                  # white space
    ("《办法》【试行】〔2021〕", "<办法>[试行][2021]"),
])
def test_normalised_forms_compare_equal(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


def test_normalised_form_is_kept_apart() -> None:
    # normalize() is for comparison only; the text as published keeps script and punctuation.
    assert clean_line("數(shù)據，開放") == "數據，開放"
    assert normalize(None) == normalize("") == ""


def test_seed_000_and_001_compare_after_conversion() -> None:
    # DESIGN.md: the plan published twice (000 traditional, 001 the newspaper): after
    # conversion to simplified script their shared paragraphs compare equal.
    wuxi = normalize((SEEDS / "000_2119c0a87a8225a9.txt").read_text(encoding="utf-8"))
    paper = normalize((SEEDS / "001_7ecb4e462155040d.txt").read_text(encoding="utf-8"))
    sentence = normalize("率先服务和融入“双循环”。以扩大内需为战略基点")
    assert sentence in wuxi and sentence in paper


@pytest.mark.parametrize(("seed", "runs"), [
    ("000_2119c0a87a8225a9.txt", 5), ("001_7ecb4e462155040d.txt", 0),
    ("003_8c26460259d3c740.txt", 0), ("004_61c559197c22ac7a.txt", 3),
])
def test_gbk_decoded_at_the_wrong_offset_is_detected(seed: str, runs: int) -> None:
    text = remove_debris((SEEDS / seed).read_text(encoding="utf-8"))
    found = misaligned_runs(text)
    assert len(found) == runs
    assert all(run.startswith("?") for run in found)


def test_an_ascii_question_mark_before_chinese_is_not_mojibake() -> None:
    assert misaligned_runs("这是什么?我们不知道。数据?（一）发展") == []
