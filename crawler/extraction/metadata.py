"""The 政府信息公开 metadata of a page nobody configured: which pairs are the document's metadata,
and their canonical values.

Pairs come from ``pairs.find_pairs``. The block is the element holding the most distinct
canonical keys that is still *compact* — mostly made of its pairs' text — so that a page whose
pairs are spread (a table at the top, a 发布时间 line under the title, a footer) never has its
``<body>`` taken for the block and cut. Outside the block, a short line of pairs outside the body
and the page furniture (发布时间：2020-02-20 11:42 under the title, as on the Jiangxi portal) is
metadata too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lxml import etree

from crawler.extraction.chrome import in_furniture
from crawler.extraction.dates import parse_date
from crawler.extraction.labels import DATE_KEYS, squash
from crawler.extraction.pairs import Pair, TextRef, find_pairs
from crawler.extraction.tree import (
    BLOCK_TAGS,
    ancestors_or_self,
    drop,
    inside,
    tag,
    text_content,
)
from crawler.extraction.vocabulary import word_set

# A block's text beyond its pairs' (a 附件 link, a QR code caption, a print button) may be this
# share of the pairs' text, or this many characters when the pairs are few. More, and the element
# holds prose too: it is the page's layout, not the block (a short notice under plain lines of
# metadata in one <div> would otherwise be cut with them).
_COMPACT_SHARE = 0.6
_COMPACT_SLACK = 20
_MAX_INFO_VALUE = 80
_MIN_LOOSE_KEYS = 3     # plain lines sharing an element with other text: metadata if this many
# Keys an info line outside a block may state when the page has no body container to tell the
# document's text from the page around it (a body line "发布单位：…" stays body text then).
_INFO_KEYS = frozenset({"published", "created", "publisher", "index_no", "doc_no"})


@dataclass(frozen=True)
class MetadataResult:
    metadata: dict[str, str | None]
    raw: dict[str, str]
    block: etree._Element | None            # the compact element to cut from the body
    lines: tuple[TextRef, ...]              # text of metadata lines outside it, also cut

    def cut(self) -> None:
        """Remove the metadata from the page, so that the body never repeats it."""
        if self.block is not None:
            drop(self.block)
        for element, is_tail in self.lines:
            if is_tail:
                element.tail = None
            else:
                element.text = None
        # Then the emptied inline elements of the labels (<b>, <span>), once every text of the
        # lines is gone: dropping one earlier would move its tail, the value, into its parent.
        for element, is_tail in self.lines:
            if not is_tail and len(element) == 0 and not element.text \
                    and element.getparent() is not None and tag(element) not in BLOCK_TAGS:
                drop(element)


def _size(text: str) -> int:
    return len("".join(text.split()))


def _pair_size(pair: Pair) -> int:
    return _size(pair.label.text) + _size(pair.value)


def choose_block(pairs: list[Pair], region: etree._Element | None,
                 ) -> tuple[etree._Element | None, bool]:
    """The element holding the most distinct canonical keys (at least two), and whether it is
    compact. A compact element is cut whole; a loose one (plain lines in a ``<div>`` that also
    holds the body) only gives its pairs, whose lines are cut one by one."""
    keys: dict[etree._Element, set[str]] = {}
    covered: dict[etree._Element, int] = {}
    depth: dict[etree._Element, int] = {}
    for pair in pairs:
        chain = ancestors_or_self(pair.element)
        size, key, levels = _pair_size(pair), pair.label.key, len(chain)
        for n, element in enumerate(chain):
            covered[element] = covered.get(element, 0) + size
            depth[element] = levels - n
            if key:
                keys.setdefault(element, set()).add(key)
    loose: etree._Element | None = None
    rejected: set[etree._Element] = set()
    for count in sorted({len(k) for k in keys.values()}, reverse=True):
        if count < 2:
            break
        level = sorted((e for e, k in keys.items() if len(k) == count),
                       key=lambda e: depth[e], reverse=True)
        for element in level:
            if any(a in rejected for a in ancestors_or_self(element)):
                continue
            rejected.add(element)
            if region is not None and inside(region, element):
                continue
            extra = _size(text_content(element)) - covered[element]
            if extra <= max(_COMPACT_SLACK, covered[element] * _COMPACT_SHARE):
                return element, True
            if loose is None and count >= _MIN_LOOSE_KEYS and all(
                    p.line for p in pairs if inside(p.element, element)):
                loose = element
    return loose, False


@cache
def _byline_labels() -> frozenset[str]:
    return frozenset(squash(w) for w in word_set("byline_labels"))


def _byline(pair: Pair) -> bool:
    return squash(pair.label.text) in _byline_labels()


def _info_line(pair: Pair, region: etree._Element | None) -> bool:
    """A pair outside the block that is still metadata: a short line outside the body and the
    page furniture. (The furniture test, an ancestor walk, comes last: it is the costly one.)"""
    if len(pair.value) > _MAX_INFO_VALUE:
        return False
    if region is None:
        wanted = pair.label.key in _INFO_KEYS or (_byline(pair) and _compact_line(pair))
    else:
        wanted = not inside(pair.element, region)
    return wanted and not in_furniture(pair.element)


def _compact_line(pair: Pair) -> bool:
    """The pair's element holds its line and little else (div.article-source)."""
    text = _size(text_content(pair.element))
    return text <= _size("".join(
        (r[0].tail if r[1] else r[0].text) or "" for r in pair.line)) + _COMPACT_SLACK // 2


