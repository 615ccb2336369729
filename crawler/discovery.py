"""Reading a list page (栏目): which links are documents, and where the next page is.

No per-site configuration is needed for the CMS families most portals run on (pagination:
``crawler.pagination``). Hanweb pages hold their rows in
``<script type="text/xml"><datastore><record><![CDATA[<li>…]]>`` records, which an HTML parser
sees as script text: the records are parsed on their own.

Document links are told from navigation, column and footer links by:

- URL shape: ``/art/2021/2/18/art_1_2.html`` (Hanweb), ``t20210218_123.html`` (TRS),
  ``/202102/<hex id>.shtml`` (Ucap), ``/doc/2021/02/18/123.shtml``…;
- position: links inside page chrome (nav, header, footer, side bars of 热点/推荐) are dropped
  when the page has document links elsewhere; links in the same list as three or more
  recognised documents are documents too;
- a title-length text with a date beside it in the same row.

A list page with no document links is reported, never taken for an empty column: the portal may
render its list with JavaScript (``scripted``; Pingtan's TRS+avalon pages have zero server-side
rows), or say 暂无信息.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import html

from crawler.extraction.attachments import attachment_extension
from crawler.extraction.dates import find_dates
from crawler.extraction.page import parse_html
from crawler.extraction.text import clean_line
from crawler.pagination import (
    NextPage,
    has_static_pager,
    jpage_first,
    jpage_next,
    jpage_of,
    next_links,
    numbered_next,
    query_page_next,
    trs_next,
)
from crawler.urls import canonical_url, in_domains, join_url

DOC_URL = re.compile(
    r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.s?html?"   # Hanweb
    r"|/t\d{8}_\d+\.s?html?"                              # TRS
    r"|/\d{6,8}/[0-9a-f]{16,}\.s?html?"                   # Ucap and similar: /202305/<hex>.shtml
    r"|/content_\d+\.s?html?|/content/\d+|/c\d+/content\.s?html?"
    r"|/\d{4}-\d{2}/\d{2}/(?:content_)?\d+\.s?html?"
    r"|/(?:art|article|detail|info|content|show|view)[_/-]?\w*\.(?:s?html?|jsp|aspx?|php)\?"
    r"(?:\w+=\w*&)*(?:id|aid|infoid|articleid|contentid|docid)=\w+"
    r"|/(?:doc|docs|art|article|detail|content|info)/\d+(?:\.s?html?)?$"
    r"|/\d{4}/\d{2}/\d{2}/\w+\.s?html?"                   # /doc/2021/02/18/3206123.shtml
    r"|/\d{6}/\w*\d{5,}\w*\.s?html?"
    r"|/post_\d+\.s?html?",
    re.I)
NAV_URL = re.compile(r"/col/col\d+/|/index(?:_\d+)?\.s?html?$|/$|/list(?:_\d+)?\.s?html?$", re.I)
NAV_TEXT = re.compile(
    r"^(?:首页|首頁|上一页|上一頁|下一页|下一頁|下页|上页|尾页|尾頁|末页|更多|more|返回|"
    r"[<>›»«]+|\d+)$", re.I)
_CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_CHROME_CONTAINERS = re.compile(
    r"(?:^|[\s_-])(?:nav|menu|header|footer|foot|top|banner|breadcrumb|crumb|position|location|"
    r"friend|links?|side|sidebar|aside|hot|rank|ranking|recommend|tuijian|tj|related|relate|"
    r"xgwz|xgxx|share)(?:$|[\s_-]|\d)", re.I)
_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "dl", "div")
# Markers of a list rendered in the browser: data-binding templates (avalon ms-repeat, Vue
# v-for, Angular ng-repeat, {{…}}), TRS's trsapi list models, and script-side data fetching.
_SCRIPTED = re.compile(
    r"ms-repeat|ms-for|ms-controller|v-for=|ng-repeat|x-for=|\{\{[^{}<>]{1,80}\}\}|trsapi|"
    r"\$\.(?:ajax|getJSON|post)\s*\(|axios\.|\bfetch\s*\(|laypage|template\.render|art-template|"
    r"jsrender|Handlebars|avalon", re.I)
_SAYS_EMPTY = re.compile(r"暂无(?:信息|数据|内容|记录|文件|相关)|没有(?:相关)?(?:信息|数据|记录)|"
                         r"暂无符合条件")
SIBLING_QUORUM = 3  # documents in one list before its other title-like links count as documents


@dataclass(frozen=True)
class ListLink:
    url: str          # canonical
    title: str | None
    date: str | None


@dataclass(frozen=True)
class Listing:
    links: tuple[ListLink, ...]
    next: tuple[NextPage, ...]
    total_pages: int | None
    family: str                    # trs | hanweb | generic
    offsite: tuple[str, ...] = ()  # document links outside the allowed domains (canonical)
    scripted: bool = False         # the page builds its list in the browser
    says_empty: bool = False       # the page says it has nothing (暂无信息)

    @property
    def next_pages(self) -> tuple[str, ...]:
        """URLs of the next pages fetched with GET (all but Hanweb's proxy POSTs)."""
        return tuple(page.url for page in self.next if page.method == "GET")


def _marker(node: html.HtmlElement) -> str:
    return f"{node.get('class', '')} {node.get('id', '')}".strip()


def _in_chrome(element: html.HtmlElement) -> bool:
    node = element.getparent()
    while node is not None:
        if node.tag in ("nav", "header", "footer", "aside"):
            return True
        marker = _marker(node)
        if marker and _CHROME_CONTAINERS.search(marker):
            return True
        node = node.getparent()
    return False


def _row(link: html.HtmlElement) -> html.HtmlElement:
    """The row holding the link (li, tr, dd, p, div or the link's parent)."""
    node = link.getparent()
    while node is not None and node.tag not in _ROW_TAGS:
        node = node.getparent()
    return node if node is not None else link


def _row_text(link: html.HtmlElement) -> str:
    return clean_line(_row(link).text_content())[:300]


def _link_title(link: html.HtmlElement) -> str:
    title = clean_line(link.get("title") or "")
    text = clean_line(link.text_content())
    # Lists truncate long titles ("关于印发…的通知..."); the title attribute has them whole.
    if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
        return title
    return text


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _is_document(link: html.HtmlElement, url: str, page_url: str) -> bool:
    if canonical_url(url) == canonical_url(page_url):
        return False
    title = _link_title(link)
    if NAV_TEXT.match(title or ""):
        return False
    path_query = _path_query(url)
    if DOC_URL.search(path_query):
        return True
    if NAV_URL.search(path_query.split("?", 1)[0]):
        return False
    # No known shape: a title-length link with a date in its row is a list entry.
    return len(title) >= 8 and bool(find_dates(_row_text(link)))


def _title_like(link: html.HtmlElement, url: str) -> bool:
    title = _link_title(link)
    return len(title) >= 6 and not NAV_TEXT.match(title) and not NAV_URL.search(
        _path_query(url).split("?", 1)[0])


def _links(scope: html.HtmlElement, base: str) -> list[tuple[html.HtmlElement, str]]:
    found = []
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = join_url(base, href)
        if url is None or attachment_extension(url):
            continue
        found.append((link, url))
    return found


def _documents(scope: html.HtmlElement, url: str, pattern: re.Pattern[str] | None
               ) -> list[tuple[html.HtmlElement, str]]:
    links = _links(scope, url)
    if pattern is not None:
        return [(link, target) for link, target in links if pattern.search(target)]
    chosen = [(link, target) for link, target in links if _is_document(link, target, url)]
    # Chrome links (a footer's 网站声明 at /art/…, a side bar of 热点 from other columns) are
    # dropped when the list has documents of its own: a rotating side bar would otherwise make
    # documents "disappear" from the column.
    outside = [(link, target) for link, target in chosen if not _in_chrome(link)]
    if outside:
        chosen = outside
    # Position: rows of the same list as SIBLING_QUORUM recognised documents are documents even
    # without a date or a known URL shape.
    lists: dict[html.HtmlElement, int] = defaultdict(int)
    for link, _ in chosen:
        parent = _row(link).getparent()
        if parent is not None:
            lists[parent] += 1
    dense = {parent for parent, count in lists.items() if count >= SIBLING_QUORUM}
    if dense:
        taken = {id(link) for link, _ in chosen}
        for link, target in links:
            if id(link) in taken or _row(link).getparent() not in dense:
                continue
            if _title_like(link, target) and canonical_url(target) != canonical_url(url):
                chosen.append((link, target))
    order = {id(link): n for n, (link, _) in enumerate(links)}
    return sorted(chosen, key=lambda pair: order[id(pair[0])])


def _visible(root: html.HtmlElement) -> str:
    """The page's text without scripts, styles and comments."""
    parts: list[str] = []
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "template") \
                and node.text:
            parts.append(node.text)
        if node.tail and node is not root:
            parts.append(node.tail)
    return clean_line(" ".join(parts))


