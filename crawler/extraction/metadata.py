"""Finding the 政府信息公开 metadata block on a page nobody configured.

Portals mark the block up in many ways — label and value cells (several pairs a row), label and
value in one cell (``<b>索引号：</b>…``), ``dl/dt/dd``, ``<font>``/``div`` pairs, ``ul/li``,
``p > strong``, plain ``标签：值`` lines — so the page is read as a stream of text nodes in
document order. A node that is a known label (labels.yaml, padding and colons ignored) or a short
``xxx：`` starts a pair; the value is what follows up to the next label, within one row. The block
is the smallest element holding the most distinct canonical keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml import html

from crawler.extraction.dates import parse_date
from crawler.extraction.labels import DATE_KEYS, canonical_key, squash, synonyms
from crawler.extraction.text import clean_line

ROW_TAGS = frozenset({"tr", "li", "p", "dd", "dt", "div", "h1", "h2", "h3", "h4", "h5", "h6",
                      "section", "article", "dl", "ul", "ol", "table", "body"})
PLACEHOLDERS = frozenset({"", "—", "——", "— —", "-", "--", "- -", "无", "暂无", "/", "／", "空",
                          "null", "none", "n/a", "…"})
STATUS_WORDS = re.compile(r"^(现行)?(有效|失效|废止|已失效|已废止|部分失效|部分有效|修订|已修订)$")
_UNKNOWN_LABEL = re.compile(r"^[\u4e00-\u9fff()（）]{2,8}[:：]$")
_MAX_VALUE = 600


@dataclass(frozen=True)
class _Node:
    text: str
    row: html.HtmlElement  # nearest row-like ancestor
    owner: html.HtmlElement  # element whose .text or parent whose .tail this is


@dataclass(frozen=True)
class Pair:
    label: str
    value: str
    key: str | None
    priority: int
    element: html.HtmlElement  # where the label was found


@dataclass(frozen=True)
class MetadataResult:
    metadata: dict[str, str | None]
    raw: dict[str, str]
    block: html.HtmlElement | None  # the element to cut from the body
    lines: tuple[html.HtmlElement, ...]  # info lines outside the block (发布时间：…)


@cache
def _inline_pattern() -> re.Pattern[str]:
    """Known labels followed by a colon, with any padding between their characters."""
    gap = r"[\s\u00a0\u2002\u2003\u3000]*"
    labels = sorted(synonyms(), key=len, reverse=True)
    parts = [gap.join(re.escape(ch) for ch in label) for label in labels]
    # Traditional-script pages: labels are compared in simplified script, so match any CJK
    # characters of the right length too and check them with canonical_key() afterwards.
    return re.compile(rf"(?:{'|'.join(parts)}|[\u4e00-\u9fff()（）]{{2,8}}){gap}[:：]")


def _row_of(element: html.HtmlElement) -> html.HtmlElement:
    node = element
    while node is not None and (not isinstance(node.tag, str) or node.tag not in ROW_TAGS):
        node = node.getparent()
    return node if node is not None else element


def _text_nodes(root: html.HtmlElement) -> Iterator[_Node]:
    """Text nodes in document order: an element's text, then each child's subtree and tail."""
    stack: list[tuple[html.HtmlElement, bool]] = [(root, False)]
    while stack:
        element, tail_only = stack.pop()
        if tail_only:
            parent = element.getparent()
            if element.tail and element.tail.strip() and parent is not None:
                yield _Node(element.tail, _row_of(parent), parent)
            continue
        if isinstance(element.tag, str) and element.text and element.text.strip():
            yield _Node(element.text, _row_of(element), element)
        for child in reversed(element):
            stack.append((child, True))
            if isinstance(child.tag, str):
                stack.append((child, False))


def _label_only(text: str) -> tuple[str, int] | None:
    return canonical_key(text) if len(text) <= 24 else None


def _is_unknown_label(text: str) -> bool:
    """A short ``xxx：`` cell: a label this table doesn't know (组配分类, 体裁…), kept raw."""
    return len(text) <= 12 and text.endswith((":", "：")) and bool(
        _UNKNOWN_LABEL.match(squash(text) + "："))


def _split_inline(text: str) -> list[tuple[str, str]] | None:
    """``索引号：X 发布机构：Y`` → [(索引号, X), (发布机构, Y)]; None when the text holds no
    known label followed by a colon."""
    matches = [m for m in _inline_pattern().finditer(text)
               if canonical_key(m.group(0)) or _UNKNOWN_LABEL.match(squash(m.group(0)) + "：")]
    if not matches or not any(canonical_key(m.group(0)) for m in matches):
        return None
    if text[:matches[0].start()].strip():
        return None  # the label must open the text: "根据发布日期：" mid-sentence is prose
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((m.group(0), text[m.end():end]))
    return pairs


