"""The document's title: 信息名称 (a labelled title in the metadata) over the page's heading over
``<meta name="ArticleTitle">`` over ``<title>`` minus the site name.

A heading is only a title when it is not the portal's: the Wanzai page has ``<h1>万载县人民政府-``
(the site name) and ``<h1>统计局`` (the department) before the document's ``<h1>``; the Shanxi
page's first ``<h1>`` is a logo link. Headings that agree with ``<title>`` or ArticleTitle win;
templates that mark the title with a class (Hanweb ``p.sp_title``) count as headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from crawler.extraction.chrome import in_furniture
from crawler.extraction.text import clean_line, normalize
from crawler.extraction.tree import BLOCK_TAGS, ancestors_or_self, tag, text_content

_HEADINGS = frozenset({"h1", "h2", "h3", "ucaptitle"})
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hide|hidden|sr-only|visually-hidden|none)(?:$|\s)", re.I)
# Separators between the parts of a <title>: _ | ｜ — -- and a hyphen with a space on one side,
# or a bare hyphen between two hanzi (政府工作报告-无锡日报); not the hyphen of 2021-2025.
_SEPARATORS = re.compile(
    r"\s*(?:[_|｜]+|--+|—+|\s-|-\s|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff]))\s*")
_MIN_HEADING = 4
_MIN_TITLE_PART = 6
_MAX_EXTRA = 12
_MAX_HEADING = 200


@dataclass(frozen=True)
class _Heading:
    element: etree._Element
    text: str            # as shown
    compared: str        # normalised

    @property
    def is_h1(self) -> bool:
        return tag(self.element) in ("h1", "ucaptitle")


def _heading(element: etree._Element) -> _Heading | None:
    text = clean_line(text_content(element))
    if not _MIN_HEADING <= len(text) <= _MAX_HEADING:
        return None
    return _Heading(element, text, normalize(text))


def _visible_and_own(heading: _Heading, site_names: list[str]) -> bool:
    """Not the site's name, not a logo link, not screen-reader text, not page furniture."""
    squashed = heading.compared.strip("-")
    if any(squashed and (squashed in name or name in squashed) and len(name) >= 2
           and abs(len(squashed) - len(name)) <= 2 for name in site_names):
        return False
    for node in ancestors_or_self(heading.element):
        if tag(node) == "a" or _HIDDEN_CLASS.search(node.get("class") or ""):
            return False
    return not in_furniture(heading.element)


# Headings, and the elements templates mark as the title by class or id (Hanweb p.sp_title,
# div.article-title), in document order. lxml's tag-filtered iter() is several times faster here
# than an XPath with predicates.
_MARKABLE = ("p", "div", "td", "span", "strong")
# root.find(".//title"): lxml's iterators look one match ahead, so find() walks the whole page
# past the <title>; libxml2 stops at the first.
_FIRST_TITLE = etree.XPath("descendant::title[1]", regexp=False)
_TITLE_MARK = re.compile(r"title|biaoti", re.I)


def _marked_title(element: etree._Element, marker: str) -> bool:
    """A leaf element whose class or id (``marker``) says it is the title (Hanweb p.sp_title)."""
    return bool(_TITLE_MARK.search(marker)) \
        and not any(tag(d) in BLOCK_TAGS and tag(d) != "br" for d in element.iterdescendants())


def _headings(root: etree._Element) -> list[etree._Element]:
    return list(_each_heading(root))


def _each_heading(root: etree._Element) -> Iterator[etree._Element]:
    """``_headings``, one by one: a search for one of them stops at it."""
    body = root.find("body")
    for element in (body if body is not None else root).iter(*_HEADINGS, *_MARKABLE):
        if element.tag in _HEADINGS:
            yield element
            continue
        # Most of these elements have neither a class nor an id: each read once.
        classes, ident = element.get("class"), element.get("id")
        if (classes or ident) and _marked_title(element, f"{classes or ''} {ident or ''}"):
            yield element


