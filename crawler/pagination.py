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
- Everything else: a 下一页 / 下页 / 下一版 link (also written ``[下一页]`` or ``【下一页】``, as an
  image's alt text, or as a button whose onclick sets ``location.href``); numbered page links
  (1 2 [3] 4 …, the current one marked ``active``/``on``/``current`` even when it wraps a
  ``javascript:`` link, as Bootstrap pagers do); a ``<select>`` of pages; a 尾页 link with the page
  count (``共56页 … <a href=index_55.html>尾页</a>``); a ``?page=N`` query, followed only when the
  page links to N+1 (past the last page such JSPs answer an empty list or a 404).

A pager that shows 下一页 but leads nowhere govwatch can read (``javascript:goPage(2)``, a form
post) is reported (``pager_warning``), never taken for the column's last page in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import html

from crawler.extraction.text import clean_line
from crawler.urls import canonical_url, host_of, page_key

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
_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_DIV_ID = re.compile(r"<div\b[^>]*?\bid\s*=\s*['\"]?([\w-]+)", re.I)
_JPAGE_TARGET = re.compile(r"\$\(\s*['\"]#([\w-]+)['\"]\s*\)\s*\.jpage\(")
_HANWEB_COLUMN = re.compile(r"/col/col(\d+)/")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w-]+)[\"']")
_PAGE_PARAMS = ("page", "pageNo", "pageno", "pageIndex", "pn", "p", "currentPage", "pageNum",
                "curPage")
_PAGER_WORD = re.compile(
    r"^\s*(?:上一页|上一頁|上页|下一页|下一頁|下页|尾页|尾頁|末页|前页|后页|最后一页)\s*$")
_LAST_TEXT = re.compile(r"^\s*(?:尾页|尾頁|末页|末頁|最后一页|最后一頁|last(?:\s*page)?)\s*$", re.I)
# Brackets templates put around pager words: [下一页] (TRS, county sites), 【下一页】, 〔下一页〕.
_PAGER_BRACKETS = str.maketrans("", "", "[]【】〔〕")
# Where a script sends the browser: onclick="location.href='index_1.html'", window.open('…'),
# href="javascript:window.location='…'" (buttons, rows and pagers of many portal templates).
_JS_GOTO = re.compile(
    r"(?:window\.open|location\.(?:assign|replace))\s*\(\s*(['\"])(?P<call>[^'\"]+)\1"
    r"|(?:\b(?:window|document|self|top|parent)\.)?\blocation(?:\.href)?\s*=\s*(['\"])"
    r"(?P<set>[^'\"]+)\3")
# Script links that do nothing: a disabled pager button, a slider's arrows.
_JS_NOTHING = re.compile(r"^\s*(?:javascript\s*:\s*)?(?:void\s*\(?\s*0\s*\)?|;|"
                         r"return\s+false|false|undefined)?\s*;?\s*$", re.I)
_PAGE_OF = re.compile(r"共\s*(\d+)\s*页")
_PAGE_NOW = re.compile(r"(?:当前|当前页|第)\s*[:：]?\s*(?:第\s*)?(\d+)\s*(?:/\s*\d+\s*)?页")
_OPTION_PAGE = re.compile(r"^\s*(?:第\s*)?(\d{1,4})\s*(?:页)?\s*$")
_DISABLED = re.compile(r"(?:^|[\s_-])(?:disabled?|disable|gray|grey|nolink|unable)(?:$|[\s_-])",
                       re.I)
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


@dataclass(frozen=True)
class Datastore:
    """One Hanweb ``<datastore>`` (a unit's rows) and the id of the ``<div>`` holding it, which
    is the id its ``$('#id').jpage({...})`` call names."""

    unit: str | None
    text: str


def datastores(source: str) -> list[Datastore]:
    found = []
    for m in _DATASTORE.finditer(source):
        ids = _DIV_ID.findall(source, max(0, m.start() - 2000), m.start())
        found.append(Datastore(ids[-1] if ids else None, m.group(1)))
    return found


