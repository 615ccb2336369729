"""Page chrome: what every portal page carries around the document and must never reach the text
(a view counter or a 扫一扫 line in the text would make every crawl a "change").

Three kinds: elements a reader never sees (scripts, ``display:none``), elements that are
furniture by their tag, class or id (breadcrumbs, share bars, footers), and lines of text that are
chrome whatever their markup (the patterns in words.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from lxml import etree

from crawler.extraction.tree import drop, tag, text_content
from crawler.extraction.vocabulary import (
    inline_pattern,
    inline_prefilter,
    line_pattern,
    whole_line_pattern,
)

# class/id fragments of chrome containers, as the CMS families name them (Hanweb dqwz/position,
# TRS bdshare, Ucap fontsize, gov.cn share/ewm…).
CHROME_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share|bdshare|jiathis|bshare|print|close|crumbs?|breadcrumbs?|position|"
    r"location|curpos|dqwz|fontsize|font-size|zihao|zoomfont|qrcode|ewm|erweima|footer|foot|"
    r"copyright|topbar|navbar|nav|menu|sidebar|pager|prevnext|prev-next|xgwz|related|relate|"
    r"toolbar|tools|hits|views|visit|counter)(?:$|[\s_-]|\d)", re.I)
# Where a pair is page furniture rather than metadata (the footer's 主办单位：…). Not "header":
# article headers (<header>, div.article-header) hold the 发布时间 line under the title.
FURNITURE_ATTR = re.compile(r"(?:^|[\s_-])(?:footer|foot|copyright|bottom|nav|navbar|menu|"
                            r"topbar|banner)(?:$|[\s_-]|\d)", re.I)
FURNITURE_TAGS = frozenset({"footer", "nav"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "canvas", "button", "select", "input", "textarea", "form", "map", "audio", "video")
_MAX_CHROME_ELEMENT_TEXT = 200
_MAX_CHROME_LINE = 80


# Relative paths: "//" makes libxml2 visit every text node too. The style and hidden attributes
# themselves, in document order (an element's before its children's): libxml2 finds them faster
# than it tests a predicate on every element.
_STYLED = etree.XPath("descendant-or-self::*/@style | descendant-or-self::*/@hidden",
                      regexp=False)
_MARKED = etree.XPath("descendant-or-self::*[@class or @id] | descendant-or-self::footer"
                      " | descendant-or-self::nav", regexp=False)


def strip_invisible(root: etree._Element) -> None:
    """Remove scripts, styles, forms and elements hidden with CSS or ``hidden``."""
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    for attribute in _STYLED(root):
        # An element with both attributes comes twice; once dropped, drop() leaves it alone.
        if attribute.attrname == "hidden" or HIDDEN_STYLE.search(attribute):
            drop(attribute.getparent())


def _marker(element: etree._Element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}".strip()


def strip_chrome(root: etree._Element) -> None:
    """Remove elements that are chrome by their tag, class or id and hold little text."""
    for element in _MARKED(root):
        name = tag(element)
        if element.getparent() is None:
            continue
        if name in FURNITURE_TAGS:
            drop(element)
            continue
        marker = _marker(element)
        if marker and CHROME_ATTR.search(marker) \
                and len(text_content(element).strip()) < _MAX_CHROME_ELEMENT_TEXT:
            drop(element)


def in_furniture(element: etree._Element) -> bool:
    """``element`` sits in a footer, header or navigation bar."""
    node: etree._Element | None = element
    while node is not None:
        if tag(node) in FURNITURE_TAGS:
            return True
        marker = _marker(node)
        if marker and FURNITURE_ATTR.search(marker):
            return True
        node = node.getparent()
    return False


_ANY = re.compile("")


@cache
def _chrome_test() -> Callable[[str], bool]:
    """Whether a line (white space collapsed, table cells separated by tabs) is chrome: made only
    of the chrome items of words.yaml (``chrome_lines``), or a short line ending with a counter
    (``chrome_inline``). A table row is chrome only when each of its cells is made of chrome
    items: a row of an annual report (网站访问量<tab>1234567) is the report's."""
    whole = whole_line_pattern("chrome_lines", "chrome_parts").fullmatch
    anywhere = inline_pattern("chrome_inline").search
    might = (inline_prefilter("chrome_inline") or _ANY).search

    def chrome(line: str) -> bool:
        if len(line) >= _MAX_CHROME_LINE:
            return False
        if "\t" in line:
            cells = [cell for cell in line.split("\t") if cell.strip()]
            return bool(cells) and all(whole(cell.strip()) for cell in cells)
        return bool(whole(line) or (might(line) and anywhere(line)))

    return chrome


def is_chrome_line(line: str) -> bool:
    """A short line that is chrome wherever it stands (浏览次数：128, 【打印本页】【关闭窗口】)."""
    return _chrome_test()(line)


def drop_chrome_lines(text: str) -> list[str]:
    """The lines of ``text`` that are not chrome."""
    chrome = _chrome_test()
    return [line for line in text.split("\n") if not chrome(line)]


def is_footer_line(line: str) -> bool:
    """A short line of the page footer (版权所有, 主办单位：, ICP备…)."""
    return len(line) < _MAX_CHROME_LINE and bool(line_pattern("footer_lines").match(line))
