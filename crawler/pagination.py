"""Where a list page (栏目 page) continues: the next page of the same column.

Portals paginate in a few ways, and none of them needs configuration:

- TRS (拓尔思): ``createPageHTML(total, current, "index", "html")`` — or a ``countPage`` /
  ``currentPage`` script, as on hdzfxxgk.hd.gov.cn — writes the pager in JavaScript, so the page
  holds no ``<a>`` to the next page; page N+1 is the static file ``index_N.html``.
- Hanweb (大汉) jpage: the 栏目 page carries the first group of rows as ``<record>`` CDATA inside a
  ``<datastore>``; the following groups come from ``/module/web/jpage/dataproxy.jsp``, which a
  browser POSTs to with ``startrecord``/``endrecord``/``perpage`` in the query and the
  ``ajaxParam`` of the page's ``jpage({...})`` call as the form. Some sites answer the
  ``<nextgroup>`` link's GET (``dataproxy.jsp?page=1&…&columnid=…``) too: that is the fallback when
  the page has no ``jpage()`` call to read the parameters from.
- Everything else: a 下一页 / 下页 / 下一版 link; numbered page links (1 2 [3] 4 …); a ``?page=N``
  query, followed only when the page links to N+1 (past the last page such JSPs answer an empty
  list or a 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import html

from crawler.extraction.text import clean_line
from crawler.urls import canonical_url

NEXT_TEXT = re.compile(
    r"^\s*(?:下一页|下一頁|下页|下頁|后页|後頁|下一版|下一张|next(?:\s*page)?|›|»|>|>>)\s*[>›»]*\s*$",
    re.I)
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?"    # newer TRS: the pager div's id first
    r"['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_TRS_COUNT = re.compile(r"\bcountPage\s*=\s*['\"]?(\d+)")
_TRS_CURRENT = re.compile(r"\bcurrentPage\s*=\s*['\"]?(\d+)")
_STATIC_PAGE = re.compile(r"(?:^|/)([\w-]+?)(?:_(\d+))?\.(s?html?)$", re.I)
_JPAGE_CALL = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_JPAGE_NUMBER = r"\b{}\s*[:=]\s*['\"]?(\d+)"
_PROXY_URL = re.compile(r"\bproxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
_AJAX_PARAM = re.compile(r"\b(?:ajaxParam\s*:|var\s+param_\d+\s*=)\s*\{([^}]*)\}")
_JS_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S | re.I)
_HREF = re.compile(r"href\s*=\s*['\"]([^'\"]+)['\"]", re.I)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w-]+)[\"']")
_PAGE_PARAMS = ("page", "pageNo", "pageno", "pageIndex", "pn", "p", "currentPage", "pageNum",
                "curPage")
_PAGER_WORD = re.compile(
    r"^\s*(?:上一页|上一頁|上页|下一页|下一頁|下页|尾页|尾頁|末页|前页|后页)\s*$")
_CURRENT_CLASS = re.compile(r"(?:^|[\s_-])(?:cur|current|active|on|now|sel|selected|hover)"
                            r"(?:$|[\s_-])", re.I)
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
# What Hanweb's own ajaxParam always holds, besides the column's ids (see the real requests in
# ../shared/real-pages MANIFEST, dingxi): sent when the page names only the ids.
_JPAGE_DEFAULTS = (("col", "1"), ("appid", "1"), ("path", "/"), ("sourceContentType", "1"),
                   ("permissiontype", "0"))

Form = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class JPage:
    """A Hanweb jpage column: its data proxy and how many records one request asks for."""

    proxy: str                 # absolute URL of dataproxy.jsp, without query
    form: Form                 # the POST form (the page's ajaxParam)
    per_page: int
    group: int                 # records per request: perPage × groupSize
    total: int | None          # totalRecord, when the page says
    fallback: str | None = None  # the nextgroup GET link, for a proxy that refuses the POST


@dataclass(frozen=True)
class NextPage:
    """The request for the next list page. ``jpage`` and ``start`` carry a Hanweb proxy
    sequence on to the response, which holds no script to read them from."""

    url: str
    method: str = "GET"
    form: Form = ()
    jpage: JPage | None = None
    start: int = 0             # first record this request asks for (jpage)


def xml_encoding(raw: bytes) -> str | None:
    """The charset an XML declaration names (Hanweb's dataproxy.jsp answers
    ``<?xml version="1.0" encoding="UTF-8"?><datastore>…`` with no charset in its header)."""
    m = _XML_DECLARATION.match(raw[:200])
    return m.group(1).decode("ascii") if m else None


def trs_next(source: str, url: str) -> tuple[NextPage | None, int | None]:
    """TRS: the next ``index_N.html`` and the page count, from the pager script."""
    m = _TRS_PAGER.search(source)
    named = _STATIC_PAGE.search(urlsplit(url).path)
    if m:
        total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    else:
        count = _TRS_COUNT.search(source)
        if not count:
            return None, None
        cur = _TRS_CURRENT.search(source)
        total, current = int(count.group(1)), int(cur.group(1)) if cur else 0
        stem, ext = (named.group(1), named.group(3)) if named else ("index", "html")
    # Which page this is: the file name says it best (index_3.html is the fourth page). The
    # script's own index is 0-based on classic TRS but 1-based in some newer templates.
    if named and named.group(1) == stem:
        current = int(named.group(2) or 0)
    elif urlsplit(url).path.endswith("/"):
        current = 0
    if current + 1 >= total:
        return None, total
    return NextPage(urljoin(url, f"{stem}_{current + 1}.{ext}")), total


def _js_object(text: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None)
            for m in _JS_PAIR.finditer(text)}


def _number(name: str, text: str) -> int | None:
    m = re.search(_JPAGE_NUMBER.format(name), text)
    return int(m.group(1)) if m else None


def jpage_of(source: str, url: str, records: int) -> tuple[JPage | None, str | None]:
    """Read a Hanweb column's jpage parameters from its page: the ``jpage({...})`` call (or a
    ``param_<unitid>`` object) and the ``<nextgroup>`` link. Returns the JPage (None when the
    page has no jpage call) and the nextgroup link (absolute), if any."""
    group_link = None
    m = _NEXTGROUP.search(source)
    if m:
        href = _HREF.search(m.group(1))
        if href:
            group_link = urljoin(url, href.group(1).replace("&amp;", "&"))
    call = _JPAGE_CALL.search(source)
    if call is None:
        return None, group_link
    config = call.group(1)
    form: dict[str, str] = {}
    if group_link:
        form.update((k, v) for k, v in parse_qsl(urlsplit(group_link).query) if k != "page")
    for found in _AJAX_PARAM.finditer(source):
        form.update(_js_object(found.group(1)))
    if not form.get("columnid") and not form.get("unitid"):
        return None, group_link  # a jpage() that pages a local array, not a column
    for key, value in _JPAGE_DEFAULTS:
        form.setdefault(key, value)
    proxy_match = _PROXY_URL.search(config)
    proxy = proxy_match.group(1) if proxy_match else (
        urlsplit(group_link).path if group_link else DEFAULT_PROXY)
    per_page = _number("perPage", config) or _number("perpage", source) or 15
    group_size = _number("groupSize", config) or 3
    total = _number("totalRecord", config) or _number("totalRecord", source)
    # The page's datastore holds one whole group when there are more: its size is the group.
    group = records if records > per_page else per_page * group_size
    return JPage(urljoin(url, proxy), tuple(sorted(form.items())), per_page, group, total,
                 group_link), group_link


def jpage_first(jpage: JPage, records: int) -> NextPage | None:
    """After the 栏目 page's own ``records`` rows: the first proxy request, if there is more."""
    if jpage.total is not None and jpage.total <= records:
        return None
    if jpage.total is None and 0 < records < jpage.group:
        return None  # the page holds less than one group: that was all of it
    return jpage_request(jpage, records + 1)


