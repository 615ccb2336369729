"""Label/value pairs wherever and however a page marks them up.

Two readers, because two kinds of markup need different evidence:

- Cells (``tr`` > ``td``/``th``, ``dl`` > ``dt``/``dd``): a label cell's value is the next cell,
  even when that cell is empty, and once a table is known to hold metadata, a cell in a label
  position is a label even when labels.yaml doesn't know it and it has no colon (seed 003's 体裁,
  分类词, 主题(二); seed 000's 附件下載). Reading text alone, an empty value would swallow the
  next label, and an unknown label would be glued onto the previous value.
- Lines (everything else: ``<b>索引号：</b>…`` in one cell, ``<font>``/``div`` pairs, ``ul/li``,
  ``p > strong``, plain ``标签：值`` lines between ``<br>``): a line starts with a label; its
  value runs to the next label on the line or the end of the line. A label alone on its line
  takes the next line as its value when that line holds no label itself (``dt``/``dd`` outside a
  ``dl``, a label ``div`` followed by a value ``div``).

Labels may be padded (索  引  号, 文\u3000\u3000号, &ensp;), carry either colon width, be in
traditional script or carry converter debris (發(fā)布機構). Pairs of page chrome (浏览次数：) end
the value before them but are not returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from crawler.extraction.labels import PAD, Label, known, shaped, unknown, unknown_colon_label
from crawler.extraction.text import clean_line, remove_debris
from crawler.extraction.tree import BLOCK_TAGS, tag, text_content, text_with_breaks

# A label where one may start inside a line: at the start, or after white space or a separator;
# a few hanzi (padding allowed between them), maybe a numbered part, then a colon of either
# width. Prose has no spaces between words, so "根据发布日期：" mid-sentence never matches.
_LABEL_AT = re.compile(
    rf"(?:^|(?<=[{PAD}|｜;；,，]))((?:[\u4e00-\u9fff][{PAD}]*){{2,10}}"
    rf"(?:[(（][一二三四五六七八九十\d]{{1,2}}[)）])?)[{PAD}]*[:：]")
_SEPARATORS = " \t\n\r\f\v\u00a0\u2002\u2003\u2009\u3000|｜;；,，"
_MAX_INLINE = 400      # a longer text node is prose, not a line of labels
_MAX_VALUE = 600       # 内容概述 can be long; a value longer than this is body text
_MAX_LABEL_TOKEN = 24
_EARLY_COLON = re.compile("[:：]")
_MAX_NEXT_LINE = 200   # a label alone on its line takes the next line only if it is this short
CELL_TAGS = frozenset({"td", "th"})
LIST_CELL_TAGS = frozenset({"dt", "dd"})


# Where a line's text lives: an element's ``.text`` (False) or its ``.tail`` (True).
TextRef = tuple[etree._Element, bool]


@dataclass(frozen=True, eq=False)
class Pair:
    """One label and its value as the page shows them (debris removed, white space collapsed).

    ``element`` is where the pair sits — the label cell, or the block element holding the line —
    and is what the metadata block is chosen from. ``line`` is the text of the whole line a line
    pair was read from, so that the line can be cut from the body without cutting the element
    around it (plain lines share their ``<div>`` with other text)."""

    label: Label
    value: str
    element: etree._Element
    line: tuple[TextRef, ...] = ()
    order: int = 0


def split_inline(text: str) -> list[tuple[Label, str]] | None:
    """``索引号：X 发布机构：Y`` → [(索引号, X), (发布机构, Y)]; None unless the text opens with a
    label and a colon."""
    first = _LABEL_AT.match(text)
    label = _inline_label(first.group(1)) if first else None
    if first is None or label is None:
        return None
    matches = [(first, label)]
    for m in _LABEL_AT.finditer(text, first.end()):
        label = _inline_label(m.group(1))
        if label is not None:
            matches.append((m, label))
    pairs = []
    for i, (m, label) in enumerate(matches):
        end = matches[i + 1][0].start() if i + 1 < len(matches) else len(text)
        pairs.append((label, clean_line(text[m.end():end].strip(_SEPARATORS))))
    return pairs


@lru_cache(maxsize=4096)   # candidates are a few hanzi before a colon: a portal's labels
def _inline_label(candidate: str) -> Label | None:
    """The label a candidate before a colon is: a known one, or one shaped like a label."""
    return known(candidate) or (unknown(candidate) if shaped(candidate) else None)


def _is_label(candidate: str) -> bool:
    return known(candidate) is not None or shaped(candidate)


def _label_cell(text: str) -> Label | None:
    """A cell or token that is a label and nothing else (a known label, or any label + colon)."""
    return known(text) or unknown_colon_label(text)


def _opens_with_label(text: str) -> bool:
    return _label_cell(text) is not None or split_inline(text) is not None


# ---------------------------------------------------------------------------------- cells


def _cells(row: etree._Element) -> list[etree._Element] | None:
    wanted = CELL_TAGS if tag(row) == "tr" else LIST_CELL_TAGS
    cells = [c for c in row if tag(c) in wanted]
    # A layout row (a cell holding a whole table) is not a row of pairs; its inner rows are.
    if not cells or any(next(c.iter("table"), None) is not None for c in cells):
        return None
    return cells


def text_refs(element: etree._Element) -> tuple[TextRef, ...]:
    """Every piece of text inside ``element``, for cutting it without removing the element."""
    refs: list[TextRef] = [(element, False)]
    for node in element.iterdescendants():
        refs.append((node, False))
        refs.append((node, True))
    return tuple(refs)


def _cell_text(cell: etree._Element) -> str:
    if len(cell) == 0:
        return clean_line(cell.text or "")
    if not any(d.tag in BLOCK_TAGS for d in cell.iterdescendants()):
        return clean_line(text_content(cell))
    return clean_line(text_with_breaks(cell))


def _read_row(texts: list[str], in_metadata_table: bool) -> Iterator[tuple[int, Label, str]]:
    """(index of the label's cell, label, value) for one row of cells."""
    i, label_position = 0, True
    while i < len(texts):
        text = texts[i]
        label = _label_cell(text) if text else None
        inline = split_inline(text) if text and label is None and len(text) <= _MAX_INLINE \
            else None
        if inline:
            for found, value in inline:
                yield i, found, value
            label_position = True
            i += 1
            continue
        if label is None and text and label_position and in_metadata_table and shaped(text):
            label = unknown(text)
        if label is not None:
            following = texts[i + 1] if i + 1 < len(texts) else None
            if following is not None and not _opens_with_label(following):
                yield i, label, following
                i += 2
            else:
                yield i, label, ""  # an empty value with no cell of its own
                i += 1
            label_position = True
            continue
        if text:
            # An unrecognised cell where a label belongs is taken as a label whose name we don't
            # know: its value follows, and the cell after that is a label position again.
            label_position = not label_position
        i += 1


def _metadata_table(table: etree._Element | None, cache: dict[etree._Element, bool],
                    texts: dict[etree._Element, str]) -> bool:
    """A table (or dl) with at least two cells that open with a known label. ``texts``: the
    cells' texts read so far (each row reads them again)."""
    if table is None:
        return False
    if table not in cache:
        count = 0
        for cell in table.iter("td", "th", "dt", "dd"):
            text = texts.get(cell)
            if text is None:
                text = texts[cell] = _cell_text(cell)
            if len(text) <= _MAX_INLINE and (known(text) or _known_inline(text)):
                count += 1
                if count >= 2:
                    break
        cache[table] = count >= 2
    return cache[table]


def _known_inline(text: str) -> bool:
    inline = split_inline(text)
    return inline is not None and any(label.key for label, _ in inline)


def cell_pairs(root: etree._Element, beside: etree._Element | None = None,
               ) -> tuple[list[Pair], set[etree._Element]]:
    """Pairs read from rows of cells (not inside ``beside``), and the cells consumed (the line
    reader skips them)."""
    pairs: list[Pair] = []
    consumed: set[etree._Element] = set()
    tables: dict[etree._Element, bool] = {}
    cell_texts: dict[etree._Element, str] = {}
    # The rows not to read, all at once: cheaper than a walk up from every row.
    inside = set(beside.iterdescendants("tr", "dl")) if beside is not None else set()
    for row in root.iter("tr", "dl"):
        if row in inside:
            continue
        cells = _cells(row)
        if cells is None:
            continue
        texts = [cell_texts.get(c) or _cell_text(c) for c in cells]
        if not any(texts):
            continue
        if len(texts) >= 2 and all(known(t) for t in texts if t):
            continue  # a header row of a list table (名称 | 索引号 | 发布日期), not pairs
        table = row if tag(row) == "dl" else next(row.iterancestors("table"), None)
        found = list(_read_row(texts, _metadata_table(table, tables, cell_texts)))
        for index, label, value in found:
            pairs.append(Pair(label, value, cells[index], text_refs(cells[index])))
        if found:
            consumed.update(cells)
    return pairs, consumed


# ---------------------------------------------------------------------------------- lines


class _Line(NamedTuple):
    """A line's block element, and its pieces of text with where each lives."""

    element: etree._Element                 # the block element the line sits in
    tokens: list[str]
    refs: list[TextRef]


class _Page(NamedTuple):
    """The page's lines: every piece of text in document order, and each line as the block
    element it sits in and the range of its pieces — no lists of its own for the hundreds of
    lines (most of them the white space between two blocks) that are read only for their first
    piece."""

    lines: list[tuple[etree._Element, int, int]]
    texts: list[str]
    refs: list[TextRef]

    def line(self, n: int) -> _Line:
        element, start, end = self.lines[n]
        return _Line(element, self.texts[start:end], self.refs[start:end])


def _first(tokens: list[str]) -> str:
    """The line's first token that is not white space, stripped."""
    for token in tokens:
        if not token.isspace():
            return token.strip()
    return ""


def _lines(root: etree._Element, skip: set[etree._Element],
           order: dict[etree._Element, int]) -> _Page:
    """Lines of text in document order: a new line at every block element and ``<br>``;
    the subtrees in ``skip`` (cells already read) are left out. ``order`` receives the document
    position of every block element and skipped cell (what pairs are sorted by).

    Written for speed, with plain lists and locals: this walks every node of the page. (lxml's
    iterwalk hands out elements only: comments and their tails are not read.)"""
    lines: list[tuple[etree._Element, int, int]] = []
    texts: list[str] = []
    refs: list[TextRef] = []
    blocks: list[etree._Element] = [root]
    element = root  # the line being read: its block element, and where its text starts
    start = 0
    # Whether each open element ends a line when it closes, decided at its start: the end
    # event then needs neither its tag nor a lookup in ``skip``.
    closing: list[bool] = []
    block_tags = BLOCK_TAGS
    add_text, add_ref, add_line = texts.append, refs.append, lines.append
    walker = etree.iterwalk(root, events=("start", "end"))
    position = 0
    # A line ends at every block boundary, and is kept if it has text.
    for event, node in walker:
        if event == "start":
            position += 1
            if node in skip:
                walker.skip_subtree()
                order[node] = position
                closing.append(True)
                if len(texts) > start:
                    add_line((element, start, len(texts)))
                    start = len(texts)
                element = blocks[-1]
                continue
            name = node.tag
            if name in block_tags:
                if len(texts) > start:
                    add_line((element, start, len(texts)))
                    start = len(texts)
                if name != "br":
                    blocks.append(node)
                    order[node] = position
                    closing.append(True)
                else:
                    closing.append(False)
                element = blocks[-1]
            else:
                closing.append(False)
            text = node.text
            if text and isinstance(name, str):
                add_text(text)
                add_ref((node, False))
        else:
            if closing.pop():
                if len(texts) > start:
                    add_line((element, start, len(texts)))
                    start = len(texts)
                if blocks[-1] is node:
                    blocks.pop()
                element = blocks[-1]
            tail = node.tail
            if tail and node is not root:
                add_text(tail)
                add_ref((node, True))
    if len(texts) > start:
        add_line((element, start, len(texts)))
    return _Page(lines, texts, refs)


def _whole_inline(ref: TextRef) -> bool:
    """The token is all the text of an inline element (``<span>来源：示例日报</span>``): a value
    that starts in it ends with it, not in the next span (the date beside the source)."""
    owner, is_tail = ref
    return not is_tail and len(owner) == 0 and tag(owner) not in BLOCK_TAGS


def _segments(line: _Line) -> list[tuple[Label | None, str]]:
    """The line as (label, value) segments; the first has no label when the line doesn't open
    with one."""
    segments: list[tuple[Label | None, str]] = []
    closed = False

    def extend_value(text: str) -> None:
        if segments and not closed:
            segments[-1] = (segments[-1][0], segments[-1][1] + text)
        elif text.strip():
            segments.append((None, text))

    for token, ref in zip(line.tokens, line.refs, strict=True):
        text = remove_debris(token)
        stripped = text.strip()
        if not stripped:
            extend_value(text)
            continue
        label = _label_cell(stripped) if len(stripped) <= _MAX_LABEL_TOKEN else None
        if label is not None:
            segments.append((label, ""))
            closed = False
            continue
        if len(stripped) > _MAX_INLINE:
            extend_value(text)
            continue
        inline = split_inline(stripped)
        lead = ""
        if inline is None and segments and segments[-1][0] is not None and not closed:
            # A label earlier on the line: the value may hold more labels after a separator.
            lead, inline = _split_after_value(stripped)
        if inline:
            extend_value(lead)
            segments.extend(inline)
            closed = _whole_inline(ref)
        else:
            extend_value(text)
    return segments


def _split_after_value(text: str) -> tuple[str, list[tuple[Label, str]] | None]:
    """"X 发布机构：Y" (a value, then more pairs in the same text node) → ("X", [(发布机构, Y)])."""
    for m in _LABEL_AT.finditer(text):
        if m.start() > 0 and _is_label(m.group(1)):
            rest = split_inline(text[m.start():])
            if rest:
                return text[:m.start()], rest
    return "", None


def line_pairs(root: etree._Element, skip: set[etree._Element],
               order: dict[etree._Element, int]) -> list[Pair]:
    pairs: list[Pair] = []
    page = _lines(root, skip, order)
    lines, texts = page.lines, page.texts
    i = 0
    while i < len(lines):
        element, start, end = lines[i]
        i += 1
        # A line has text. Most lines are the white space between two block elements.
        first = texts[start]
        if first.isspace():
            if end - start == 1:
                continue
            first = _first(texts[start:end])
        else:
            first = first.strip()
        # Cheap rejection of prose: a metadata line opens with a label — hanzi, then a colon
        # soon, or a short text node of its own.
        if not first or not "\u4e00" <= first[0] <= "\u9fff" or (
                len(first) > _MAX_LABEL_TOKEN and not _EARLY_COLON.search(first, 0, 40)):
            continue
        opener = remove_debris(first)
        if not (_LABEL_AT.match(opener) or (len(opener) <= _MAX_LABEL_TOKEN
                                            and _label_cell(opener) is not None)):
            continue
        line = page.line(i - 1)
        segments = _segments(line)
        if not segments or segments[0][0] is None:
            continue
        refs = tuple(line.refs)
        # A label alone in its element takes the next element's line as its value (a label
        # <div> and a value <div>); a line of the same element that follows is the next line of
        # text (各单位：<br>现将… opens a body, it is not a pair).
        if len(segments) == 1 and not segments[0][1].strip() and i < len(lines) \
                and lines[i][0] is not element:
            next_line = page.line(i)
            following = _segments(next_line)
            text = clean_line("".join(next_line.tokens))
            if len(following) == 1 and following[0][0] is None and len(text) <= _MAX_NEXT_LINE:
                segments = [(segments[0][0], text)]
                refs += tuple(next_line.refs)
                i += 1
        for label, value in segments:
            if label is not None:
                pairs.append(Pair(label, clean_line(value)[:_MAX_VALUE], element, refs,
                                  order.get(element, 0)))
    return pairs


def find_pairs(root: etree._Element, *, beside: etree._Element | None = None) -> list[Pair]:
    """Every label/value pair of the page, page chrome left out, in document order.

    ``beside``: an element not to read (the body's content container: reading its paragraphs
    for labels was most of the time spent on metadata)."""
    from_cells, consumed = cell_pairs(root, beside)
    order: dict[etree._Element, int] = {}
    skip = consumed | {beside} if beside is not None else consumed
    from_lines = line_pairs(root, skip, order)   # made with their order: the lines are read
    pairs = [Pair(p.label, p.value, p.element, p.line, order.get(p.element, 0))
             for p in from_cells if not p.label.is_chrome]
    pairs += [p for p in from_lines if not p.label.is_chrome]
    return sorted(pairs, key=lambda p: p.order)
