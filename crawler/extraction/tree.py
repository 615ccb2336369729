"""Parsing a page and walking its tree: the helpers every other module shares."""

from __future__ import annotations

import re
import threading

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


_local = threading.local()


def _parser() -> etree.HTMLParser:
    """An HTML parser whose elements are all ``HtmlElement`` (text_content, cssselect, and what
    trafilatura accepts), chosen by lxml's C-level default lookup: lxml.html's own parser asks a
    Python method for the class of every element it hands out, which was a fifth of
    extraction's time. One parser per thread (lxml parsers are not thread-safe)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(remove_blank_text=False, collect_ids=False)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=html.HtmlElement, comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity))
        _local.parser = parser
    return parser


def parse_html(source: str) -> html.HtmlElement:
    """The page as an lxml tree; never raises (an empty document for what can't be parsed)."""
    # lxml refuses str input that carries an XML encoding declaration.
    source = _XML_DECLARATION.sub("", source)
    # Portals assemble pages from included fragments, and a fragment's stray </html> (gov.cn's
    # gazette header has one) makes libxml2 drop everything after it; browsers ignore them.
    source = _END_TAGS.sub("", source)
    try:
        root = etree.fromstring(source, _parser()) if source.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _parser())
    return root


def tag(element: etree._Element) -> str:
    """The element's tag, or "" for comments and processing instructions. (libxml2's HTML
    parser lowercases tag names already.)"""
    name = element.tag
    return name if isinstance(name, str) else ""


def text_content(element: etree._Element) -> str:
    """``element.text_content()``: the text of the subtree, comments and tail left out — as one
    C call of libxml2, where lxml.html evaluates an XPath ``string()`` each time (five times
    slower on the short elements most calls get)."""
    text: str = etree.tostring(element, method="text", encoding=str, with_tail=False)
    return text


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


def ancestors_or_self(element: etree._Element) -> list[etree._Element]:
    # lxml walks up in C: a Python loop over getparent() cost three times as much.
    return [element, *element.iterancestors()]


def inside(element: etree._Element, container: etree._Element | None) -> bool:
    return container is not None and (
        element is container or any(a is container for a in element.iterancestors()))
