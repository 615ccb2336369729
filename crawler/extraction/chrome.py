"""Page chrome: what every portal page carries around the document and must never reach the text
(a view counter or a 扫一扫 line in the text would make every crawl a "change").

Three kinds: elements a reader never sees (scripts, ``display:none``), elements that are
furniture by their tag, class or id (breadcrumbs, share bars, footers), and lines of text that are
chrome whatever their markup (the patterns in words.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from lxml import etree

from crawler.extraction.text import to_traditional
from crawler.extraction.tree import BLOCK_TAGS, ancestors_or_self, drop, tag, text_content
from crawler.extraction.vocabulary import (
    inline_pattern,
    inline_prefilter,
    line_pattern,
    whole_line_pattern,
    words,
)

# class/id fragments of chrome containers, as the CMS families name them (Hanweb dqwz/position,
# TRS bdshare, Ucap fontsize, gov.cn share/ewm, related lists by their pinyin initials: xgwz
# 相关文章, xgwj 相关文件, xglj 相关链接, xgyd 相关阅读…).
CHROME_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share|bdshare|jiathis|bshare|print|close|crumbs?|breadcrumbs?|position|"
    r"location|curpos|dqwz|fontsize|font-size|zihao|zoomfont|qrcode|ewm|erweima|footer|foot|"
    r"copyright|topbar|navbar|nav|menu|sidebar|pager|prevnext|prev-next|xgwz|xgwj|xglj|xgyd|"
    r"related|relate|toolbar|tools|hits|views|visit|counter)(?:$|[\s_-]|\d)", re.I)
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


# What a list of links has besides its links: separators, numbering and dates
# (<li><a>关于甲的通知</a><span>2026-03-01</span></li>, <a>甲</a> | <a>乙</a>), and the colon and
# brackets of a heading (【相关链接】：).
_LIST_DEBRIS = re.compile(r"[\s\d|｜·•、，,;；:：()（）\[\]【】<>《》\-—–./年月日]+")
# The text of an element that is not inside a link.
_UNLINKED_TEXT = etree.XPath("descendant::text()[not(ancestor::a)]", smart_strings=False)
_LINES = frozenset(BLOCK_TAGS - {"br"})


@cache
def _related_headings() -> tuple[str, ...]:
    return tuple(sorted({w for word in words("related_headings")
                         for w in (str(word), to_traditional(str(word)))}))


@cache
def _naming_related() -> tuple[re.Pattern[str], ...]:
    """The headings as one pattern per first two characters (相关(?:链接|文件…)): a pattern that
    opens with plain characters is searched for at string-search speed, an alternation of
    whole words character by character."""
    stems: dict[str, list[str]] = {}
    for word in _related_headings():
        stems.setdefault(word[:2], []).append(re.escape(word[2:]))
    return tuple(re.compile(f"{re.escape(stem)}(?:{'|'.join(rests)})")
                 for stem, rests in sorted(stems.items()))


@lru_cache(maxsize=64)
def _texts_holding(found: tuple[str, ...]) -> etree.XPath:
    """The text nodes holding one of ``found`` (libxml2 finds them)."""
    holding = " or ".join(f"contains(., '{w}')" for w in found)
    return etree.XPath(f"descendant::text()[{holding}]", regexp=False)


def _unlinked(element: etree._Element) -> str:
    """``element``'s text outside links, separators, numbering and dates removed."""
    return _LIST_DEBRIS.sub("", "".join(_UNLINKED_TEXT(element)))


def _has_link(element: etree._Element) -> bool:
    return any(text_content(a).strip() for a in element.iter("a"))


