"""Shortcuts taken for speed give the results of the long way round.

monitor.folding's keys are built on crawler.extraction.text; stored fingerprints depend on them,
so a faster way to compute them must give the same keys.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from crawler.extraction.chrome import drop_chrome_lines, strip_invisible
from crawler.extraction.labels import (
    PAD,
    Label,
    as_found,
    known,
    label_characters,
    squash,
    synonyms,
)
from crawler.extraction.text import fold_compatibility, to_traditional
from crawler.extraction.tree import parse_html, text_content
from crawler.extraction.vocabulary import inline_pattern, inline_prefilter, load
from monitor import folding
from monitor.folding import _COUNTER, _COUNTER_CHARS, fold, paragraph_keys, text_key

SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "samples"
GOLDEN_PAGES = Path(__file__).resolve().parents[2] / "golden" / "pages"
_DIGIT_THEN_COMMA = re.compile(r"(\d),(?=\d{3}(?!\d))")   # the separator rule, written plainly


def test_text_key_is_the_paragraph_keys_joined() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    assert texts
    texts += ["甲\n\n 浏览次数：5\n乙", "今天是2026年3月1日 星期日\n第 1,234 条\u3000\n"]
    for text in texts:
        assert text_key(text) == "".join(paragraph_keys(text))


@pytest.mark.parametrize("text", ["4,800家", "1,234,567元", "1,2,345", "12,3456", "1,2",
                                  "共1,000,0000", ",123", "1,234.5", "１,２３４"])
def test_thousands_separators_as_the_plain_rule_finds_them(text: str) -> None:
    assert fold(text) == fold(_DIGIT_THEN_COMMA.sub(r"\1", text))


def test_label_alphabet_holds_every_padding_character() -> None:
    # label_alphabet() reads padding from the Basic Multilingual Plane only.
    beyond = "".join(chr(c) for c in range(0x10000, sys.maxunicode + 1))
    assert not re.search(rf"[{PAD}]", beyond)


def _known_plainly(text: str) -> Label | None:
    """labels.known without its shortcut."""
    if len(text) > 24:
        return None
    bare = as_found(text)
    if not bare or not label_characters().issuperset(bare):
        return None
    found = synonyms().get(squash(text))
    return Label(bare, found[0], found[1]) if found else None


def test_known_labels_as_the_plain_rule_finds_them() -> None:
    labels = [str(label) for group in load("labels.yaml").values() for label in group]
    texts = [*labels, *(f"{label}：" for label in labels),
             *(to_traditional(label) for label in labels), "索  引  号:", "文\u3000\u3000号",
             "發(fā)布機構：", "信息索引號", "索\u2002引\u2002号", "主题(二)", "体裁",
             "各区人民政府：", "现将有关事项通知如下", "浏览次数：", "(AI)索引号", "索引号 x",
             "索引号\u200b"]
    for text in texts:
        assert known(text) == _known_plainly(text), text


def test_invisible_elements_go_with_their_tails_kept() -> None:
    root = parse_html(
        '<html><body><div>a<span style="DISPLAY : None">x</span>b<p hidden style="color:red">y'
        '<i style="visibility:hidden">z</i></p>c<b style="border:none">d</b>'
        '<u hidden>e</u></div></body></html>')
    strip_invisible(root)
    assert etree.tostring(root.find(".//div"), encoding=str) == \
        '<div>abc<b style="border:none">d</b></div>'


def test_text_content_is_lxml_html_text_content() -> None:
    pages = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN_PAGES.glob("*.html"))]
    assert pages
    pages.append("<html><body><div>a&amp;b<![CDATA[c]]><!--x-->d<?pi y?>e&nbsp;&#x1F600;"
                 "<p>f<b>g</b></p>h</div>tail</body></html>")
    for page in pages:
        for element in parse_html(page).iter():
            if isinstance(element.tag, str):
                assert text_content(element) == element.text_content()


def test_every_counter_label_holds_a_character_the_quick_test_looks_for() -> None:
    labels = re.match(r"\(([^)]*)\)", _COUNTER.pattern)
    assert labels is not None
    for label in labels.group(1).split("|"):
        assert set(label) & set(_COUNTER_CHARS), label


def test_inline_chrome_prefilter_holds_every_match() -> None:
    prefilter = inline_prefilter("chrome_inline")
    assert prefilter is not None
    pattern = inline_pattern("chrome_inline")
    lines = ["浏览次数：128", "瀏覽次數：", "文字大小：[ 大 中 小 ]", "【字体：大 中 小】",
             "来源：示例局 日期：2021-02-18 浏览次数：12", "点击量: 5", "[大 中 小]", "访问量：",
             "閱讀次數 : 3", "全年网站点击量：120万次。", "正文"]
    matched = [line for line in lines if pattern.search(line)]
    assert len(matched) >= 6
    assert all(prefilter.search(line) for line in matched)
    assert not prefilter.search("正文")
    assert drop_chrome_lines("\n".join(lines)) == ["全年网站点击量：120万次。", "正文"]


def test_text_nfkc_leaves_alone_holds_no_character_fold_compatibility_changes() -> None:
    changed = [chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000
               and unicodedata.normalize("NFKC", chr(c)) != chr(c)]
    assert len(changed) > 1000
    for char in changed:
        assert not unicodedata.is_normalized("NFKC", f"中{char}文")
    assert fold_compatibility("第１条（一）ｆｕｌｌ") == "第1条(一)full"


def _fold_chars_plainly(text: str) -> str:
    for old, new in folding._BEFORE_NFKC:
        text = text.replace(old, new)
    text = fold_compatibility(text)
    for old, new in folding._REPLACE:
        text = text.replace(old, new)
    return folding._THOUSANDS.sub("", text).lower()


def test_character_folding_skips_only_rules_that_cannot_apply() -> None:
    every_key = "".join(old for old, _ in (*folding._BEFORE_NFKC, *folding._REPLACE))
    texts = [every_key, f"甲{every_key}乙１,２３４", "全角：ＡＢＣ，１２３；〔2021〕‑１号…⋯",
             *(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))]
    for text in texts:
        assert folding._fold_chars(text) == _fold_chars_plainly(text)
