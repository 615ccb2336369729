"""Shortcuts taken for speed give the results of the long way round.

monitor.folding's keys are built on crawler.extraction.text; stored fingerprints depend on them,
so a faster way to compute them must give the same keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.folding import fold, paragraph_keys, text_key

SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "samples"
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
