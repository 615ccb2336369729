"""The document body: the tree prepared by govwatch, the text extracted by trafilatura.

Preparation: invisible elements and the metadata block are already gone (page.py); the body's
region (region.py: markers or a CMS container) is cut out, its chrome removed, and the tree
reshaped so that trafilatura keeps what the publisher put there: links unwrapped (a 相关解读 or
附件 line is all link, and trafilatura drops link-dense paragraphs as navigation), text-only
``<div>`` made ``<p>`` (many portals have no ``<p>`` at all, and trafilatura drops ``<div>`` text
in long documents), one-column layout tables flattened, and the whole wrapped in ``<article>`` so
that trafilatura's main extractor takes it.

trafilatura's fallbacks (readability, jusText) are off: jusText splits words on spaces and
rejects Chinese paragraphs. Its 250-character minimum is lowered to 1, so a short notice is
extracted like any document. Inside a region, if trafilatura still returns clearly less text than
the region holds, or nothing, govwatch reads the prepared region itself (``linearize``). A page
without a region is given to trafilatura whole — with its links, which it needs to recognise
navigation — after chrome by class, id and tag is removed.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Sequence
from configparser import ConfigParser
from dataclasses import dataclass

import trafilatura
from lxml import etree, html
from trafilatura.settings import use_config

from crawler.extraction.chrome import (
    drop_related_blocks,
    is_footer_line,
    strip_chrome,
    without_chrome,
)
from crawler.extraction.region import Region, prune_before
from crawler.extraction.text import clean_lines, clean_text, collapse, normalize
from crawler.extraction.title import site_names_of, title_element
from crawler.extraction.tree import BLOCK_TAGS, tag, text_content

log = logging.getLogger(__name__)

# trafilatura's output elements that start a line, and those that are a table's cells.
_LINE_ELEMENTS = frozenset({"p", "head", "item", "quote", "code", "list", "table", "row", "div",
                            "graphic", "pre", "blockquote"})
_CELLS = frozenset({"cell"})
_TABLE_CELLS = frozenset({"td", "th"})
_LAYOUT_PARTS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th"})
_TEXT_BLOCKS = frozenset({"div", "center", "section"})
_BLOCKS_BUT_BR = tuple(sorted(BLOCK_TAGS - {"br"}))
# Below this share of the region's text, trafilatura's result lost content and is not used.
_MIN_COVERAGE = 0.85
# A line naming the site is at least this long once normalised (示例市人民政府); shorter lines
# (通知) are not taken for a part of the site's name.
_MIN_SITE_NAME = 4
_SLACK = 8
_MENU_ROW = re.compile(r"[^|｜，。；！？]{1,15}(?:[|｜][^|｜，。；！？]{1,15}){2,}[|｜]?")
# A page's own text before and after an element: text outside links (menus are links), in the
# <body> (the <title> precedes everything).
_UNLINKED_BEFORE = etree.XPath("preceding::text()[not(ancestor::a)][ancestor::body]",
                               smart_strings=False)
_UNLINKED_AFTER = etree.XPath("following::text()[not(ancestor::a)]", smart_strings=False)


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "MIN_EXTRACTED_COMM_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_COMM_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based; breaks in threads
    return config


TRAFILATURA_CONFIG = _trafilatura_config()


@dataclass(frozen=True)
class Body:
    text: str
    how: str   # "markers" | "container" | "selector" (+ "/fallback") | "page" | "page/fallback"


def run_trafilatura(tree: etree._Element, url: str | None) -> etree._Element | None:
    """trafilatura's main extractor on a prepared tree: its result as XML, or None."""
    document = trafilatura.bare_extraction(
        tree, url=url, fast=True, favor_recall=True, include_comments=False,
        include_tables=True, include_images=False, include_links=False, deduplicate=False,
        with_metadata=False, output_format="xml", config=TRAFILATURA_CONFIG)
    body = getattr(document, "body", None) if document is not None else None
    return body if body is not None and len(body) else None