def column_datastore(source: str, url: str) -> tuple[Datastore | None, bool]:
    """The datastore of the column's own unit, and whether the page had others to choose from.

    A Hanweb 栏目 page may carry more than one unit (a 热点/最新 unit of other columns beside the
    column's list): the column is the unit its jpage call pages, else the one whose rows are the
    column's own (``/col/col3371/`` lists ``art_3371_…``), else the first."""
    stores = datastores(source)
    if len(stores) <= 1:
        return (stores[0] if stores else None), False
    by_unit = {store.unit: store for store in stores if store.unit}
    for target in _JPAGE_TARGET.findall(source):
        if target in by_unit:
            return by_unit[target], True
    column = _HANWEB_COLUMN.search(urlsplit(url).path)
    if column:
        own = f"art_{column.group(1)}_"
        for store in stores:
            if own in store.text:
                return store, True
    return stores[0], True


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


def _jpage_call(source: str, unit: str | None) -> str | None:
    """The configuration object of the page's jpage call (of ``unit``'s, when given)."""
    if unit is None:
        call = _JPAGE_CALL.search(source)
    else:
        call = re.search(r"\$\(\s*['\"]#" + re.escape(unit) + r"['\"]\s*\)\s*"
                         + _JPAGE_CALL.pattern, source, re.S)
    return call.group(1) if call else None


def _ajax_params(source: str, config: str, unit: str | None) -> list[str]:
    """The jpage form's objects: the call's own ajaxParam, else the unit's ``param_<unitid>``,
    else (one unit on the page) every such object."""
    own = [m.group(1) for m in _AJAX_PARAM.finditer(config)]
    if not own and unit is not None:
        own = re.findall(r"\bvar\s+param_" + re.escape(unit) + r"\s*=\s*\{([^}]*)\}", source)
    return own or [m.group(1) for m in _AJAX_PARAM.finditer(source)]


def jpage_of(source: str, url: str, records: int, *, unit: str | None = None,
             store: str | None = None) -> tuple[JPage | None, str | None]:
    """Read a Hanweb column's jpage parameters from its page: the ``jpage({...})`` call (or a
    ``param_<unitid>`` object) and the ``<nextgroup>`` link. Returns the JPage (None when the
    page has no jpage call) and the nextgroup link (absolute), if any. ``unit`` and ``store``:
    the column's unit and datastore, on a page with several (``column_datastore``)."""
    group_link = None
    m = _NEXTGROUP.search(store if store is not None else source)
    if m:
        href = _HREF.search(m.group(1))
        if href:
            group_link = urljoin(url, href.group(1).replace("&amp;", "&"))
    config = _jpage_call(source, unit)
    if config is None:
        return None, group_link
    form: dict[str, str] = {}
    if group_link:
        form.update((k, v) for k, v in parse_qsl(urlsplit(group_link).query) if k != "page")
    for found in _ajax_params(source, config, unit):
        form.update(_js_object(found))
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


def pager_text(text: str) -> str:
    """A pager control's words as matched: brackets ([下一页], 【下一页】) and spacing gone."""
    return clean_line(text).translate(_PAGER_BRACKETS).strip()


def _label(element: html.HtmlElement) -> str:
    """What a pager control says: its text, an image's alt or title (``<a><img alt="下一页">``),
    a button's value."""
    text = pager_text(element.text_content()) if element.tag != "input" else ""
    if not text and element.tag == "input":
        text = pager_text(element.get("value") or element.get("alt") or "")
    if not text:
        for image in element.iter("img"):
            text = pager_text(image.get("alt") or image.get("title") or "")
            if text:
                break
    return text


def script_target(code: str) -> str | None:
    """The URL a script sends the browser to (``location.href='…'``, ``window.open('…')``)."""
    m = _JS_GOTO.search(code)
    if m is None:
        return None
    target: str = m.group("call") or m.group("set")
    return target


