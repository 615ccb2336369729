"""Text hygiene: the text as published, and a normalised form kept apart for comparison.

``clean_text`` removes what is not the author's: converter debris such as ``數(shù)`` and
``會(huì )`` (pinyin that traditional-script converters leave after a polyphonic character) and
layout white space. ``normalize`` is for comparing and fingerprinting only: simplified script
(OpenCC), width folded (NFKC plus the CJK punctuation NFKC leaves alone), no white space, so that a
re-served traditional copy or a re-spaced template compares equal to the original.
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
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_PUNCT = str.maketrans({
    "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "，": ",",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "【": "[", "】": "]", "〔": "[", "〕": "]", "《": "<", "》": ">", "〈": "<", "〉": ">",
    "—": "-", "–": "-", "－": "-", "～": "~", "·": ".", "•": ".", "…": "...",
})
_WS_ALL = re.compile(r"\s+")

_local = threading.local()


def _t2s() -> opencc.OpenCC:
    converter = getattr(_local, "t2s", None)
    if converter is None:
        converter = _local.t2s = opencc.OpenCC("t2s")
    return converter


def remove_debris(text: str) -> str:
    return DEBRIS.sub("", text)


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", remove_debris(line)).strip()


def clean_text(text: str) -> str:
    """Paragraphs as published: debris gone, spaces collapsed, empty lines dropped."""
    lines = (clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .split("\n"))
    return "\n".join(line for line in lines if line)


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def normalize(text: str | None) -> str:
    """Comparison form: simplified, width-folded, punctuation-folded, no white space."""
    if not text:
        return ""
    text = to_simplified(remove_debris(text))
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return _WS_ALL.sub("", text).lower()


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]
