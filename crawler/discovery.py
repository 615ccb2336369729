"""Reading a list page (栏目): which links are documents, and where the next page is.

No per-site configuration is needed for the CMS families most portals run on (pagination:
``crawler.pagination``). Hanweb pages hold their rows in
``<script type="text/xml"><datastore><record><![CDATA[<li>…]]>`` records, which an HTML parser
sees as script text: the records of the column's own unit are parsed on their own (a page may
carry a second unit, a 热点 block of other columns: ``pagination.column_datastore``).

Links a browser follows without an ``<a href>`` are links too: a row's
``onclick="window.open('/art/…')"`` and the ``<a>`` that TRS templates write with
``document.write`` to cut long titles (``<li><script>var str="…";…document.write("<a href='./…'
title='…'>"+str+"</a>")</script><span>2021-03-10</span></li>``).

Document links are told from navigation, column and footer links by:

- URL shape: ``/art/2021/2/18/art_1_2.html`` (Hanweb), ``t20210218_123.html`` (TRS),
  ``/202102/<hex id>.shtml`` (Ucap), ``/doc/2021/02/18/123.shtml``…; and, for shapes govwatch
  does not know (博达 ``/info/1001/1234.htm``, ``news_view.aspx?id=1234``, PHPCMS
  ``index.php?…&id=1234``), three or more sibling rows whose title-length links share one URL
  template with a varying number;
- position: links inside page chrome (nav, header, footer, side bars, breadcrumbs, and blocks
  headed 热点/最新/推荐/排行/相关/专题) are never documents, whatever else the page holds; a
  container merely *named* like chrome (``tab-nav-con``, ``top-list``) holds the column when its
  list is the page's densest; links in the same list as three or more recognised documents are
  documents too;
- a title-length text with a date beside it in the same row (a ``<dl>``'s ``<dd>`` included);
  a 查看/详情 link takes its title from its row.

A row that links straight to a file (a PDF, a Word or WPS file, an OFD: 规划 columns often
publish so) is a document like any other — the file is the document (``crawler.extraction.files``)
— unless the row also links a document page, whose attachment the file then is.

One document linked twice in a row (``[详情]`` and its title) is one document with the better
title; spellings of one URL (``http``/``https``, ``www.``, ``index.html``) are one document.

A list page with no document links is reported, never taken for an empty column: the portal may
render its list with JavaScript (``scripted``; Pingtan's TRS+avalon pages have zero server-side
rows), or say 暂无信息 — judged on the page less its chrome, so a footer's 网站声明 or a 热点
side bar does not hide either.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import html

from crawler.extraction.attachments import attachment_extension
from crawler.extraction.dates import find_dates
from crawler.extraction.page import parse_html
from crawler.extraction.text import clean_line
from crawler.pagination import (
    NextPage,
    column_datastore,
    control_target,
    has_static_pager,
    jpage_first,
    jpage_next,
    jpage_of,
    last_page_next,
    next_links,
    numbered_next,
    pager_text,
    pager_warning,
    query_page_next,
    script_target,
    select_next,
    trs_next,
)
from crawler.urls import canonical_url, in_domains, join_url, page_key, same_page

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
# Words of a link that name no document: its row holds the title (a table's 查看 button, a
# [详情] link beside the title).
GENERIC_TEXT = re.compile(
    r"^(?:查看|详情|查看详情|详细|详细信息|详细内容|阅读|阅读全文|全文|原文|点击查看|点击进入|浏览|进入|"
    r"view|details?|read\s*more)$", re.I)
_CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
# Page furniture, by the names templates give it: never the column.
_CHROME_CONTAINERS = re.compile(
    r"(?:^|[\s_-])(?:footer|foot|breadcrumb|crumb|position|location|friend|links?|side|sidebar|"
    r"aside|hot|rank|ranking|recommend|tuijian|tj|related|relate|xgwz|xgxx|share)"
    r"(?:$|[\s_-]|\d)", re.I)
# Names of furniture that templates also compound into content panes ("tab-nav-con",
# "top-list"): such a container holds the column when its list is the page's densest.
_LOOSE_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|menu|header|top|banner)(?:$|[\s_-]|\d)", re.I)
_CHROME_TAGS = ("nav", "header", "footer", "aside")
# Headings of blocks that list other columns' documents: 热点信息, 热门文章, 最新文件, 最新公开,
# 推荐阅读, 点击排行, 相关链接, 专题专栏.
_CHROME_HEADING = re.compile(r"热点|热门|最新|推荐|排行|相关|专题")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HEADING_LENGTH = 16  # a block's title bar: 热点信息 and a 更多 link, not a row
_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "dl", "div")
# Rows a script writes its <a> into (TRS title-cutting templates): list items and cells only,
# never a pager's <div>.
_SCRIPT_ROWS = ("li", "tr", "td", "dd", "dt")
# Elements whose onclick opens a document: links and rows (a <tr onclick="window.open(…)">);
# buttons and selects are pager controls (crawler.pagination reads those).
_ONCLICK_ROWS = ("li", "tr", "td", "dd", "dt", "div", "span", "p", "h3", "h4")
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
_JS_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))")
_LITERAL_LINK = re.compile(r"<a\b[^<>]*?\bhref\s*=\s*(['\"])[^'\"<>]+\1", re.I)
# A string literal that is a link's address (var url = "./202103/t20210310_1.html"), for a row
# script that writes "<a href='" + url + "'>".
_HREF_LITERAL = re.compile(r"^(?:https?://|\.{0,2}/)?[\w./%~-]+\.(?:s?html?|jsp|aspx?|php)"
                           r"(?:\?[^\s'\"<>]*)?$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_A_TITLE = re.compile(r"^[\d\s\-/.:：年月日()（）\[\]【】|]*$")
_DIGITS = re.compile(r"\d+")
# Query parameters that select a page or a column, not a document: rows linking
# list.jsp?catid=1, 2, 3 are a menu, not a list of documents.
_LISTING_PARAM = re.compile(
    r"^(?:p|pn|pg|page\w*|cur\w*|cat\w*|class\w*|channel\w*|chnl\w*|col\w*|node\w*|type\w*|"
    r"menu\w*|lm\w*|sort\w*|order\w*|size|start\w*|offset|limit)$", re.I)
# Markers of a list rendered in the browser: data-binding templates (avalon ms-repeat, Vue
# v-for, Angular ng-repeat, {{…}}), TRS's trsapi list models, and script-side data fetching.
_SCRIPTED = re.compile(
    r"ms-repeat|ms-for|ms-controller|v-for=|ng-repeat|x-for=|\{\{[^{}<>]{1,80}\}\}|trsapi|"
    r"\$\.(?:ajax|getJSON|post)\s*\(|axios\.|\bfetch\s*\(|laypage|template\.render|art-template|"
    r"jsrender|Handlebars|avalon", re.I)
_SAYS_EMPTY = re.compile(r"暂无(?:信息|数据|内容|记录|文件|相关)|没有(?:相关)?(?:信息|数据|记录)|"
                         r"暂无符合条件")
SIBLING_QUORUM = 3  # documents in one list before its other title-like links count as documents

Link = tuple[html.HtmlElement, str]  # an <a> and its absolute URL


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
    # The page has a pager whose next page govwatch could not read (javascript:goPage(2), 共5页
    # 当前第2页 and no link): the column may go on past this page. For the run to report.
    pager_warning: str | None = None

    @property
    def next_pages(self) -> tuple[str, ...]:
        """URLs of the next pages fetched with GET (all but Hanweb's proxy POSTs)."""
        return tuple(page.url for page in self.next if page.method == "GET")


# ------------------------------------------------------------------ links without <a href>


def _unescape(literal: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else m.group(3)
    return _JS_ESCAPE.sub(one, literal)


def _literals(script: str) -> list[str]:
    return [_unescape(m.group(1) if m.group(1) is not None else m.group(2))
            for m in _JS_STRING.finditer(script)]


def _nearest(element: html.HtmlElement, tags: tuple[str, ...]) -> html.HtmlElement | None:
    node = element.getparent()
    while node is not None and node.tag not in tags:
        node = node.getparent()
    return node


def _written_links(script: html.HtmlElement) -> list[html.HtmlElement]:
    """The ``<a>`` elements a row's script writes: each string literal that holds a whole
    ``<a href='…'>``, else — for a script that writes ``"<a href='"+url+"'>"`` — the literals
    that are addresses (``var url="./202103/t….html"``); never an href assembled from pieces,
    as a pager's script builds ``"index_"+n+".html"``. Titles come from the tag's title or
    text, else the script's longest Chinese literal (``var str="关于…的通知"``, cut and written
    after the tag)."""
    kind = (script.get("type") or "javascript").lower()
    if "javascript" not in kind and "ecmascript" not in kind:
        return []  # Hanweb's text/xml datastores, templates
    literals = _literals(script.text or "")
    wording = [s for s in literals if "<" not in s and len(_CJK.findall(s)) >= 4]
    fallback = clean_line(max(wording, key=len, default=""))
    anchors: list[tuple[str, str, str]] = []  # href, title, text
    for literal in literals:
        if not _LITERAL_LINK.search(literal):
            continue
        fragment = parse_html(f"<html><body><div>{literal}</div></body></html>")
        anchors.extend((anchor.get("href"), clean_line(anchor.get("title") or ""),
                        clean_line(anchor.text_content()))
                       for anchor in fragment.iter("a") if anchor.get("href"))
    if not anchors and any(re.search(r"<a\b", s, re.I) for s in literals):
        anchors = [(s.strip(), "", "") for s in literals if _HREF_LITERAL.match(s.strip())]
    written = []
    for href, title, text in anchors:
        link = script.makeelement("a", {"href": href})
        if title:
            link.set("title", title)
        link.text = text or title or fallback
        written.append(link)
    return written


def _has_href(link: html.HtmlElement) -> bool:
    href = (link.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("javascript:", "#"))


def _give_href(element: html.HtmlElement, base: str) -> None:
    """A ``javascript:`` link or a row whose script opens a URL gets an ``<a href>`` to it."""
    if element.tag == "a":
        target = None if _has_href(element) else control_target(element, base)
        if target:
            element.set("href", target)
    elif not any(_has_href(link) for link in element.iter("a")):
        target = script_target(element.get("onclick") or "")
        if target:
            element.insert(0, element.makeelement("a", {"href": urljoin(base, target)}))


def _materialise(root: html.HtmlElement, base: str) -> None:
    """Give links that have no ``<a href>`` one, where a browser would show them: the ``<a>``
    a row's script writes, and an ``onclick`` that opens a URL (on a ``javascript:`` link or on
    the row itself). The rest of discovery then reads them as any other link of their row."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and _nearest(element, _SCRIPT_ROWS) is not None:
            for link in _written_links(element):
                element.addprevious(link)
        elif element.tag == "a" or (element.tag in _ONCLICK_ROWS and element.get("onclick")):
            _give_href(element, base)


# -------------------------------------------------------------------------- rows and titles


def _marker(node: html.HtmlElement) -> str:
    return f"{node.get('class', '')} {node.get('id', '')}".strip()


def _row(link: html.HtmlElement) -> html.HtmlElement:
    """The row holding the link (li, tr, dd, p, div or the link's parent). A ``<dl>`` that is
    one record (``<dl><dt><a>…</a></dt><dd>2021-03-10</dd></dl>``) is the row, not its dt."""
    node = link.getparent()
    while node is not None and node.tag not in _ROW_TAGS:
        node = node.getparent()
    if node is None:
        return link
    parent = node.getparent()
    if node.tag in ("dt", "dd") and parent is not None and parent.tag == "dl" \
            and sum(1 for a in parent.iter("a") if a.get("href")) == 1:
        return parent
    return node


def _row_text(link: html.HtmlElement) -> str:
    return clean_line(_row(link).text_content())[:300]


def _row_dates(link: html.HtmlElement) -> list[str]:
    """Dates in the link's row; for a ``<dt>`` of a list ``<dl>``, in the ``<dd>`` after it."""
    dates = find_dates(_row_text(link))
    row = _row(link)
    if not dates and row.tag == "dt":
        following = row.getnext()
        if following is not None and following.tag == "dd":
            dates = find_dates(clean_line(following.text_content())[:100])
    return dates


def _row_title(link: html.HtmlElement) -> str:
    """The row's own title, for a link that has none (查看, [详情], an onclick row): the longest
    text of the row outside the link (or another link's title attribute) that is no date."""
    row = _row(link)
    inside = set(link.iter())
    pieces: list[str] = []
    for node in row.iter():
        if not isinstance(node.tag, str):
            continue
        if node not in inside and node.tag not in ("script", "style") and node.text:
            pieces.append(node.text)
        if node is not row and node.tail and (node is link or node not in inside):
            pieces.append(node.tail)
        if node.tag == "a" and node is not link and node.get("title"):
            pieces.append(node.get("title") or "")
    titles = [piece for piece in (clean_line(p) for p in pieces)
              if len(piece) >= 4 and not _NOT_A_TITLE.match(piece)
              and not GENERIC_TEXT.match(pager_text(piece)) and not find_dates(piece)]
    return max(titles, key=len, default="")


def _link_title(link: html.HtmlElement) -> str:
    title = clean_line(link.get("title") or "")
    text = clean_line(link.text_content())
    # Lists truncate long titles ("关于印发…的通知..."); the title attribute has them whole.
    best = title if title and (not text or text.endswith(("...", "…"))
                               or len(title) > len(text)) else text
    if not best or GENERIC_TEXT.match(pager_text(best)):
        return _row_title(link) or best
    return best


def _better_title(a: str | None, b: str | None) -> str | None:
    """Of two titles of one document, the one that names it: not 详情, and the longer."""
    def rank(title: str | None) -> tuple[bool, int]:
        return (bool(title) and not GENERIC_TEXT.match(pager_text(title or "")),
                len(title or ""))
    return b if rank(b) > rank(a) else a


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _is_navigation(title: str) -> bool:
    return bool(NAV_TEXT.match(pager_text(title)))


def _is_document(link: html.HtmlElement, url: str, page_url: str) -> bool:
    if same_page(url, page_url):
        return False
    title = _link_title(link)
    if _is_navigation(title):
        return False
    path_query = _path_query(url)
    if DOC_URL.search(path_query):
        return True
    if NAV_URL.search(path_query.split("?", 1)[0]):
        return False
    # No known shape: a title-length link with a date in its row is a list entry.
    return len(title) >= 8 and bool(_row_dates(link))


def _title_like(link: html.HtmlElement, url: str) -> bool:
    title = _link_title(link)
    return len(title) >= 6 and not _is_navigation(title) and not NAV_URL.search(
        _path_query(url).split("?", 1)[0])


def _links(scope: html.HtmlElement, base: str) -> list[Link]:
    found = []
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = join_url(base, href)
        if url is None:
            continue
        found.append((link, url))
    return found


def _pages_first(chosen: list[Link]) -> list[Link]:
    """A file link is a document only in a row without a document page: a row's PDF beside
    its page's link is that page's attachment, not a second document."""
    with_pages = {_row(link) for link, url in chosen if not attachment_extension(url)}
    return [(link, url) for link, url in chosen
            if not attachment_extension(url) or _row(link) not in with_pages]


# ---------------------------------------------------------------- lists of unfamiliar shape


def _template(url: str) -> tuple[str, str, str] | None:
    """The URL with its numbers blanked: rows of one list link one template."""
    parts = urlsplit(url)
    if NAV_URL.search(parts.path or "/"):
        return None
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    blanked = "&".join(f"{k}={'#' if v.isdigit() else v}" for k, v in query)
    return parts.netloc, _DIGITS.sub("#", parts.path), blanked


def _varies_a_listing(urls: list[str]) -> bool:
    """Do the URLs differ in a parameter that selects a page or a column (a menu or pager)?"""
    values: dict[str, set[str]] = defaultdict(set)
    for url in urls:
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            values[name].add(value)
    return any(len(seen) > 1 and _LISTING_PARAM.match(name) for name, seen in values.items())


def _templated(links: list[Link]) -> set[int]:
    """Links of sibling rows that share one URL template with a varying number (博达
    ``/info/1001/1234.htm``, ``news_view.aspx?id=1234``, PHPCMS ``index.php?…&id=1234``): a list
    of documents, dated or not, whatever shape govwatch knows."""
    groups: dict[tuple[html.HtmlElement, tuple[str, str, str]], list[Link]] = defaultdict(list)
    for link, url in links:
        template = _template(url)
        parent = _row(link).getparent()
        if template is not None and parent is not None and _title_like(link, url):
            groups[(parent, template)].append((link, url))
    chosen: set[int] = set()
    for members in groups.values():
        urls = list(dict.fromkeys(canonical_url(url) for _, url in members))
        rows = {_row(link) for link, _ in members}
        if len(urls) >= SIBLING_QUORUM and len(rows) >= SIBLING_QUORUM \
                and not _varies_a_listing(urls):
            chosen.update(id(link) for link, _ in members)
    return chosen


# ----------------------------------------------------------------------------------- chrome


def _previous_elements(node: html.HtmlElement, limit: int = 2) -> Iterator[html.HtmlElement]:
    sibling = node.getprevious()
    while sibling is not None and limit:
        if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style") \
                and clean_line(sibling.text_content()):
            yield sibling
            limit -= 1
        sibling = sibling.getprevious()


def _heading(node: html.HtmlElement) -> str | None:
    """The text of a block's title bar (``<h3>热点信息</h3>``, ``<div class="tit"><span>最新文件
    </span><a>更多</a></div>``, ``<b>最新公开</b>``), or None for an element that is no heading."""
    text = pager_text(node.text_content())
    if node.tag in _HEADING_TAGS or (len(text) <= _HEADING_LENGTH and not any(
            child.tag in ("ul", "ol", "table", "li", "dl") for child in node.iter())):
        return text
    return None


def _under_chrome_heading(row: html.HtmlElement, page_title: str) -> bool:
    """Is the row's list a block headed 热点/最新/推荐/排行/相关/专题? The nearest heading above
    the list decides; a heading the page's <title> carries is the column's own (a column named
    最新文件), not a side bar's."""
    node = row.getparent()
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return False
        for sibling in _previous_elements(node):
            heading = _heading(sibling)
            if heading is None:
                continue
            found = _CHROME_HEADING.search(heading)
            if not found:
                return False
            name = re.sub(r"更多|more|[>›»]+", "", heading, flags=re.I).strip()
            return not (name and name in page_title)
        node = node.getparent()
    return False


def _chrome(link: html.HtmlElement, headed: Callable[[html.HtmlElement], bool]) -> int:
    """2: the link is in page furniture (never the column); 1: in a container only named like
    it (``tab-nav-con``); 0: in the page's content. ``headed``: is a row's list under a
    chrome heading."""
    loose = False
    node = link.getparent()
    while node is not None:
        if node.tag in _CHROME_TAGS:
            return 2
        marker = _marker(node)
        if marker and _CHROME_CONTAINERS.search(marker):
            return 2
        loose = loose or bool(marker and _LOOSE_CHROME.search(marker))
        node = node.getparent()
    if headed(_row(link)):
        return 2
    return 1 if loose else 0


def _page_title(root: html.HtmlElement) -> str:
    title = root.find(".//title")
    return clean_line(title.text_content()) if title is not None else ""


# ------------------------------------------------------------------------- the column's links


def _column(candidates: list[Link], page_title: str) -> list[Link]:
    """The candidates that are the column's: none in furniture; those in a container named like
    furniture only when their list is dense (SIBLING_QUORUM rows) and the page's densest."""
    # One look for a heading per list, not per row (keyed by the element: an lxml proxy's id()
    # is reused once it is garbage).
    verdicts: dict[html.HtmlElement | None, bool] = {}

    def headed(row: html.HtmlElement) -> bool:
        key = row.getparent()
        if key not in verdicts:
            verdicts[key] = _under_chrome_heading(row, page_title)
        return verdicts[key]

    chrome = {id(link): _chrome(link, headed) for link, _ in candidates}
    sizes: dict[html.HtmlElement, int] = defaultdict(int)
    for link, _ in candidates:
        if chrome[id(link)] < 2:
            sizes[_row(link).getparent()] += 1
    densest = max(sizes.values(), default=0)
    kept = []
    for link, url in candidates:
        level = chrome[id(link)]
        size = sizes.get(_row(link).getparent(), 0)
        if level == 0 or (level == 1 and size >= SIBLING_QUORUM and size == densest):
            kept.append((link, url))
    return kept


def _documents(scope: html.HtmlElement, url: str, pattern: re.Pattern[str] | None,
               page_title: str = "") -> list[Link]:
    links = _links(scope, url)
    if pattern is not None:
        return _pages_first([(link, target) for link, target in links
                             if pattern.search(target)])
    templated = _templated(links)
    candidates = [(link, target) for link, target in links
                  if id(link) in templated or _is_document(link, target, url)]
    # Chrome links (a footer's 网站声明 at /art/…, a side bar of 热点 from other columns) are
    # never the column's: a rotating side bar would make documents "appear" and "disappear",
    # and a footer link would hide a JavaScript-rendered or empty column.
    chosen = _column(candidates, page_title)
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
            if _title_like(link, target) and not same_page(target, url):
                chosen.append((link, target))
    order = {id(link): n for n, (link, _) in enumerate(links)}
    return sorted(_pages_first(chosen), key=lambda pair: order[id(pair[0])])


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


# ------------------------------------------------------------------------------ next pages


@dataclass(frozen=True)
class _Hanweb:
    records: int                 # rows in the column's datastore
    unit: str | None = None      # the column's unit, on a page with several
    store: str | None = None     # the column's datastore, on a page with several


def _next(source: str, url: str, full: html.HtmlElement, *, hanweb: _Hanweb, has_links: bool,
          after: NextPage | None, selector: str | None
          ) -> tuple[list[NextPage], int | None, bool, str | None]:
    """Next pages, the page count when the pager says, whether this is a Hanweb column, and a
    warning when the page has a pager whose next page could not be read."""
    records = hanweb.records
    if after is not None and after.jpage is not None:
        following = jpage_next(source, after, records)
        return ([following] if following else []), None, True, None
    if selector:
        return [NextPage(u) for u in next_links(full, url, selector)], None, False, None
    trs, total = trs_next(source, url)
    if trs is not None or total is not None:
        return ([trs] if trs else []), total, False, None
    found = [NextPage(u) for u in next_links(full, url)]
    jpage, group_link = jpage_of(source, url, records, unit=hanweb.unit, store=hanweb.store)
    is_hanweb = records > 0 or jpage is not None or group_link is not None
    # A column paged by static links (?uid=…&pageNum=N) ends where they end: its nextgroup
    # link is the JavaScript pager's, for a browser that never reached the static pages. A
    # static pager is one that leads to another page of the column (a picture slider's
    # javascript:void(0) 下一页 is none), and jpage wins when it says there are more records.
    static = bool(found) or has_static_pager(full, url)
    more = jpage is not None and jpage.total is not None and jpage.total > records
    if jpage is not None and not found and (not static or more):
        first = jpage_first(jpage, records)
        found = [first] if first else []
    elif not static and group_link is not None and records:
        found = [NextPage(group_link)]
    for guess in (numbered_next, select_next, last_page_next):
        if not found:
            found = [NextPage(u) for u in guess(full, url)]
    if not found and has_links:
        found = [NextPage(u) for u in query_page_next(full, url)]
    unread = None if found or jpage is not None else pager_warning(full, url)
    return found, None, is_hanweb, unread


def discover(source: str, url: str, *, domains: list[str], link_pattern: str | None = None,
             list_selector: str | None = None, next_page_selector: str | None = None,
             after: NextPage | None = None) -> Listing:
    """Document links and next pages of one list page. ``after`` is the request that fetched
    it, when that was a Hanweb proxy request (its response has no script to read)."""
    store, several = column_datastore(source, url)
    fragments = _CDATA_RECORD.findall(store.text if store is not None else source)
    full = parse_html(source)
    if fragments:
        root = parse_html("<html><body><ul>" + "".join(fragments) + "</ul></body></html>")
    else:
        root = full
    _materialise(root, url)
    pattern = re.compile(link_pattern) if link_pattern else None
    links: dict[str, ListLink] = {}
    offsite: dict[str, None] = {}
    for link, target in _documents(_scope(root, list_selector), url, pattern, _page_title(full)):
        canonical = canonical_url(target)
        if not in_domains(canonical, domains):
            offsite[canonical] = None
            continue
        dates = _row_dates(link)
        found = ListLink(canonical, _link_title(link) or None, dates[0] if dates else None)
        # One document linked twice ([详情] and its title; http and https): the first URL,
        # the better title, a date if either row has one.
        key = page_key(canonical)
        known = links.get(key)
        links[key] = found if known is None else ListLink(
            known.url, _better_title(known.title, found.title), known.date or found.date)
    hanweb = _Hanweb(len(fragments), store.unit if several and store else None,
                     store.text if several and store else None)
    found_pages, total, is_hanweb, unread = _next(
        source, url, full, hanweb=hanweb, has_links=bool(links), after=after,
        selector=next_page_selector)
    following = tuple(dict.fromkeys(
        page if page.method != "GET" else NextPage(canonical_url(page.url))
        for page in found_pages
        if in_domains(page.url, domains) and (page.method != "GET"
                                              or not same_page(page.url, url))))
    family = "trs" if total is not None else "hanweb" if is_hanweb else "generic"
    scripted = not links and bool(_SCRIPTED.search(source))
    says_empty = not links and bool(_SAYS_EMPTY.search(_visible(full)))
    return Listing(tuple(links.values()), following, total, family, tuple(offsite), scripted,
                   says_empty, unread if not following else None)
