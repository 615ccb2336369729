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
from functools import cache

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A CJK character followed by a parenthesised pinyin annotation carrying at least one tone mark;
# requiring the tone mark keeps genuine parentheses such as 人工智能(AI) or 数据(data) intact.
# The "(" comes first and the CJK character is checked behind it, so that the engine can scan
# for "(" instead of trying every position.
DEBRIS = re.compile(rf"\((?<=[\u3400-\u9fff\uf900-\ufaff]\()[a-züê ]{{0,8}}[{_TONED}]"
                    rf"[a-züê{_TONED} ]{{0,8}}\)")
# Every character DEBRIS removes.
DEBRIS_CHARACTERS = "() abcdefghijklmnopqrstuvwxyzüê" + _TONED
# Zero-width characters and the BOM, which str.split() does not count as white space; the
# white space portals lay text out with (no-break, en/em/ideographic spaces) it does.
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_ALL_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000"
                        r"\ufeff]+")
# CJK punctuation NFKC leaves alone, folded to ASCII. Applied with str.replace, one character
# at a time: str.translate on a non-ASCII text was a third of extraction's own time.
_PUNCT = (
    ("。", "."), ("、", ","), ("；", ";"), ("：", ":"), ("？", "?"), ("！", "!"), ("，", ","),
    ("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("「", '"'), ("」", '"'), ("『", '"'),
    ("』", '"'), ("【", "["), ("】", "]"), ("〔", "["), ("〕", "]"), ("《", "<"), ("》", ">"),
    ("〈", "<"), ("〉", ">"), ("—", "-"), ("–", "-"), ("－", "-"), ("～", "~"), ("·", "."),
    ("•", "."), ("…", "..."),
)

# OpenCC converters are not documented as thread-safe; Scrapy and the benchmark may run
# extraction in threads, so each thread gets its own.
_local = threading.local()


def _t2s() -> opencc.OpenCC:
    converter = getattr(_local, "t2s", None)
    if converter is None:
        converter = _local.t2s = opencc.OpenCC("t2s")
    return converter


def remove_debris(text: str) -> str:
    return DEBRIS.sub("", text) if "(" in text else text


def collapse(text: str) -> str:
    """Every run of white space (tabs and line breaks included) as one space, stripped."""
    return _ALL_SPACE.sub(" ", text).strip()


def clean_line(line: str) -> str:
    """One line or value as published: debris removed, white space collapsed."""
    return collapse(remove_debris(line))


def _clean_row(line: str) -> str:
    # str.split() collapses every kind of white space (U+3000, no-break and en spaces too) at C
    # speed, where a regular expression per line was half of the text clean-up.
    if "\t" not in line:
        return " ".join(line.split())
    cells = [" ".join(cell.split()) for cell in line.split("\t")]
    return "\t".join(cells) if any(cells) else ""


def _without_zero_width(text: str) -> str:
    # Rare characters: looking for each of them at C speed costs a tenth of a regex pass.
    for char in _ZERO_WIDTH_CHARS:
        if char in text:
            return _ZERO_WIDTH.sub("", text)
    return text


def clean_lines(text: str) -> list[str]:
    """The paragraphs of ``text`` as published: debris gone, spaces collapsed, empty lines
    dropped; a table row's cells stay separated by tabs."""
    text = remove_debris(text.replace("\r\n", "\n").replace("\r", "\n"))
    rows = _without_zero_width(text).split("\n")
    # Without a table row in the text, _clean_row is the join below, without a call per line.
    lines = [_clean_row(row) for row in rows] if "\t" in text else \
        [" ".join(row.split()) for row in rows]
    return list(filter(None, lines))


def clean_text(text: str) -> str:
    """``clean_lines`` as one text, a line break between paragraphs."""
    return "\n".join(clean_lines(text))


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def to_traditional(text: str) -> str:
    converter = getattr(_local, "s2t", None)
    if converter is None:
        converter = _local.s2t = opencc.OpenCC("s2t")
    return str(converter.convert(text))


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """A pattern matching any one of ``chars``, written as ranges."""
    points = sorted(ord(c) for c in chars)
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return re.compile("[" + "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges) + "]")


@cache
def _traditional() -> re.Pattern[str]:
    """The characters OpenCC's t2s changes when they stand alone (會, 數, 發…): a text with none
    of them is already simplified, and normalising skips the conversion (the costliest step of
    normalising, and most portals publish in simplified script). Phrase-level conversions whose
    characters are all outside this set (著 in 看著) are the one thing skipped."""
    ranges = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
    chars = [chr(c) for start, end in ranges for c in range(start, end)]
    converted: list[str] | str = to_simplified("".join(chars))
    if len(converted) != len(chars):  # a phrase changed length: convert one by one (slower)
        converted = to_simplified("\n".join(chars)).split("\n")
    return _char_class(frozenset(c for c, s in zip(chars, converted, strict=True) if c != s))


def has_traditional(text: str) -> bool:
    """Whether ``to_simplified`` would change a character of ``text`` on its own."""
    return bool(_traditional().search(text))


@cache
def _compatibility() -> re.Pattern[str]:
    """The characters NFKC changes (full-width forms, U+3000, no-break space, circled
    numbers…). NFKC over a whole text takes its slow path for all of it as soon as one such
    character appears — milliseconds on a long document — so each character found is folded on
    its own instead."""
    return _char_class(frozenset(
        chr(c) for c in range(0x80, 0x10000)
        if not 0xD800 <= c < 0xE000 and unicodedata.normalize("NFKC", chr(c)) != chr(c)))


def fold_compatibility(text: str) -> str:
    """NFKC, character by character, for the characters it changes: the same result on the
    text portals publish (no combining sequences), without NFKC's slow path over the whole
    text as soon as one full-width character appears."""
    # Most text holds none of them, which Python's NFKC quick check (a table lookup a
    # character) tells four times faster than the search: each of them changes under NFKC
    # alone and never comes back by composition, so text NFKC leaves as it is has none.
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char in set(_compatibility().findall(text)):
        text = text.replace(char, unicodedata.normalize("NFKC", char))
    return text


def normalize(text: str | None) -> str:
    """Comparison form: simplified, width-folded, punctuation-folded, no white space."""
    if not text:
        return ""
    text = fold_compatibility(remove_debris(text))
    if has_traditional(text):
        text = to_simplified(text)
    for wide, narrow in _PUNCT:
        if wide in text:
            text = text.replace(wide, narrow)
    return "".join(_without_zero_width(text).split()).lower()


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]
