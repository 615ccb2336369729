"""Reading a list page (栏目): which links are documents, and where the next page is.

No per-site configuration is needed for the CMS families most portals run on:

- TRS: ``createPageHTML(total, current, "index", "html")`` writes the pager in JavaScript, so
  there is no ``<a>`` to the next page; page N+1 is ``index_N.html``.
- Hanweb: rows sit in ``<script type="text/xml"><datastore><record><![CDATA[<li>…]]>`` records.
- Others: ``?page=N`` and 下一页/下页 links.

Document links are told from navigation by URL shape (``/art/2021/2/18/art_1_2.html``,
``t20210218_123.html``, ``/202102/<hex id>.shtml``…), by sitting in the densest list of links,
and by having a title-length text with a date beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from crawler.extraction.attachments import attachment_extension
from crawler.extraction.dates import find_dates
from crawler.extraction.page import parse_html
from crawler.extraction.text import clean_line
from crawler.urls import canonical_url, in_domains

DOC_URL = re.compile(
    r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.s?html?"   # Hanweb
    r"|/t\d{8}_\d+\.s?html?"                              # TRS
    r"|/\d{6,8}/[0-9a-f]{16,}\.s?html?"                   # Ucap and similar: /202305/<hex>.shtml
    r"|/content_\d+\.s?html?|/content/\d+|/c\d+/content\.s?html?"
    r"|/\d{4}-\d{2}/\d{2}/(?:content_)?\d+\.s?html?"
    r"|/(?:art|article|detail|info|content|show|view)[_/-]?\w*\.(?:s?html?|jsp|aspx?|php)\?"
    r"(?:\w+=\w*&)*(?:id|aid|infoid|articleid|contentid|docid)=\w+"
    r"|/(?:doc|docs|art|article|detail|content|info)/\d+(?:\.s?html?)?$"
    r"|/\d{4}/\d{2}/\d{2}/\w+\.s?html?"
    r"|/\d{6}/\w*\d{5,}\w*\.s?html?",
    re.I)
NAV_URL = re.compile(r"/col/col\d+/|/index(?:_\d+)?\.s?html?$|/$|/list(?:_\d+)?\.s?html?$", re.I)
NAV_TEXT = re.compile(
    r"^(?:首页|上一页|下一页|下页|上页|尾页|末页|更多|more|返回|[<>›»«]+|\d+)$", re.I)
NEXT_TEXT = re.compile(
    r"^\s*(?:下一页|下页|后页|下一版|下一张|next(?:\s*page)?|›|»|>|>>)\s*[>›»]*\s*$", re.I)
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,"
    r"\s*['\"]([^'\"]+)['\"]")
_TRS_COUNT = re.compile(r"(?:var\s+)?countPage\s*=\s*['\"]?(\d+)")
_TRS_CURRENT = re.compile(r"(?:var\s+)?currentPage\s*=\s*['\"]?(\d+)")
_CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_CHROME_CONTAINERS = re.compile(r"(?:^|[\s_-])(?:nav|menu|header|footer|foot|top|banner|"
                                r"breadcrumb|crumb|position|location|friend|link[s]?)(?:$|[\s_-])",
                                re.I)


@dataclass(frozen=True)
class ListLink:
    url: str          # canonical
    title: str | None
    date: str | None


@dataclass(frozen=True)
class Listing:
    links: tuple[ListLink, ...]
    next_pages: tuple[str, ...]
    total_pages: int | None
    family: str       # trs | hanweb | generic


def _in_chrome(element: html.HtmlElement) -> bool:
    node = element.getparent()
    while node is not None:
        if node.tag in ("nav", "header", "footer"):
            return True
        marker = f"{node.get('class', '')} {node.get('id', '')}"
        if marker.strip() and _CHROME_CONTAINERS.search(marker):
            return True
        node = node.getparent()
    return False


def _row_text(link: html.HtmlElement) -> str:
    """Text of the row holding the link (li, tr, dd, p or the link's parent)."""
    node = link.getparent()
    while node is not None and node.tag not in ("li", "tr", "dd", "p", "dl", "div"):
        node = node.getparent()
    element = node if node is not None else link
    return clean_line(element.text_content())[:300]


def _link_title(link: html.HtmlElement) -> str:
    title = clean_line(link.get("title") or "")
    text = clean_line(link.text_content())
    # Lists truncate long titles ("关于印发…的通知..."); the title attribute has them whole.
    if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
        return title
    return text


def _candidate_links(root: html.HtmlElement, base: str, domains: list[str],
                     link_pattern: re.Pattern[str] | None) -> list[tuple[html.HtmlElement, str]]:
    found = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https") or not in_domains(url, domains):
            continue
        if attachment_extension(url):
            continue
        if link_pattern is not None:
            if link_pattern.search(url):
                found.append((link, url))
            continue
        found.append((link, url))
    return found


def _is_document(link: html.HtmlElement, url: str, page_url: str) -> bool:
    if canonical_url(url) == canonical_url(page_url):
        return False
    path_query = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    title = _link_title(link)
    if NAV_TEXT.match(title or ""):
        return False
    if DOC_URL.search(path_query):
        return True
    if NAV_URL.search(urlsplit(url).path) or _in_chrome(link):
        return False
    # No known shape: a title-length link with a date in its row is a list entry.
    return len(title) >= 8 and bool(find_dates(_row_text(link)))


def _trs_next(source: str, url: str) -> tuple[list[str], int | None]:
    m = _TRS_PAGER.search(source)
    if m:
        total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    else:
        count, cur = _TRS_COUNT.search(source), _TRS_CURRENT.search(source)
        if not count:
            return [], None
        total, current, stem, ext = int(count.group(1)), int(cur.group(1)) if cur else 0, \
            "index", "html"
    if current + 1 >= total:
        return [], total
    return [urljoin(url, f"{stem}_{current + 1}.{ext}")], total


def _query_page_next(root: html.HtmlElement, url: str) -> list[str]:
    """``?page=N`` style: page N+1, but only when this page links to it (a numbered page link):
    on the last page the guess would be a 404 or an empty list."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for name in ("page", "pageNo", "pageno", "pageIndex", "pn", "p", "currentPage", "pageNum"):
        if name in params and params[name].isdigit():
            params[name] = str(int(params[name]) + 1)
            guess = canonical_url(urlunsplit((parts.scheme, parts.netloc, parts.path,
                                              urlencode(params), "")))
            linked = {canonical_url(urljoin(url, a.get("href", ""))) for a in root.iter("a")
                      if a.get("href")}
            return [guess] if guess in linked else []
    return []


def _next_links(root: html.HtmlElement, base: str, selector: str | None) -> list[str]:
    if selector:
        try:
            elements = root.cssselect(selector)
        except (etree.XPathError, ValueError):
            elements = []
        return [urljoin(base, e.get("href", "")) for e in elements if e.get("href")]
    found = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        if NEXT_TEXT.match(clean_line(link.text_content())) or NEXT_TEXT.match(
                clean_line(link.get("title") or "")):
            found.append(urljoin(base, href))
    return found


def discover(source: str, url: str, *, domains: list[str], link_pattern: str | None = None,
             list_selector: str | None = None, next_page_selector: str | None = None) -> Listing:
    """Document links and next-page URLs of one list page."""
    family = "generic"
    fragments = _CDATA_RECORD.findall(source)
    if fragments:
        family = "hanweb"
        root = parse_html("<html><body><ul>" + "".join(fragments) + "</ul></body></html>")
    else:
        root = parse_html(source)
    scope = root
    if list_selector:
        try:
            chosen = root.cssselect(list_selector)
        except (etree.XPathError, ValueError):
            chosen = []
        if chosen:
            scope = chosen[0]
    pattern = re.compile(link_pattern) if link_pattern else None
    links: dict[str, ListLink] = {}
    for link, target in _candidate_links(scope, url, domains, pattern):
        if pattern is None and not _is_document(link, target, url):
            continue
        canonical = canonical_url(target)
        if canonical in links:
            continue
        dates = find_dates(_row_text(link))
        links[canonical] = ListLink(canonical, _link_title(link) or None,
                                    dates[0] if dates else None)
    next_pages, total = _trs_next(source, url)
    if next_pages or total:
        family = "trs" if family == "generic" else family
    else:
        full = parse_html(source) if fragments else root
        next_pages = _next_links(full, url, next_page_selector) or (
            _query_page_next(full, url) if links else [])
    next_pages = [canonical_url(u) for u in next_pages
                  if in_domains(u, domains) and canonical_url(u) != canonical_url(url)]
    return Listing(tuple(links.values()), tuple(dict.fromkeys(next_pages)), total, family)