def canonical_value(key: str, value: str) -> str | None:
    if value.strip().lower() in word_set("placeholders") \
            or squash(value) in word_set("placeholders"):
        return None
    if key in DATE_KEYS:
        return parse_date(value)
    return value


@cache
def _status_words() -> frozenset[str]:
    return frozenset(squash(w) for w in word_set("status_words"))


def _canonical(chosen: list[Pair]) -> dict[str, str | None]:
    metadata: dict[str, str | None] = {}
    ranks: dict[str, int] = {}
    status_words = _status_words()
    for pair in chosen:
        key = pair.label.key
        if key is None:
            continue
        value = canonical_value(key, pair.value)
        if key == "abolished" and value is None and squash(pair.value) in status_words:
            # 常州: "废止日期：有效" states validity under the abolition label.
            key, value = "status", pair.value
        rank = pair.label.priority if value is not None else 99
        if key not in metadata or rank < ranks[key]:
            metadata[key] = value
            ranks[key] = rank
    return metadata


def _raw(chosen: list[Pair]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for pair in chosen:
        label, n = pair.label.text, 2
        while label in raw:
            label = f"{pair.label.text} ({n})"
            n += 1
        raw[label] = pair.value
    return raw


def extract_metadata(root: etree._Element, *, scope: etree._Element | None = None,
                     region: etree._Element | None = None,
                     content: etree._Element | None = None) -> MetadataResult:
    """The page's metadata. ``scope``: a configured metadata_selector's element (then it is the
    block); ``region``: the body's container if known (pairs inside it are body text);
    ``content``: a container known to hold the document's text only (content markers, a CMS
    content element), not read at all."""
    pairs = find_pairs(scope if scope is not None else root, beside=content)
    if scope is not None:
        block, compact = scope, True
    else:
        block, compact = choose_block(pairs, region)
    in_block = [p for p in pairs if block is not None and inside(p.element, block)]
    if not compact:
        # Lines of pairs in an element that holds prose too: from the first line stating a
        # canonical key to the last (a salutation 各单位： after them opens the body).
        keyed = [n for n, p in enumerate(in_block) if p.label.key]
        in_block = in_block[keyed[0]:keyed[-1] + 1] if keyed else []
    taken = set(in_block)
    outside = [p for p in pairs if p not in taken and _info_line(p, region)]
    # A line's unknown labels (来源：… next to 日期：…) come along with its known ones.
    stating = {p.line for p in outside if (p.label.key or _byline(p)) and p.line}
    lines = [p for p in outside if p.line in stating]
    chosen = sorted(in_block + lines, key=lambda p: p.order)
    cut_lines = lines if compact else chosen
    refs = tuple(dict.fromkeys(ref for p in cut_lines for ref in p.line))
    return MetadataResult(_canonical(chosen), _raw(chosen), block if compact else None, refs)