def serialize(body: etree._Element) -> str:
    """trafilatura's XML as text: a line per paragraph, heading and list item; a line per table
    row with the cells separated by tabs."""
    parts: list[str] = []
    add = parts.append

    def walk(node: etree._Element, name: str) -> None:
        # A node's tag and tail are read once, by its parent (a comment's tag is not a str).
        if name == "row":
            cells = [collapse(text_content(c)) for c in node if c.tag in _CELLS]
            add("\n" + "\t".join(cells) + "\n")
            return
        line = name in _LINE_ELEMENTS
        if line or name == "lb":
            add("\n")
        text = node.text
        if text and name:
            add(text)
        for child in node:
            child_name = child.tag
            walk(child, child_name if isinstance(child_name, str) else "")
            tail = child.tail
            if tail:
                add(tail)
        if line:
            add("\n")

    walk(body, tag(body))
    return "".join(parts)


_ROW_START = re.compile(r"\n *\t")


def linearize(element: etree._Element) -> str:
    """Visible text with a line break at block elements; a table row's cells separated by tabs.
    Used where trafilatura returned nothing or too little."""
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        name = tag(node)
        if event == "start":
            if name in _TABLE_CELLS:
                parts.append("\t")
            elif name in BLOCK_TAGS:
                parts.append("\n")
            if name and node.text:
                parts.append(node.text)
        else:
            if name in BLOCK_TAGS and name not in _TABLE_CELLS:
                parts.append("\n")
            if node is not element and node.tail:
                parts.append(node.tail)
    text = "".join(parts)
    # Tabs opened each cell: drop the one before a row's first cell, and only that one (an
    # empty first cell's own tab says which column the next value is in).
    return _ROW_START.sub("\n", text)


def _block_holders(root: etree._Element) -> set[etree._Element]:
    """The elements with a block element (not ``<br>``) below them, in one pass up from each
    block element."""
    holders: set[etree._Element] = set()
    for block in root.iter(*_BLOCKS_BUT_BR):
        for ancestor in block.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return holders


def _flatten_layout_tables(root: etree._Element) -> None:
    """A table whose rows have one cell each lays out paragraphs; it is not a table of data."""
    for table in list(root.iter("table")):
        rows = [r for r in table.iter("tr")]
        if not rows or any(len([c for c in r if tag(c) in _TABLE_CELLS
                                and collapse(text_content(c))]) > 1 for r in rows):
            continue
        for part in [table, *table.iterdescendants()]:
            if tag(part) in _LAYOUT_PARTS:
                part.tag = "div"
                for attribute in ("colspan", "rowspan"):
                    part.attrib.pop(attribute, None)


def _text_blocks_to_paragraphs(root: etree._Element, holders: set[etree._Element]) -> None:
    for element in list(root.iter(*_TEXT_BLOCKS)):
        if element is not root and element not in holders and text_content(element).strip():
            element.tag = "p"


def _loose_text(element: etree._Element) -> bool:
    return bool((element.text and element.text.strip())
                or any(c.tail and c.tail.strip() for c in element))


def _wrap_loose_text(parent: etree._Element) -> None:
    """Text lying directly in a container, lines separated by ``<br>`` (``#zoom`` on many
    portals has no ``<p>`` at all), as one ``<p>`` per line: trafilatura drops a container's
    leading text when the rest of it is paragraphs."""
    nodes: list[etree._Element | str] = []
    if parent.text:
        nodes.append(parent.text)
    for child in parent:
        nodes.append(child)
        if child.tail:
            nodes.append(child.tail)
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    current: etree._Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if not node.strip() and current is None:
                continue
            if current is None:
                current = etree.SubElement(parent, "p")
            if len(current):
                current[-1].tail = (current[-1].tail or "") + node
            else:
                current.text = (current.text or "") + node
            continue
        node.tail = None
        name = tag(node)
        if name == "br":
            current = None
        elif name in BLOCK_TAGS:
            parent.append(node)
            current = None
        else:
            if current is None:
                current = etree.SubElement(parent, "p")
            current.append(node)


