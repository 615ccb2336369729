"""The comparison form of text: what two versions must agree on to count as "the same".

Every decision about change goes through here — the fingerprint (``monitor.fingerprint``), the
change set (``monitor.changes``), the diff (``monitor.diff``) and outlet matching
(``monitor.outlets``) — so that they can never disagree: a fetch makes a version exactly when the
diff has something to show.

Two forms:

- ``display_form``: what users read — simplified script, converter debris such as ``數(shù)``
  removed, otherwise as published.
- ``fold``: the key compared — ``display_form`` plus width folding (NFKC), punctuation folding
  (``、``→``,``; the pages at two outlets differ in nothing else), a few variant characters
  OpenCC's ``t2s`` leaves alone (``著力`` in a traditional copy is ``着力`` in the original:
  seed document 000), thousands separators dropped, no white space, lower case.

Volatile lines — a clock widget, a view counter that slipped past extraction — are dropped from
the key (``volatile``), because a key that changes on every fetch makes every fetch a version.

The folding is owned here rather than in ``crawler.extraction.text.normalize`` on purpose: stored
fingerprints depend on it, so it must change only together with ``FOLD_VERSION``.
"""

from __future__ import annotations

import re
import unicodedata

from crawler.extraction.text import fold_compatibility, has_traditional, to_simplified

# Bump when ``fold`` changes: fingerprints carry it, and ingest recomputes a stored version's
# fingerprint before believing that a mismatch is a change.
FOLD_VERSION = 3

_PUNCT = {
    "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "，": ",", "．": ".",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]", "［": "[", "］": "]",
    "《": "<", "》": ">", "〈": "<", "〉": ">", "﹙": "(", "﹚": ")",
    "—": "-", "–": "-", "－": "-", "―": "-", "‐": "-", "‑": "-", "─": "-",
    "～": "~", "〜": "~", "·": ".", "•": ".", "・": ".", "…": "...", "⋯": "...",
}
# Characters that OpenCC's t2s keeps (they are also valid simplified characters) but that a
# simplified original writes differently; folded in the key only, never in what is shown.
_VARIANTS = {"著": "着", "衹": "只", "祇": "只", "麽": "么"}
_ZERO_WIDTH = {"\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
               "\u00ad": ""}
# Chained str.replace, each guarded by a C-level `in`: several times faster than str.translate
# with a dict on CJK text (~130 ns a character), which mattered for the 50,000-character diff.
_REPLACE = tuple({**_PUNCT, **_VARIANTS, **_ZERO_WIDTH}.items())
# The rules left to run after ``fold_compatibility``: a character NFKC changes is gone by then
# (and NFKC's output never holds one), so its rule would search the text for nothing.
_AFTER_NFKC = tuple((old, new) for old, new in _REPLACE
                    if unicodedata.normalize("NFKC", old) == old)
# What NFKC would fold anyway, folded first with plain replacements: Chinese text is full of
# these full-width marks, and each one left would cost a lookup in ``fold_compatibility``.
_BEFORE_NFKC = tuple({
    "，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "！": "!", "？": "?", "％": "%",
    "．": ".", "／": "/", "－": "-", "＋": "+", "＝": "=", "＜": "<", "＞": ">", "［": "[",
    "］": "]", "\u3000": " ", "\xa0": " ", "…": "...", "⋯": "...",
}.items())
# A thousands separator: a comma between a digit and exactly three digits. Written to start with
# its literal "," (the digit before it checked behind), so that the engine skips ahead to each
# comma instead of trying a match at every digit: 8x faster on a long text.
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")

# A clock widget line: a date with a weekday and/or a time of day and nothing else
# ("今天是2026年3月1日 星期日", "2026-03-01 10:22:33"). A dated sentence in a notice has more words.
_DATE = r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?"
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_TIME = r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?"
_CLOCK = re.compile(
    rf"(?:今天是|今日|今天|当前时间|现在时间|北京时间)?\s*[:：]?\s*(?:{_DATE}\s*(?:{_WEEKDAY})?\s*"
    rf"(?:{_TIME})?|{_WEEKDAY}\s*{_TIME}|{_TIME})\s*(?:{_WEEKDAY})?")
_HAS_CLOCK_PART = re.compile(rf"{_WEEKDAY}|{_TIME}")
_MAX_CLOCK_LINE = 40
# A view counter with its number: the label stays, the number goes. Only with a colon or in a
# short line — "网站访问量1200万次" in a sentence is content, and its number may change for real.
_COUNTER = re.compile(
    r"(浏览次数|瀏覽次數|访问次数|訪問次數|阅读次数|閱讀次數|点击数|點擊數|点击量|點擊量|"
    r"浏览量|瀏覽量|阅读量|閱讀量|访问量|訪問量)(\s*[:：]?\s*)[0-9０-９,，]+(?:\s*次)?")