def jpage_request(jpage: JPage, start: int) -> NextPage | None:
    """The proxy request for records ``start`` … ``start + group - 1``."""
    if jpage.total is not None and start > jpage.total:
        return None
    # As jpage.js asks: a whole group, even past totalRecord (the proxy answers what there is).
    end = start + jpage.group - 1
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": jpage.per_page})
    return NextPage(f"{jpage.proxy}?{query}", "POST", jpage.form, jpage, start)


def jpage_next(source: str, current: NextPage, records: int) -> NextPage | None:
    """After a proxy response holding ``records`` rows: the request for the following group."""
    jpage = current.jpage
    if jpage is None or records == 0:
        return None
    total = _TOTAL_RECORD.search(source)
    if total:
        jpage = replace(jpage, total=int(total.group(1)))
    if records < jpage.group and jpage.total is None:
        return None  # a short group is the last one
    return jpage_request(jpage, current.start + records)


def next_links(root: html.HtmlElement, base: str, selector: str | None = None) -> list[str]:
    """下一页-style links (or the configured ``next_page_selector``'s), absolute."""
    if selector:
        return [urljoin(base, e.get("href", "")) for e in root.cssselect(selector)
                if e.get("href")]
    found = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        if NEXT_TEXT.match(clean_line(link.text_content())) or NEXT_TEXT.match(
                clean_line(link.get("title") or "")):
            found.append(urljoin(base, href))
    return found