def _script_code(element: html.HtmlElement) -> str:
    href = (element.get("href") or "").strip()
    code = href[len("javascript:"):] if href.lower().startswith("javascript:") else ""
    return f"{code};{element.get('onclick') or ''}".strip("; ")


def control_target(element: html.HtmlElement, base: str) -> str | None:
    """Where a link or button leads: its href, else the URL its script goes to. Absolute."""
    href: str = (element.get("href") or "").strip() if element.tag == "a" else ""
    if href and not href.lower().startswith(("javascript:", "#")):
        return urljoin(base, href)
    target = script_target(_script_code(element))
    return urljoin(base, target) if target else None


def _controls(root: html.HtmlElement) -> list[html.HtmlElement]:
    return [e for e in root.iter("a", "input", "button")
            if e.tag != "input" or (e.get("type") or "").lower() in ("button", "submit", "image")]


def next_links(root: html.HtmlElement, base: str, selector: str | None = None) -> list[str]:
    """下一页-style links and buttons (or the configured ``next_page_selector``'s), absolute."""
    if selector:
        chosen = (control_target(e, base) for e in root.cssselect(selector))
        return [url for url in chosen if url]
    found = []
    for control in _controls(root):
        if NEXT_TEXT.match(_label(control)) or NEXT_TEXT.match(
                pager_text(control.get("title") or "")):
            target = control_target(control, base)
            if target:
                found.append(target)
    return found


def same_column(target: str, url: str) -> bool:
    """Is ``target`` a page of the column at ``url``: the same host (``www.`` aside) and folder?
    A pager's links stay in its column; a slider's or a side bar's 下一页 does not."""
    if host_of(target).removeprefix("www.") != host_of(url).removeprefix("www."):
        return False
    return urlsplit(target).path.rsplit("/", 1)[0] == urlsplit(url).path.rsplit("/", 1)[0]


def has_static_pager(root: html.HtmlElement, url: str) -> bool:
    """Does the server-side HTML carry a pager of its own (上一页, 下一页 or 尾页 leading to
    another page of this column)? Hanweb's jpage pager is written by jpage.js, so a page with
    one pages statically. A picture slider's ``javascript:void(0)`` 下一页 is no pager."""
    for control in _controls(root):
        if not _PAGER_WORD.match(_label(control)):
            continue
        target = control_target(control, url)
        if target and same_column(target, url) and page_key(target) != page_key(url):
            return True
    return False