def find_pairs(root: html.HtmlElement) -> list[Pair]:
    nodes = list(_text_nodes(root))
    pairs: list[Pair] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        text = node.text.strip()
        inline = _split_inline(text) if len(text) < 400 else None
        label_only = None if inline else _label_only(text)
        unknown = not inline and not label_only and _is_unknown_label(text)
        if not inline and not label_only and not unknown:
            i += 1
            continue
        if inline:
            *complete, (last_label, last_value) = inline
            for label, value in complete:
                pairs.append(_pair(label, value, node.owner))
            label, value_parts = last_label, [last_value]
        else:
            label, value_parts = text, []
        # The value continues over the following text nodes of one row, up to the next label.
        j = i + 1
        value_row = node.row if value_parts and value_parts[0].strip() else None
        while j < len(nodes) and sum(len(v) for v in value_parts) < _MAX_VALUE:
            following = nodes[j]
            ftext = following.text.strip()
            if _label_only(ftext) or _is_unknown_label(ftext) or (
                    len(ftext) < 400 and _split_inline(ftext)):
                break
            if value_row is None:
                value_row = following.row
            elif following.row is not value_row:
                break
            value_parts.append(following.text)
            j += 1
        pairs.append(_pair(label, " ".join(value_parts), node.owner))
        i = j
    return pairs


def _pair(label: str, value: str, element: html.HtmlElement) -> Pair:
    # Padding inside a label (索  引  号, 文\u3000\u3000号) is layout, not part of the label.
    label = re.sub(r"[\s\u00a0\u2002\u2003\u3000]+", "", clean_line(label)).rstrip(":：")
    found = canonical_key(label)
    key, priority = found if found else (None, 99)
    return Pair(label, clean_line(value), key, priority, element)


def _depth(element: html.HtmlElement) -> int:
    depth = 0
    while element.getparent() is not None:
        element = element.getparent()
        depth += 1
    return depth


def _choose_block(pairs: list[Pair]) -> html.HtmlElement | None:
    keyed = [p for p in pairs if p.key]
    scores: dict[html.HtmlElement, set[str]] = {}
    for pair in keyed:
        element = pair.element
        while element is not None:
            scores.setdefault(element, set()).add(pair.key or "")
            element = element.getparent()
    if not scores:
        return None
    best = max(len(keys) for keys in scores.values())
    if best < 2:
        return None
    candidates = [e for e, keys in scores.items() if len(keys) == best]
    return max(candidates, key=_depth)


def _inside(element: html.HtmlElement, block: html.HtmlElement) -> bool:
    while element is not None:
        if element is block:
            return True
        element = element.getparent()
    return False


def canonical_value(key: str, value: str) -> str | None:
    if value.strip().lower() in PLACEHOLDERS or squash(value) in PLACEHOLDERS:
        return None
    if key in DATE_KEYS:
        return parse_date(value)
    return value


def extract_metadata(root: html.HtmlElement,
                     scope: html.HtmlElement | None = None) -> MetadataResult:
    """Metadata of the page (``scope``: a configured metadata_selector's element)."""
    pairs = find_pairs(scope if scope is not None else root)
    block = scope if scope is not None else _choose_block(pairs)
    chosen: list[Pair] = []
    lines: list[html.HtmlElement] = []
    for pair in pairs:
        if block is not None and _inside(pair.element, block):
            chosen.append(pair)
        elif pair.key in ("published", "created", "publisher", "index_no", "doc_no") \
                and len(pair.value) <= 60:
            # An info line outside the block (发布时间：2020-02-20 11:42) still states metadata.
            chosen.append(pair)
            lines.append(pair.element)
    raw: dict[str, str] = {}
    metadata: dict[str, str | None] = {}
    ranks: dict[str, int] = {}
    for pair in chosen:
        label = pair.label
        n = 2
        while label in raw:
            label = f"{pair.label} ({n})"
            n += 1
        raw[label] = pair.value
        if pair.key is None:
            continue
        key, value = pair.key, canonical_value(pair.key, pair.value)
        if key == "abolished" and value is None and STATUS_WORDS.match(squash(pair.value)):
            # 常州: "废止日期：有效" states validity under the abolition label.
            key, value = "status", pair.value
        if key not in metadata or (metadata[key] is None and value is not None) or (
                value is not None and pair.priority < ranks.get(key, 99)):
            metadata[key] = value
            ranks[key] = pair.priority if value is not None else 99
    return MetadataResult(metadata, raw, block, tuple(lines))
