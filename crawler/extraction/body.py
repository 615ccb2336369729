"""The document body.

The tree is prepared first — invisible elements, chrome and the metadata block removed, and cut to
the ContentStart/ContentEnd markers or the CMS's content container where the page has one — then
trafilatura extracts the text. trafilatura's fallbacks are switched off: jusText splits words on
spaces and rejects Chinese paragraphs, and the 250-character minimum would send a short notice
down that path; when trafilatura returns nothing, govwatch reads the prepared container itself.
"""

from __future__ import annotations

import copy
import re
from configparser import ConfigParser

import trafilatura
from lxml import etree, html
from trafilatura.settings import use_config

from crawler.extraction.chrome import is_chrome_line, strip_chrome
from crawler.extraction.text import clean_text, normalize

# Content containers of the CMS families most portals run on (Hanweb #zoom, TRS .TRS_Editor,
# Ucap <ucapcontent> and #UCAP-CONTENT, gov.cn .pages_content). Tried in order.
CONTAINERS = (
    "ucapcontent", "#UCAP-CONTENT", ".TRS_Editor", "#zoom", "#Zoom", "#zoomcon", ".zoom",
    ".article-content", ".pages_content", "#content", ".content", "#main-content", ".zw",
    ".wz_content", ".detail-content", ".con_text", "article",
)
_MARKERS = (
    (re.compile(r"<meta[^>]+name=[\"']?ContentStart[^>]*>", re.I),
     re.compile(r"<meta[^>]+name=[\"']?ContentEnd[^>]*>", re.I)),
    (re.compile(r"<!--\s*ZJEG_RSS\.content\.begin\s*-->", re.I),
     re.compile(r"<!--\s*ZJEG_RSS\.content\.end\s*-->", re.I)),
)
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                        "table", "section", "article", "blockquote", "pre", "ul", "ol", "dl",
                        "dt", "dd", "center", "hr", "header", "footer", "caption"})
CELL_TAGS = frozenset({"td", "th"})
_MIN_CONTAINER_TEXT = 10


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "MIN_EXTRACTED_COMM_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_COMM_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based; breaks in threads
    return config


TRAFILATURA_CONFIG = _trafilatura_config()


def between_markers(source: str) -> html.HtmlElement | None:
    """The part of the page between ContentStart/ContentEnd style markers, if it has them."""
    for start, end in _MARKERS:
        s = start.search(source)
        if not s:
            continue
        e = end.search(source, s.end())
        if not e:
            continue
        fragment = source[s.end():e.start()]
        if not fragment.strip():
            continue
        try:
            return html.fragment_fromstring(fragment, create_parent="div")
        except etree.ParserError:
            continue
    return None


def find_container(root: html.HtmlElement, selector: str | None = None) -> html.HtmlElement | None:
    selectors = (selector,) if selector else CONTAINERS
    for css in selectors:
        try:
            found = root.cssselect(css)
        except (etree.XPathError, ValueError):
            continue
        for element in found:
            if len(element.text_content().strip()) >= _MIN_CONTAINER_TEXT:
                return element
    return None


def linearize(element: html.HtmlElement) -> str:
    """Visible text with paragraph breaks at block elements and table rows; cells of one row
    joined by a space."""
    parts: list[str] = []

    def walk(node: html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in BLOCK_TAGS:
            parts.append("\n")
        elif tag in CELL_TAGS:
            parts.append(" ")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCK_TAGS:
            parts.append("\n")

    walk(element)
    return "".join(parts)


def _with_trafilatura(root: html.HtmlElement, url: str | None) -> str:
    result = trafilatura.extract(copy.deepcopy(root), url=url, fast=True, include_tables=True,
                                 include_comments=False, favor_recall=True,
                                 config=TRAFILATURA_CONFIG)
    return result or ""


def _filter_lines(text: str, title: str | None) -> str:
    lines = clean_text(text).split("\n")
    kept = [line for line in lines if not is_chrome_line(line)]
    if kept and title and normalize(kept[0]) == normalize(title):
        kept = kept[1:]  # the heading repeats the title, which has its own field
    return "\n".join(kept)


def extract_body(root: html.HtmlElement, source: str, *, url: str | None, title: str | None,
                 selector: str | None = None) -> tuple[str, str]:
    """Return ``(text, how)`` where ``how`` names the path taken (for warnings and tests).

    ``root`` must already have invisible elements and the metadata block removed.
    """
    region = None if selector else between_markers(source)
    how = "markers"
    if region is None:
        region = find_container(root, selector)
        how = "selector" if selector else "container"
    if region is not None:
        strip_chrome(region)
        text = _filter_lines(linearize(region), title)
        if text:
            return text, how
    strip_chrome(root)
    text = _filter_lines(_with_trafilatura(root, url), title)
    if text:
        return text, "trafilatura"
    body = root.find(".//body")
    text = _filter_lines(linearize(body if body is not None else root), title)
    return text, "fallback"