def _scope(root: html.HtmlElement, list_selector: str | None) -> html.HtmlElement:
    if list_selector:
        chosen = root.cssselect(list_selector)
        if chosen:
            return chosen[0]
    return root


def _next(source: str, url: str, full: html.HtmlElement, *, records: int, has_links: bool,
          after: NextPage | None, selector: str | None) -> tuple[list[NextPage], int | None, bool]:
    """Next pages, the page count when the pager says, and whether this is a Hanweb column."""
    if after is not None and after.jpage is not None:
        following = jpage_next(source, after, records)
        return ([following] if following else []), None, True
    if selector:
        return [NextPage(u) for u in next_links(full, url, selector)], None, False
    trs, total = trs_next(source, url)
    if trs is not None or total is not None:
        return ([trs] if trs else []), total, False
    found = [NextPage(u) for u in next_links(full, url)]
    jpage, group_link = jpage_of(source, url, records)
    hanweb = records > 0 or jpage is not None or group_link is not None
    # A column paged by static links (?uid=…&pageNum=N) ends where they end: its nextgroup
    # link is the JavaScript pager's, for a browser that never reached the static pages.
    static = bool(found) or has_static_pager(full)
    if not static and jpage is not None:
        first = jpage_first(jpage, records)
        found = [first] if first else []
    elif not static and group_link is not None and records:
        found = [NextPage(group_link)]
    if not found:
        found = [NextPage(u) for u in numbered_next(full, url)]
    if not found and has_links:
        found = [NextPage(u) for u in query_page_next(full, url)]
    return found, None, hanweb


