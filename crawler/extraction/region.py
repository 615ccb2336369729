"""Where the document's body is on the page, when the page says so.

First the content markers a CMS writes around the document (``<meta name="ContentStart">`` /
``ContentEnd`` on Hanweb and TRS pages, ``<!--ZJEG_RSS.content.begin-->`` comments — the
Jiangxi portal has three nested pairs), then the content containers of the CMS families most
portals run on. A page with neither is left to trafilatura as a whole.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.extraction.tree import ancestors_or_self, tag, text_content
from crawler.extraction.vocabulary import words

log = logging.getLogger(__name__)

# Content containers, most specific first: Ucap <ucapcontent> and #UCAP-CONTENT (also gov.cn),
# TRS .TRS_Editor, Hanweb #zoom, gov.cn .pages_content, then names many templates share.
SPECIFIC_CONTAINERS = (
    "ucapcontent", "#UCAP-CONTENT", ".TRS_Editor", ".trs_editor_view", "#zoom", "#Zoom",
    "#zoomcon", ".pages_content", ".article-content", "#article-content", ".article_content",
    "#ArticleContent", ".wz_content", ".wzcon", ".zwnr", "#zwnr", ".detail-content",
    ".con_text", "#zoomContent", ".news_content", ".view_content",
)
GENERIC_CONTAINERS = ("#content", ".content", "#main-content", ".zw", ".detail", "article")
_MIN_SPECIFIC_TEXT = 10   # a short notice is still a body
_MIN_GENERIC_TEXT = 50    # a generic name must hold some text to be trusted
_META_MARKERS = ("contentstart", "contentend")


@cache
def _ranks() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The rank of each container rule, by tag, by id and by class: name → rank."""
    by_tag: dict[str, int] = {}
    by_id: dict[str, int] = {}
    by_class: dict[str, int] = {}
    for rank, css in enumerate(SPECIFIC_CONTAINERS + GENERIC_CONTAINERS):
        table, name = {"#": (by_id, css[1:]), ".": (by_class, css[1:])}.get(css[0], (by_tag, css))
        table.setdefault(name, rank)
    return by_tag, by_id, by_class


# The tags content containers have been seen on; lxml's tag-filtered iter() over them is the
# cheapest way through the page (an XPath per rule, or one with predicates, costs milliseconds).
_CONTAINER_TAGS = ("div", "td", "section", "article", "ucapcontent", "main", "span", "p",
                   "table", "center", "font")


def _ranked(root: etree._Element) -> Iterator[tuple[int, etree._Element]]:
    """(rank, element) for each element a container rule matches, in document order; an
    element several rules match has the best (lowest) of their ranks."""
    by_tag, by_id, by_class = _ranks()
    for element in root.iter(*_CONTAINER_TAGS):
        rank = by_tag.get(element.tag)
        ident = element.get("id")
        if ident is not None:
            found = by_id.get(ident)
            if found is not None and (rank is None or found < rank):
                rank = found
        classes = element.get("class")
        if classes:
            for name in classes.split():
                found = by_class.get(name)
                if found is not None and (rank is None or found < rank):
                    rank = found
        if rank is not None:
            yield rank, element


@dataclass(frozen=True)
class Region:
    """The body's element; ``start``/``end`` mark the part of it that is content (markers)."""

    element: etree._Element
    how: str                                   # "markers" | "container" | "selector"
    start: etree._Element | None = None
    end: etree._Element | None = None
    generic: bool = False                      # a container name many templates use (.content)

    @property
    def content_only(self) -> bool:
        """Whether the element holds the document's text and nothing else: content markers
        and CMS content elements do; a generic .content or <article> may wrap the metadata
        table too."""
        return not self.generic and self.how != "selector"

    def cut(self) -> etree._Element:
        """Remove what lies outside the markers; the element, now holding the content only."""
        if self.start is not None and self.end is not None:
            _prune_after(self.end, self.element)
            prune_before(self.start, self.element)
        return self.element


@cache
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css)


@cache
def _comment_markers() -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
    return tuple((re.compile(s, re.I), re.compile(e, re.I)) for s, e in words("content_markers"))