def prepare_region(element: etree._Element) -> tuple[etree._Element, str]:
    """A standalone ``<html><body><article>`` tree holding the region, reshaped for
    trafilatura (see the module docstring), and its text as libxml2 serialises it
    ("".join(itertext()) in one C call)."""
    region = copy.deepcopy(element)
    region.tail = None
    strip_chrome(region)
    _flatten_layout_tables(region)
    holders = _block_holders(region)
    _text_blocks_to_paragraphs(region, holders)
    for container in [region, *region.iter("div", "td", "section", "center")]:
        if (container is region or container in holders) and _loose_text(container):
            _wrap_loose_text(container)
    text = text_content(region)
    if drop_related_blocks(region, text):     # with lines made, before links are unwrapped
        text = text_content(region)
    etree.strip_tags(region, "a")
    page = html.Element("html")
    body = etree.SubElement(page, "body")
    article = etree.SubElement(body, "article")
    article.text = region.text
    for child in list(region):
        article.append(child)
    return page, text


def _size(text: str) -> int:
    return len("".join(text.split()))


def _menu_row(line: str) -> bool:
    """A row of three or more short items separated by | (示例县人民政府 | 政务公开 | 政务服务)."""
    return ("|" in line or "｜" in line) and bool(_MENU_ROW.fullmatch(line))


def _short_enough(line: str, length: int) -> bool:
    """Whether ``line`` may normalise to at most ``length`` characters: a first line is mostly
    a sentence, told apart without normalising it (OpenCC). Generous: single spaces go when
    normalising, and a line with converter debris (數(shù)) is always normalised."""
    return len(line) <= 2 * length + _SLACK or "(" in line


def _names_the_site(line: str, names: list[str]) -> bool:
    """The line is the site's name, or part of it (the logo's 示例市人民政府 of a site whose
    <title> says 示例市人民政府门户网站)."""
    if not names or not _short_enough(line, max(map(len, names))):
        return False
    key = normalize(line)
    return len(key) >= _MIN_SITE_NAME and any(key in name for name in names)


def _finish(text: str, title: str | None, *, trusted: bool,
            site_names: Sequence[str] = ()) -> str:
    """Lines of chrome removed everywhere; on a page read whole, the site's name and rows of
    menu items from the start and footer lines from the end; a first line repeating the title
    removed (the title has its own field)."""
    lines = without_chrome(clean_lines(text))
    if not trusted:
        names = [normalize(name) for name in site_names if name]
        while lines and (_names_the_site(lines[0], names) or _menu_row(lines[0])):
            lines.pop(0)
        while lines and (is_footer_line(lines[-1]) or _menu_row(lines[-1])):
            lines.pop()
    wanted = normalize(title)
    if wanted:
        # A line that is the title as given needs no normalising to be compared.
        while lines and (lines[0] == title or (_short_enough(lines[0], len(wanted))
                                               and normalize(lines[0]) == wanted)):
            lines.pop(0)
    return "\n".join(lines)


def _key(line: str) -> str:
    return "".join(line.split())