def discover(source: str, url: str, *, domains: list[str], link_pattern: str | None = None,
             list_selector: str | None = None, next_page_selector: str | None = None,
             after: NextPage | None = None) -> Listing:
    """Document links and next pages of one list page. ``after`` is the request that fetched
    it, when that was a Hanweb proxy request (its response has no script to read)."""
    fragments = _CDATA_RECORD.findall(source)
    full = parse_html(source)
    if fragments:
        root = parse_html("<html><body><ul>" + "".join(fragments) + "</ul></body></html>")
    else:
        root = full
    pattern = re.compile(link_pattern) if link_pattern else None
    links: dict[str, ListLink] = {}
    offsite: dict[str, None] = {}
    for link, target in _documents(_scope(root, list_selector), url, pattern):
        canonical = canonical_url(target)
        if not in_domains(canonical, domains):
            offsite[canonical] = None
            continue
        if canonical in links:
            continue
        dates = find_dates(_row_text(link))
        links[canonical] = ListLink(canonical, _link_title(link) or None,
                                    dates[0] if dates else None)
    found, total, hanweb = _next(source, url, full, records=len(fragments), has_links=bool(links),
                                 after=after, selector=next_page_selector)
    here = canonical_url(url)
    following = tuple(dict.fromkeys(
        page if page.method != "GET" else NextPage(canonical_url(page.url))
        for page in found
        if in_domains(page.url, domains) and (page.method != "GET"
                                              or canonical_url(page.url) != here)))
    family = "trs" if total is not None else "hanweb" if hanweb else "generic"
    scripted = not links and bool(_SCRIPTED.search(source))
    says_empty = not links and bool(_SAYS_EMPTY.search(_visible(full)))
    return Listing(tuple(links.values()), following, total, family, tuple(offsite), scripted,
                   says_empty)