def _markers(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """("kind:start" | "kind:end", element) for every content marker, in document order."""
    found = []
    patterns = _comment_markers()
    for node in root.iter(etree.Comment, "meta"):
        if tag(node) == "meta":
            name = (node.get("name") or "").lower()
            if name in _META_MARKERS:
                found.append(("meta:" + ("start" if name == "contentstart" else "end"), node))
            continue
        text = node.text or ""
        for n, (start, end) in enumerate(patterns):
            if start.search(text):
                found.append((f"c{n}:start", node))
            elif end.search(text):
                found.append((f"c{n}:end", node))
    return found


def _common_ancestor(a: etree._Element, b: etree._Element) -> etree._Element:
    above_a = list(ancestors_or_self(a))
    for node in ancestors_or_self(b):
        if any(node is x for x in above_a):
            return node
    return above_a[-1]


def _by_markers(root: etree._Element) -> Region | None:
    markers = _markers(root)
    kinds = ["meta"] + [f"c{n}" for n in range(len(_comment_markers()))]
    for kind in kinds:
        start = next((i for i, (k, _) in enumerate(markers) if k == f"{kind}:start"), None)
        if start is None:
            continue
        end = next((i for i, (k, _) in enumerate(markers)
                    if i > start and k == f"{kind}:end"), None)
        if end is None:
            continue
        s, e = markers[start][1], markers[end][1]
        ancestor = _common_ancestor(s, e)
        if tag(ancestor) in ("html", "head"):
            continue  # lxml moved a marker into <head>: the markers say nothing here
        return Region(ancestor, "markers", s, e)
    return None


def _largest(root: etree._Element, css: str) -> tuple[etree._Element, int] | None:
    try:
        found = _selector(css)(root)
    except (SelectorError, SyntaxError, ValueError, etree.XPathError):
        log.warning("body_selector %r is not a CSS selector lxml can use", css)
        return None
    best = None
    for element in found:
        size = len(text_content(element).strip())
        if best is None or size > best[1]:
            best = (element, size)
    return best


def find_region(root: etree._Element, selector: str | None = None) -> Region | None:
    """The body's region: a configured ``body_selector``, content markers, or a CMS container."""
    if selector:
        found = _largest(root, selector)
        return Region(found[0], "selector") if found else None
    by_markers = _by_markers(root)
    if by_markers is not None:
        return by_markers
    best: tuple[int, int, etree._Element] | None = None   # (rank, -size, element)
    for rank, element in _ranked(root):
        if best is not None and rank > best[0]:
            continue
        size = len(text_content(element).strip())
        if size < (_MIN_GENERIC_TEXT if rank >= len(SPECIFIC_CONTAINERS) else _MIN_SPECIFIC_TEXT):
            continue
        if best is None or (rank, -size) < best[:2]:
            best = (rank, -size, element)
    if best is None:
        return None
    return Region(best[2], "container", generic=best[0] >= len(SPECIFIC_CONTAINERS))


def picture_container(root: etree._Element) -> etree._Element | None:
    """The CMS content container of a page whose content is pictures: the best-ranked specific
    container holding an image, however little text it holds (``find_region`` wants text)."""
    best: tuple[int, etree._Element] | None = None
    for rank, element in _ranked(root):
        if rank >= len(SPECIFIC_CONTAINERS) or (best is not None and rank >= best[0]):
            continue
        if next(element.iter("img"), None) is not None:
            best = (rank, element)
    return best[1] if best else None


def prune_before(node: etree._Element, ancestor: etree._Element) -> None:
    """Remove everything inside ``ancestor`` that comes before ``node``."""
    current = node
    while current is not ancestor:
        parent = current.getparent()
        if parent is None:
            return
        for sibling in list(parent):
            if sibling is current:
                break
            parent.remove(sibling)  # lxml removes the tail with it: it precedes ``node`` too
        parent.text = None
        current = parent


def _prune_after(node: etree._Element, ancestor: etree._Element) -> None:
    """Remove everything inside ``ancestor`` that comes after ``node``."""
    current = node
    while current is not ancestor:
        parent = current.getparent()
        if parent is None:
            return
        current.tail = None
        seen = False
        for sibling in list(parent):
            if seen:
                parent.remove(sibling)
            seen = seen or sibling is current
        current = parent