def _ends(text: str) -> tuple[str, str]:
    """The first and last lines of ``text`` that are not blank, found without copying the text
    (a long document's)."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    first_break = text.find("\n", start, end)
    opening = text[start:first_break if first_break >= 0 else end]
    return opening, text[max(text.rfind("\n", start, end) + 1, start):end]


def _lost_ends_restored(text: str, prepared: etree._Element, held: str) -> str:
    """trafilatura's reading of a region with the blocks it dropped at its start or end put back,
    as govwatch reads them (``linearize``, tables as tab-separated rows). A region is the CMS's
    content, already cut out and cleaned; trafilatura still drops a heading that ends it (an
    editor's <h3>附件：示例市专项资金申报表（2025年版）</h3> under the text) as if it were a
    page's furniture, and an edit to it would go unseen. ``held``: the region's text without
    white space."""
    # Compared as serialised, converter debris and all, as the region's text holds it.
    opening, closing = _ends(text)
    if not opening or (held.startswith(_key(opening)) and held.endswith(_key(closing))):
        return text     # nothing lost at either end (most pages: no second reading)
    lines = clean_text(text).split("\n")
    own = clean_text(linearize(prepared)).split("\n")
    span = _span(lines, own)
    if span is None:
        return text     # the two readings share no line: trafilatura's stands
    return "\n".join([*own[:span[0]], *lines, *own[span[1] + 1:]])


def _span(lines: list[str], own: list[str]) -> tuple[int, int] | None:
    """Where trafilatura's ``lines`` start and end among govwatch's own reading of the region."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for n, line in enumerate(own):
        key = _key(line)
        first.setdefault(key, n)
        last[key] = n
    keys = [_key(line) for line in lines]
    start = next((first[key] for key in keys if key in first), None)
    end = next((last[key] for key in reversed(keys) if key in last), None)
    return None if start is None or end is None or end < start else (start, end)


def from_region(region: Region, *, title: str | None, url: str | None) -> Body:
    prepared, text = prepare_region(region.cut())
    held = _key(text)
    extracted = run_trafilatura(prepared, url)
    text = serialize(extracted) if extracted is not None else ""
    kept = _size(text)
    if kept >= _MIN_COVERAGE * len(held) and kept:
        text = _lost_ends_restored(text, prepared, held)
        return Body(_finish(text, title, trusted=True), region.how)
    log.debug("trafilatura kept %d of %d characters of the %s region; reading it directly",
              kept, len(held), region.how)
    return Body(_finish(linearize(prepared), title, trusted=True), region.how + "/fallback")


def _size_of(texts: list[str]) -> int:
    return sum(len("".join(text.split())) for text in texts)


def _start_at_title(body: etree._Element, title: str | None) -> None:
    """Remove what comes before the element showing the title — the top bar, the logo, the
    menus, the breadcrumb — when that element precedes the text: most of the page's own text
    (not links) follows it. A template no container rule knows (a county portal's
    div.zw-con, a redesign's new class names) leaves them to trafilatura, which keeps a top
    link bar or the logo's text as the first lines of the body."""
    element = title_element(body, title)
    if element is None:
        return
    # Only links before it (a menu): trafilatura tells those from text itself.
    before = _size_of(_UNLINKED_BEFORE(element))
    if before and _size_of(_UNLINKED_AFTER(element)) > before:
        prune_before(element, body)


def from_page(root: etree._Element, *, title: str | None, url: str | None,
              site_name: str | None = None) -> Body:
    """The body of a page with no region: trafilatura decides what the main text is.
    ``site_name``: the site's name as the page declares it (<meta name="SiteName">)."""
    site_names = site_names_of(root, title, [site_name or ""])
    strip_chrome(root)
    drop_related_blocks(root)
    body = root.find(".//body")
    if body is not None:
        _start_at_title(body, title)
    # An e-paper page (Founder, as the 无锡日报 seed) lays the whole page out in a one-cell
    # table; trafilatura would read it as a table and return the page as one row.
    _flatten_layout_tables(root)
    extracted = run_trafilatura(root, url)
    if extracted is not None:
        text = _finish(serialize(extracted), title, trusted=False, site_names=site_names)
        if text:
            return Body(text, "page")
    text = _finish(linearize(body if body is not None else root), title, trusted=False,
                   site_names=site_names)
    return Body(text, "page/fallback")


def extract_body(root: etree._Element, region: Region | None, *, title: str | None,
                 url: str | None, site_name: str | None = None) -> Body:
    """The body text. ``root`` must already have invisible elements and the metadata cut;
    ``site_name``: <meta name="SiteName">, if the page has it."""
    if region is not None:
        found = from_region(region, title=title, url=url)
        if found.text:
            return found
    return from_page(root, title=title, url=url, site_name=site_name)
