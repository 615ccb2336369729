"""Text hygiene: the text as published, and a normalised form kept apart for comparison.

``clean_text`` removes what is not the author's: converter debris such as ``數(shù)`` and
``會(huì )`` (pinyin that traditional-script converters leave after a polyphonic character) and
layout white space. It does not change the script, the punctuation or the words: the text stays
as published. ``normalize`` is for comparing and fingerprinting only: simplified script (OpenCC
t2s), width folded (NFKC plus the CJK punctuation NFKC leaves alone), no white space, so that a
re-served traditional copy or a re-spaced template compares equal to the original.

Tables keep their rows as lines with the cells separated by a tab, so ``clean_text`` collapses
white space inside a cell but keeps the tabs between cells.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A CJK character followed by a parenthesised pinyin annotation carrying at least one tone mark;
# requiring the tone mark keeps genuine parentheses such as 人工智能(AI) or 数据(data) intact.
DEBRIS = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])\((?=[^()]*[{_TONED}])[a-zü{_TONED}ê ]{{1,12}}\)")
# White space as portals lay it out: ASCII, no-break, en/em/ideographic spaces, zero-width
# characters and the BOM. Tabs are kept apart (they separate table cells in ``text``).
_SPACES = re.compile(r"[ \r\n\f\v\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060"
                     r"\u3000\ufeff]+")
_ALL_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000"
                        r"\ufeff]+")
_PUNCT = str.maketrans({
    "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "，": ",",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "【": "[", "】": "]", "〔": "[", "〕": "]", "《": "<", "》": ">", "〈": "<", "〉": ">",
    "—": "-", "–": "-", "－": "-", "～": "~", "·": ".", "•": ".", "…": "...",
})

# OpenCC converters are not documented as thread-safe; Scrapy and the benchmark may run
# extraction in threads, so each thread gets its own.
_local = threading.local()


def _t2s() -> opencc.OpenCC:
    converter = getattr(_local, "t2s", None)
    if converter is None:
        converter = _local.t2s = opencc.OpenCC("t2s")
    return converter


def remove_debris(text: str) -> str:
    return DEBRIS.sub("", text)


def collapse(text: str) -> str:
    """Every run of white space (tabs and line breaks included) as one space, stripped."""
    return _ALL_SPACE.sub(" ", text).strip()


def clean_line(line: str) -> str:
    """One line or value as published: debris removed, white space collapsed."""
    return collapse(remove_debris(line))


def _clean_row(line: str) -> str:
    if "\t" not in line:
        return _SPACES.sub(" ", line).strip()
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    return "\t".join(cells) if any(cells) else ""


def clean_text(text: str) -> str:
    """Paragraphs as published: debris gone, spaces collapsed, empty lines dropped; a table row's
    cells stay separated by tabs."""
    text = remove_debris(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_clean_row(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def normalize(text: str | None) -> str:
    """Comparison form: simplified, width-folded, punctuation-folded, no white space."""
    if not text:
        return ""
    text = to_simplified(remove_debris(text))
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return _ALL_SPACE.sub("", text).lower()


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]