def _line_holding(text: etree._ElementUnicodeResult) -> etree._Element | None:
    """The block element whose line holds ``text``; None inside a link (<a>相关链接…</a>)."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    for element in ancestors_or_self(owner) if owner is not None else ():
        name = tag(element)
        if name == "a":
            return None
        if name in _LINES:
            return element
    return None


def _widest(line: etree._Element, root: etree._Element) -> etree._Element:
    """The outermost element holding just what ``line`` holds (<p><strong>相关链接：</strong></p>,
    a <td> in its <tr>): its siblings are the lines after it."""
    text = "".join(text_content(line).split())
    while True:
        parent = line.getparent()
        if parent is None or parent is root or tag(parent) in ("body", "html") \
                or "".join(text_content(parent).split()) != text:
            return line
        line = parent


def _related_block(line: etree._Element) -> list[etree._Element]:
    """``line`` (a related-documents heading, with or without links) and the lines after it made
    of links only; empty when no link follows the heading."""
    block = [line]
    previous = line
    for sibling in line.itersiblings():
        if _LIST_DEBRIS.sub("", previous.tail or ""):
            break                              # text between two lines: the list has ended
        previous = sibling
        if not isinstance(sibling.tag, str) or not text_content(sibling).strip():
            continue                           # a comment, an empty <p>, a <br>
        if not (_has_link(sibling) and not _unlinked(sibling)):
            break
        block.append(sibling)
    return block if any(_has_link(element) for element in block) else []


def drop_related_blocks(root: etree._Element, text: str | None = None) -> bool:
    """Remove related-documents blocks: a 相关链接/相关文件/相关阅读… heading, alone or with links
    after it, and the lines of links that follow it. Hanweb and TRS editors paste them into
    #zoom, templates inject them under the text (div.xgwj, or a bare <div>相关文件：<a>…); the CMS
    refreshes the titles as newer documents appear, and each refresh would be a "change". Read in
    the tree, while links are still links: once unwrapped, nothing tells a title from a line.
    ``text``: ``root``'s text, if already at hand. Whether anything was removed."""
    # Most pages name no such heading: one search of their text says so (libxml2 asked the
    # same of every text node costs twenty times as much).
    whole = text_content(root) if text is None else text
    found = tuple(sorted({word for pattern in _naming_related()
                          for word in pattern.findall(whole)}))
    if not found:
        return False
    headings = frozenset(_related_headings())
    removed = False
    for node in _texts_holding(found)(root):
        line = _line_holding(node)
        if line is None or line is root or line.getparent() is None \
                or _unlinked(line) not in headings:
            continue
        for element in _related_block(_widest(line, root)):
            drop(element)
            removed = True
    return removed


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
# A line ending with a full stop is a sentence, and a sentence is text: no chrome item ends
# with one. (Anywhere in the line is not enough: 文字大小 garbled by a bad decode reads 文字大?。?)
_SENTENCE_ENDS = ("。", "。）", "。”", "。)")


@cache
def _chrome_patterns() -> tuple[Callable[[str], object], Callable[[str], object],
                                Callable[[str], object]]:
    """(whole, anywhere, might): a line made only of the chrome items of words.yaml
    (``chrome_lines``); a counter ending a short line (``chrome_inline``), and the quick test
    that a line may hold one."""
    return (whole_line_pattern("chrome_lines", "chrome_parts").fullmatch,
            inline_pattern("chrome_inline").search,
            (inline_prefilter("chrome_inline") or _ANY).search)


def _chrome_row(row: str, whole: Callable[[str], object]) -> bool:
    """A table row is chrome only when each of its cells is made of chrome items (a toolbar laid
    out as a table): a row of an annual report (网站访问量<tab>1234567) is the report's."""
    cells = [cell.strip() for cell in row.split("\t") if cell.strip()]
    return bool(cells) and all(whole(cell) for cell in cells)


def is_chrome_line(line: str) -> bool:
    """A short line that is chrome wherever it stands (浏览次数：128, 【打印本页】【关闭窗口】)."""
    if len(line) >= _MAX_CHROME_LINE or line.endswith(_SENTENCE_ENDS):
        return False
    whole, anywhere, might = _chrome_patterns()
    if "\t" in line:
        return _chrome_row(line, whole)
    return bool(whole(line) or (might(line) and anywhere(line)))


def drop_chrome_lines(text: str) -> list[str]:
    """The lines of ``text`` that are not chrome."""
    return without_chrome(text.split("\n"))


def without_chrome(lines: list[str]) -> list[str]:
    """The ``lines`` that are not chrome (``is_chrome_line``, written out: a body has thousands
    of lines)."""
    whole, anywhere, might = _chrome_patterns()
    return [line for line in lines
            if len(line) >= _MAX_CHROME_LINE or line.endswith(_SENTENCE_ENDS)
            or not (_chrome_row(line, whole) if "\t" in line
                    else whole(line) or (might(line) and anywhere(line)))]


def is_footer_line(line: str) -> bool:
    """A short line of the page footer (版权所有, 主办单位：, ICP备…)."""
    return len(line) < _MAX_CHROME_LINE and bool(line_pattern("footer_lines").match(line))