def _marked(node: html.HtmlElement) -> bool:
    return bool(_CURRENT_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"))


def _followable(node: html.HtmlElement, base: str) -> bool:
    return any(control_target(a, base) for a in node.iter("a"))


def numbered_next(root: html.HtmlElement, base: str) -> list[str]:
    """A pager of page numbers only: the link numbered one more than the current page (shown
    without a link, or with a 'current'/'on'/'active' class — on the number or on the ``<li>``
    around its ``javascript:`` link — or linking to this very page, ``index.html`` being the
    folder's ``/``)."""
    here = page_key(base)
    for pager in root.iter("div", "p", "ul", "span", "td", "nav"):
        numbers: dict[int, str] = {}
        current = None
        for node in pager.iter():
            if not isinstance(node.tag, str) or node is pager:
                continue
            text = pager_text(node.text_content())
            if not text.isdigit() or len(text) > 4:
                continue
            number = int(text)
            target = control_target(node, base) if node.tag == "a" else None
            if target is not None:
                numbers[number] = target
                if _marked(node) or page_key(target) == here:
                    current = number
            elif node.tag != "a" and (node.getparent() is pager or _marked(node)) \
                    and not _followable(node, base):
                current = number
        if len(numbers) >= 2 and current is not None and current + 1 in numbers:
            return [numbers[current + 1]]
    return []


def select_next(root: html.HtmlElement, base: str) -> list[str]:
    """A ``<select>`` of pages (转到 [1 ▾], its options' values the pages' URLs): the option after
    the current one (``selected``, or the one whose URL is this page)."""
    here = page_key(base)
    for select in root.iter("select"):
        options = [(o, (o.get("value") or "").strip()) for o in select.iter("option")]
        pages = [(o, urljoin(base, v)) for o, v in options
                 if v and _OPTION_PAGE.match(clean_line(o.text_content()))
                 and not v.lower().startswith("javascript:")]
        if len(pages) < 2 or not all(same_column(u, base) for _, u in pages):
            continue
        for n, (option, target) in enumerate(pages[:-1]):
            if option.get("selected") is not None or page_key(target) == here:
                return [pages[n + 1][1]]
    return []


def last_page_next(root: html.HtmlElement, url: str) -> list[str]:
    """A pager that links only its last page (``共56页 … <a href=index_55.html>尾页</a>``):
    the next page is named like it, one on from this page (``index.html`` is page 0)."""
    for control in _controls(root):
        if not _LAST_TEXT.match(_label(control)):
            continue
        last = control_target(control, url)
        if last is None or not same_column(last, url):
            continue
        following = _static_following(last, url) or _query_following(last, url)
        if following:
            return [following]
    return []


def _static_following(last: str, url: str) -> str | None:
    """``index_55.html`` is the last page: from ``index.html`` (or the folder) on to
    ``index_1.html``, from ``index_3.html`` to ``index_4.html``."""
    named = _STATIC_PAGE.search(urlsplit(last).path)
    if not named or not named.group(2) or urlsplit(last).query:
        return None
    stem, final, ext = named.group(1), int(named.group(2)), named.group(3)
    here = _STATIC_PAGE.search(urlsplit(url).path)
    if here and here.group(1) == stem and here.group(3).lower() == ext.lower():
        current = int(here.group(2) or 0)
    elif urlsplit(url).path.endswith("/") or (here and here.group(1) in ("index", "default")):
        current = 0
    else:
        return None
    return urljoin(url, f"{stem}_{current + 1}.{ext}") if current < final else None


def _query_following(last: str, url: str) -> str | None:
    """``list.jsp?page=56`` is the last page: this page's number (1 when the URL has none) + 1."""
    final = dict(parse_qsl(urlsplit(last).query))
    params = dict(parse_qsl(urlsplit(url).query))
    for name in _PAGE_PARAMS:
        if name in final and final[name].isdigit():
            current = int(params[name]) if params.get(name, "").isdigit() else 1
            if current >= int(final[name]):
                return None
            params.update({k: v for k, v in final.items() if k not in params})
            params[name] = str(current + 1)
            parts = urlsplit(last)
            return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
    return None


def _visible_text(root: html.HtmlElement) -> str:
    parts = []
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style") and node.text:
            parts.append(node.text)
        if node.tail and node is not root:
            parts.append(node.tail)
    return clean_line(" ".join(parts))


def pager_warning(root: html.HtmlElement, url: str) -> str | None:
    """For a page whose next page was not found: does its pager say there is one? A 下一页 that
    runs a script govwatch cannot read (``javascript:goPage(2)``, a form submit), or
    ``共5页 当前第2页``. None when nothing says the column goes on."""
    for control in _controls(root):
        if not NEXT_TEXT.match(_label(control)) or control.get("disabled") is not None \
                or _DISABLED.search(control.get("class", "")):
            continue
        code = _script_code(control)
        if code and not _JS_NOTHING.match(code) and control_target(control, url) is None:
            return f"pager not understood: {_label(control)} runs {code[:80]!r}"
    text = _visible_text(root)
    total, now = _PAGE_OF.search(text), _PAGE_NOW.search(text)
    if total and now and int(now.group(1)) < int(total.group(1)):
        return (f"pager says page {now.group(1)} of {total.group(1)} but has no next page "
                "govwatch can follow")
    return None


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
            linked = {page_key(target) for target in (control_target(a, url)
                                                      for a in root.iter("a")) if target}
            return [guess] if page_key(guess) in linked else []
    return []