def has_static_pager(root: html.HtmlElement) -> bool:
    """Does the server-side HTML carry a pager (上一页, 下一页 or 尾页, linked or not)? Hanweb's
    jpage pager is written by jpage.js, so a page with one of its own pages statically."""
    return any(isinstance(node.tag, str) and node.tag not in ("script", "style")
               and _PAGER_WORD.match(node.text_content() or "")
               for node in root.iter("a", "span", "li", "em", "b", "font", "button"))


def numbered_next(root: html.HtmlElement, base: str) -> list[str]:
    """A pager of page numbers only: the link numbered one more than the current page (shown
    without a link, or with a 'current'/'on'/'active' class, or linking to this very page)."""
    here = canonical_url(base)
    for pager in root.iter("div", "p", "ul", "span", "td", "nav"):
        numbers: dict[int, str] = {}
        current = None
        for node in pager.iter():
            if not isinstance(node.tag, str) or node is pager:
                continue
            text = clean_line(node.text_content())
            if not text.isdigit() or len(text) > 4:
                continue
            number = int(text)
            href = (node.get("href") or "").strip() if node.tag == "a" else ""
            marked = _CURRENT_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}")
            if node.tag == "a" and href and not href.startswith(("javascript:", "#")):
                target = urljoin(base, href)
                numbers[number] = target
                if marked or canonical_url(target) == here:
                    current = number
            elif node.tag != "a" and (node.getparent() is pager or marked) and not any(
                    child.tag == "a" for child in node.iter() if isinstance(child.tag, str)):
                current = number
        if len(numbers) >= 2 and current is not None and current + 1 in numbers:
            return [numbers[current + 1]]
    return []


def query_page_next(root: html.HtmlElement, url: str) -> list[str]:
    """``?page=N`` style: page N+1, but only when this page links to it (on the last page the
    guess would be a 404 or an empty list)."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for name in _PAGE_PARAMS:
        if name in params and params[name].isdigit():
            params[name] = str(int(params[name]) + 1)
            guess = canonical_url(urlunsplit((parts.scheme, parts.netloc, parts.path,
                                              urlencode(params), "")))
            linked = {canonical_url(urljoin(url, a.get("href", ""))) for a in root.iter("a")
                      if a.get("href")}
            return [guess] if guess in linked else []
    return []
