"""Parsing a page and walking its tree: the helpers every other module shares."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree, html

# Elements that start a new line of text in a browser. Table cells count: a label cell and its
# value cell are two "lines" to the metadata reader, which then pairs them.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br",
})
_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(source: str) -> html.HtmlElement:
    """The page as an lxml tree; never raises (an empty document for what can't be parsed)."""
    # lxml refuses str input that carries an XML encoding declaration.
    source = _XML_DECLARATION.sub("", source)
    # Portals assemble pages from included fragments, and a fragment's stray </html> (gov.cn's
    # gazette header has one) makes libxml2 drop everything after it; browsers ignore them.
    source = _END_TAGS.sub("", source)
    try:
        return html.document_fromstring(source or "<html></html>")
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>")


def tag(element: etree._Element) -> str:
    """The element's tag, or "" for comments and processing instructions."""
    name = element.tag
    return name.lower() if isinstance(name, str) else ""


def drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def text_with_breaks(element: etree._Element) -> str:
    """The element's text with a line break at every block element and ``<br>``, so that two
    cells, list items or lines never run into each other ("索引号：X<br>发布机构：Y")."""
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        name = tag(node)
        if event == "start":
            if name in BLOCK_TAGS:
                parts.append("\n")
            if name and node.text:
                parts.append(node.text)
        else:
            if name in BLOCK_TAGS:
                parts.append("\n")
            if node is not element and node.tail:
                parts.append(node.tail)
    return "".join(parts)


def ancestors_or_self(element: etree._Element) -> Iterator[etree._Element]:
    node: etree._Element | None = element
    while node is not None:
        yield node
        node = node.getparent()


def inside(element: etree._Element, container: etree._Element | None) -> bool:
    return container is not None and any(a is container for a in ancestors_or_self(element))
