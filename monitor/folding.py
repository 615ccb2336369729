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
  seed document 000), thousands separators dropped, no white space, lower case — except the
  tab that separates a table row's cells (the extraction writes a row as one line of cells):
  it stays in the key as the cell boundary, so that a value moving to another column
  (``企业|√|`` → ``企业||√``) or a number split across two cells (``120|0`` → ``12|00``)
  is a change.

Volatile lines — a clock widget, a view counter that slipped past extraction — are dropped from
the key (``compared_lines``, ``without_counters``), because a key that changes on every fetch
makes every fetch a version. Both rules are narrow on purpose: a date, a time or a visit figure
that is the document's content (a deadline under its label, an annual report's 访问量) must
count.

The folding is owned here rather than in ``crawler.extraction.text.normalize`` on purpose: stored
fingerprints depend on it, so it must change only together with ``FOLD_VERSION``.
"""

from __future__ import annotations

import re
import unicodedata

from crawler.extraction.text import fold_compatibility, has_traditional, to_simplified

# Bump when ``fold`` changes: fingerprints carry it, and ingest recomputes a stored version's
# fingerprint before believing that a mismatch is a change.
# 4: a table row's cell separators (tabs) are kept in the key; a date or time alone on a line is
# a clock only when it says so, is given to the second, or (with a weekday, or a bare time)
# stands at the start or end of the text; a view counter's number is dropped only when the
# counter is the whole line or ends a short info line after a colon.
FOLD_VERSION = 4

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

# A clock widget leaks into the text as a line holding a date and/or a time of day and nothing
# else. Which such lines are clocks (``_clock_kind``): those that say so (今天是…, 当前时间：…),
# those given to the second (the moment of the fetch: documents give minutes), and — a bare date
# with a weekday, or a bare time — those at the very start or end of the text, where a header or
# footer widget leaks (``_without_edge_clocks``). A date with a time to the minute is content
# (报名截止时间：/2026年3月5日 17:00), and so is an edge line under its label (会议时间：/
# 2026年3月10日 星期二).
_DATE = r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?"
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_TIME = r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?"
_SAYS = r"今天是|今日|今天|当前时间|现在时间|北京时间"
_CLOCK = re.compile(
    rf"(?:{_SAYS})?\s*[:：]?\s*(?:{_DATE}\s*(?:{_WEEKDAY})?\s*(?:{_TIME})?|{_WEEKDAY}\s*{_TIME}|"
    rf"{_TIME})\s*(?:{_WEEKDAY})?")
_SAYS_SO = re.compile(_SAYS)
# A widget's label on a line of its own, its reading on the next (当前时间： / 2026-03-01 …).
_CLOCK_LABEL = re.compile(rf"(?:{_SAYS})\s*[:：]?")
_SECONDS = re.compile(r"\d\s*[:：]\s*\d{2}\s*[:：]\s*\d{2}")
_HAS_WEEKDAY = re.compile(_WEEKDAY)
_HAS_DATE = re.compile(_DATE)
# A line that announces the value on the next line: 会议时间：, 开标时间.
_LABEL_LINE = re.compile(r"(?:[:：]|时间|日期|时段)$")
_MAX_CLOCK_LINE = 40
# The characters a (stripped) line ``_CLOCK`` matches can start with, digits (``str.isdecimal``,
# as ``\d`` matches) aside: a clock word's, a weekday word's, a colon.
_CLOCK_STARTS = frozenset("今当现北星周礼:：")
# What ``_clock_kind`` says of a line: content, a clock, a clock only at an edge of the text, or
# content that is a date (with or without a time to the minute).
_CONTENT, _CLOCK_LINE, _EDGE_CLOCK, _DATED = 0, 1, 2, 3

# View counters: the label stays, the number goes — only where the counter is the whole line
# (浏览次数：128, 【访问次数：88】, 本文已被浏览 123 次, 已有123人次浏览) or ends a short info line
# after a colon (发布时间：2021-02-18 浏览次数：128). A table row (a tab: the cells are the
# document's) or a sentence around it makes it content: an annual report's 网站访问量 figures
# are what the report says, and a corrected figure is an edit.
_LABELS_SIMPLIFIED = ("浏览次数", "访问次数", "阅读次数", "点击次数", "点击数", "点击量",
                      "浏览量", "阅读量", "访问量", "浏览数", "阅读数", "访问数",
                      "浏览", "阅读", "访问", "点击")
# The traditional spellings too: ``without_counters`` may be given text not yet simplified.
_LABELS = _LABELS_SIMPLIFIED + tuple(label.translate(str.maketrans("浏览访问阅读点击数",
                                                                   "瀏覽訪問閱讀點擊數"))
                                     for label in _LABELS_SIMPLIFIED)
_LABEL = "|".join(sorted(_LABELS, key=len, reverse=True))
# A counter label (its number is checked by the patterns below).
_COUNTER = re.compile(rf"({_LABEL})")
_COUNT = r"[0-9０-９][0-9０-９,，.]*(?:\s*[万千])?(?:\s*(?:人次|次))?"
_WHOLE_COUNTER = re.compile(
    rf"\s*[【\[（(]?\s*(?:(?:本文|本页|该文|此文|本信息|该信息)?(?:已被|共被|被)?\s*(?:{_LABEL})"
    rf"\s*[:：]?\s*(?P<after>{_COUNT})|(?:已有|共有|共|已)?\s*(?P<before>{_COUNT})\s*(?:{_LABEL}))"
    rf"\s*[】\]）)]?\s*")
# At the end of the line, after a colon, the label starting a field (after white space, a
# separator, a bracket or a date glued to it), not a word inside a sentence (政府网站总访问量：).
_INFO_COUNTER = re.compile(
    rf"(?:^|(?<=[\s|丨｜/】\]）)\d]))(?:{_LABEL})\s*[:：]\s*(?P<after>{_COUNT})\s*[】\]]?\s*$")
_MAX_INFO_LINE = 80
_SENTENCE = frozenset("。，；,;！？!?")
# Every counter label above holds one of these rarer characters: a text with none of them has no
# counter, which single-character searches (memchr) tell several times faster than the regex.
_COUNTER_CHARS = "览覽访訪阅閱击擊"
_COUNTER_CHAR = re.compile(f"[{_COUNTER_CHARS}]")


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


def _squeeze(folded: str) -> str:
    """Folded text without white space, except the tabs between a table row's cells."""
    if "\t" not in folded:
        return "".join(folded.split())
    return "\t".join(["".join(cell.split()) for cell in folded.split("\t")])