def _own_heading(element: etree._Element) -> bool:
    return not any(tag(node) == "a" for node in element.iterancestors()) \
        and not in_furniture(element)


def title_element(root: etree._Element, title: str | None) -> etree._Element | None:
    """The first heading (or element marked as the title) showing ``title``, outside links and
    page furniture: where the document starts on a page without a known container."""
    if not title:
        return None
    # A title chosen from a heading is that heading's text as shown: found without normalising
    # any heading, and the walk stops there (the title is near the top of a page).
    for element in _each_heading(root):
        if clean_line(text_content(element)) == title and _own_heading(element):
            return element
    # A title with markup inside its heading, or a labelled title (信息名称) written otherwise.
    wanted = normalize(title)
    return next((element for element in _each_heading(root)
                 if normalize(clean_line(text_content(element))) == wanted
                 and _own_heading(element)), None)


def site_names_of(root: etree._Element, title: str | None, declared: list[str]) -> list[str]:
    """The names the page gives its site: ``declared`` (<meta name="SiteName">) and the parts of
    ``<title>`` that are not the document's title (关于…的通知-示例县人民政府)."""
    found = _FIRST_TITLE(root)
    page_title = clean_line(text_content(found[0])) if found else ""
    wanted = normalize(title)
    parts = [p.strip() for p in _SEPARATORS.split(page_title) if p.strip()]
    others = [p for p in parts if not wanted or (
        wanted not in normalize(p) and normalize(p) not in wanted)]
    return [name for name in dict.fromkeys([*declared, *others]) if name]


def title_parts(page_title: str, site_names: list[str]) -> list[str]:
    """``<title>`` split at its separators, the parts naming the site or column removed."""
    return _split_title(page_title, site_names)[0]


def _split_title(page_title: str, site_names: list[str]) -> tuple[list[str], bool]:
    """``title_parts``, and whether they are the document's (False: every part names the site
    or the column, and all are given back)."""
    parts = [p for p in _SEPARATORS.split(page_title) if p.strip()]
    kept = [p for p in parts if normalize(p) not in site_names]
    return kept or parts, bool(kept)


def _agrees(text: str, references: list[str]) -> bool:
    """The heading is (part of) the reference, or the reference with a few characters more
    (a 【】 mark, a date); never a container that merely holds the title and more."""
    return any(text in ref or (ref in text and len(ref) >= _MIN_HEADING
                               and len(text) <= len(ref) + _MAX_EXTRA) for ref in references)


def choose_title(root: etree._Element, *, labelled: str | None, article_title: str | None,
                 site_names: list[str]) -> str | None:
    """The title. ``site_names``: the site's and column's names (SiteName, ColumnName)."""
    if labelled:
        return labelled
    names = [normalize(n) for n in site_names if n]
    found = _FIRST_TITLE(root)
    title_el = found[0] if found else None
    page_title = clean_line(text_content(title_el)) if title_el is not None else ""
    parts, own = _split_title(page_title, names) if page_title else ([], False)
    from_title = max(parts, key=len).strip() if own else ""
    references = [normalize(t) for t in (page_title if from_title else "", article_title) if t]
    headings = [h for h in map(_heading, _headings(root)) if h is not None]
    # Cheap tests first: agreeing with <title> or ArticleTitle, then being the page's own.
    agreeing = [h for h in headings if _agrees(h.compared, references)
                and _visible_and_own(h, names)]
    if agreeing:
        # The longest: a column name (政策文件) is in <title> too, before the document's title.
        return max(agreeing, key=lambda h: len(h.text)).text
    # Nothing agrees: the CMS's own field, then a real-looking <title>, then the first <h1>.
    if article_title:
        return article_title
    first_h1 = next((h for h in headings if h.is_h1 and _visible_and_own(h, names)), None)
    if len(from_title) >= _MIN_TITLE_PART or (from_title and first_h1 is None):
        return from_title
    return first_h1.text if first_h1 is not None else (from_title or None)