_SHORT_LINE = 30
# Every counter label above holds one of these rarer characters: a text with none of them has no
# counter, which single-character searches (memchr) tell several times faster than the regex.
_COUNTER_CHARS = "览覽访訪阅閱击擊"


# crawler.extraction.text.DEBRIS (a CJK character, then pinyin with a tone mark in parentheses),
# written to start with its literal "(" so that the regex engine skips ahead to each parenthesis
# instead of trying a lookbehind at every character: 20× faster on a 50,000-character text.
# tests/monitor/test_diff_folding.py checks that the two remove the same debris from the seeds.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
FAST_DEBRIS = re.compile(
    rf"\((?<=[\u3400-\u9fff\uf900-\ufaff]\()(?=[^()]*[{_TONED}])[a-zü{_TONED}ê ]{{1,12}}\)")


def display_form(text: str) -> str:
    """What users read: simplified script without converter debris.

    OpenCC runs only on text holding a character it would change: most portals publish in
    simplified script, and the conversion was the costliest step of a fingerprint. What that
    skips — phrase-level conversions of characters that are valid simplified (看著) — is folded
    by ``_VARIANTS`` in the key.
    """
    if "(" in text:
        text = FAST_DEBRIS.sub("", text)
    return to_simplified(text) if has_traditional(text) else text


def _fold_chars(text: str) -> str:
    for old, new in _BEFORE_NFKC:
        if old in text:
            text = text.replace(old, new)
    text = fold_compatibility(text)
    for old, new in _AFTER_NFKC:
        if old in text:
            text = text.replace(old, new)
    if "," in text:
        text = _THOUSANDS.sub("", text)
    return text.lower()


def fold_display(text: str) -> str:
    """The key of text already in ``display_form`` (the diff folds token by token with it)."""
    return "".join(_fold_chars(text).split())


def fold(text: str | None) -> str:
    """The comparison key of any text (titles, metadata values, a paragraph)."""
    if not text:
        return ""
    return fold_display(display_form(text))


def volatile(line: str) -> bool:
    """A line whose content is the moment of the fetch, not the document: a clock widget."""
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= _MAX_CLOCK_LINE and _clock(stripped)


def _clock(stripped: str) -> bool:
    return bool(_CLOCK.fullmatch(stripped)) and bool(_HAS_CLOCK_PART.search(stripped))


def without_counters(line: str) -> str:
    """``浏览次数：123`` → ``浏览次数：``: the label is the page's, the number is the moment's."""
    short = len(line.strip()) <= _SHORT_LINE

    def replace(m: re.Match[str]) -> str:
        at_end = not line[m.end():].strip()
        if m.group(2).strip() or (short and at_end):
            return m.group(1) + m.group(2)
        return m.group(0)

    return _COUNTER.sub(replace, line)


def _kept_lines(text: str) -> list[str]:
    """The lines of ``text`` in ``display_form`` that count: not blank, not volatile, view
    counters' numbers removed."""
    shown = display_form(text)
    # Most texts have no counter: then no per-line pass.
    counters = any(char in shown for char in _COUNTER_CHARS) \
        and _COUNTER.search(shown) is not None
    kept = []
    for line in shown.split("\n"):
        stripped = line.strip()
        # volatile(line), without stripping twice or a call for every paragraph.
        if stripped and (len(stripped) > _MAX_CLOCK_LINE or not _clock(stripped)):
            kept.append(without_counters(line) if counters else line)
    return kept


def paragraph_keys(text: str) -> list[str]:
    """The folded, non-empty, non-volatile paragraphs of a text, in order (``monitor.diff``
    splits and filters its lines the same way)."""
    # One pass of character folding over all the lines (none of its rules reaches across a
    # line break), then white space dropped line by line: the same keys as folding each line
    # with ``fold_display``, without paying the rules' fixed cost once per paragraph.
    folded = _fold_chars("\n".join(_kept_lines(text))).split("\n")
    return [key for key in ("".join(line.split()) for line in folded) if key]


def text_key(text: str) -> str:
    """The key of a whole text. Paragraph breaks are not part of it: a template that splits or
    joins paragraphs differently has not changed the document."""
    # "".join(paragraph_keys(text)), without splitting into paragraphs only to join them again:
    # a line break is white space, which the key drops anyway.
    return "".join(_fold_chars("\n".join(_kept_lines(text))).split())