def fold_display(text: str) -> str:
    """The key of text already in ``display_form`` (the diff folds token by token with it)."""
    return _squeeze(_fold_chars(text))


def fold(text: str | None) -> str:
    """The comparison key of any text (titles, metadata values, a paragraph)."""
    if not text:
        return ""
    return fold_display(display_form(text))


def _trim(line: str) -> str:
    """A line without white space at its ends, but with its cell separators: a row that starts
    or ends with empty cells says in which column its values stand (a row of cells ``|√|`` is
    not ``||√``)."""
    if "\t" not in line:
        return line.strip()
    start, end = 0, len(line)
    while start < end and line[start] != "\t" and line[start].isspace():
        start += 1
    while end > start and line[end - 1] != "\t" and line[end - 1].isspace():
        end -= 1
    return line[start:end]


def _clock_kind(line: str, previous: str) -> int:
    """Is this trimmed line a clock (``_CLOCK_LINE``), a clock only at an edge of the text
    (``_EDGE_CLOCK``), a date that is content (``_DATED``), or other content? ``previous`` is the
    line before it."""
    if len(line) > _MAX_CLOCK_LINE or "\t" in line or not _CLOCK.fullmatch(line):
        return _CONTENT
    if _SAYS_SO.match(line) or _SECONDS.search(line) or _CLOCK_LABEL.fullmatch(previous):
        return _CLOCK_LINE
    if _HAS_WEEKDAY.search(line) or not _HAS_DATE.search(line):
        return _EDGE_CLOCK
    return _DATED  # a date, with or without a time to the minute: the document's


def volatile(line: str) -> bool:
    """Is ``line``, standing alone (so at the start and the end of its text), a clock widget
    whose content is the moment of the fetch, not the document?"""
    stripped = line.strip()
    return bool(stripped) and _clock_kind(stripped, "") in (_CLOCK_LINE, _EDGE_CLOCK)


def _widget(line: str) -> bool:
    """A line a header or footer widget leaves next to its clock: the clock's label, a view
    counter."""
    return bool(_CLOCK_LABEL.fullmatch(line)) or _whole_counter(line) is not None


def _without_edge_clocks(lines: list[str], edge: set[int], dated: set[int]) -> list[str]:
    """Drop the edge clocks (indexes ``edge``) that stand in the run of widget lines at the start
    or at the end of the text. An edge clock under a label (会议时间：), or under dates and times
    under a label (会议时间：/2026年3月10日/9:00), is that label's value: content."""
    start = 0
    while start < len(lines) and (start in edge or _widget(lines[start])):
        start += 1
    end = len(lines)
    while end > start:
        at = end - 1
        if at in edge:
            first = at
            while first and (first - 1 in edge or first - 1 in dated):
                first -= 1
            if first and _LABEL_LINE.search(lines[first - 1]) and not _widget(lines[first - 1]):
                break
        elif not _widget(lines[at]):
            break
        end = at
    return [line for i, line in enumerate(lines) if i not in edge or start <= i < end]


def compared_lines(text: str) -> list[str]:
    """The lines of ``text`` that count, in ``display_form``, trimmed (``_trim``), in order:
    not blank, not clocks. ``monitor.diff`` diffs these, the keys below fold them."""
    kept: list[str] = []
    edge: set[int] = set()
    dated: set[int] = set()
    previous = ""
    for line in display_form(text).split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if "\t" in line:
            stripped = _trim(line)
        # _clock_kind, without a call for the lines that cannot be a clock: most are longer,
        # and most short ones (headings) start with a character no clock starts with.
        elif len(stripped) <= _MAX_CLOCK_LINE and (stripped[0] in _CLOCK_STARTS
                                                   or stripped[0].isdecimal()):
            kind = _clock_kind(stripped, previous)
            if kind == _CLOCK_LINE:
                continue
            if kind == _EDGE_CLOCK:
                edge.add(len(kept))
            elif kind == _DATED:
                dated.add(len(kept))
        kept.append(stripped)
        previous = stripped
    return _without_edge_clocks(kept, edge, dated) if edge else kept


def _may_count(line: str) -> bool:
    """Could the line hold a counter ``without_counters`` drops? Short, not a table row, with a
    counter label's character: C-level searches that spare most lines the patterns."""
    return (len(line) <= _MAX_INFO_LINE and "\t" not in line
            and _COUNTER_CHAR.search(line) is not None)


def _whole_counter(line: str) -> re.Match[str] | None:
    return _WHOLE_COUNTER.fullmatch(line) if _may_count(line) else None


def _info_counter(line: str) -> re.Match[str] | None:
    found = _INFO_COUNTER.search(line)
    if found is None or not _SENTENCE.isdisjoint(line[:found.start()]):
        return None
    return found


def without_counters(line: str) -> str:
    """``浏览次数：123`` → ``浏览次数：``: the label is the page's, the number is the moment's —
    where the counter is the whole line or ends a short info line after a colon; in a table row
    or a sentence, the figure is the document's."""
    if not _may_count(line):
        return line
    found = _WHOLE_COUNTER.fullmatch(line) or _info_counter(line)
    if found is None:
        return line
    group = "after" if found.group("after") is not None else "before"
    return line[:found.start(group)] + line[found.end(group):]


def _kept_lines(text: str) -> list[str]:
    """``compared_lines``, with view counters' numbers removed."""
    lines = compared_lines(text)
    # Most texts have no counter label's character (in either script: ``text`` may not be
    # simplified yet): then no per-line pass; and in the pass, only short lines are looked at.
    if _COUNTER_CHAR.search(text) is None:
        return lines
    return [without_counters(line) if len(line) <= _MAX_INFO_LINE else line for line in lines]


def _row_key(key: str) -> str:
    # A row whose cells all fold to nothing is no paragraph, as a blank line is none.
    return key if "\t" not in key or key.strip("\t") else ""


def line_key(line: str) -> str:
    """The key of one of ``compared_lines`` (``monitor.diff`` aligns paragraphs by it)."""
    return _row_key(fold_display(without_counters(line)))


def paragraph_keys(text: str) -> list[str]:
    """The folded, non-empty, non-volatile paragraphs of a text, in order (``monitor.diff``
    splits and filters its lines the same way)."""
    # One pass of character folding over all the lines (none of its rules reaches across a
    # line break), then white space dropped line by line: the same keys as ``line_key`` of each
    # line, without paying the rules' fixed cost once per paragraph.
    return _keys(_fold_chars("\n".join(_kept_lines(text))))


def _keys(folded: str) -> list[str]:
    return [key for key in (_row_key(_squeeze(line)) for line in folded.split("\n")) if key]


def text_key(text: str) -> str:
    """The key of a whole text. Paragraph breaks are not part of it: a template that splits or
    joins paragraphs differently has not changed the document. A table row's cell separators
    are."""
    folded = _fold_chars("\n".join(_kept_lines(text)))
    if "\t" in folded:
        return "".join(_keys(folded))
    # "".join(paragraph_keys(text)), without splitting into paragraphs only to join them again:
    # a line break is white space, which the key drops anyway.
    return "".join(folded.split())
