"""The sample portal: five sites built from the seed documents, in two revisions.

Each site imitates the markup of one CMS family seen on real portals (``../shared/real-pages``), so
that the demo and the end-to-end tests exercise the generic crawler rather than a friendly
fixture:

=========  ====================  ===========================================================
site       family                what it exercises
=========  ====================  ===========================================================
wuxi-fgw   TRS (拓尔思)           ``createPageHTML()`` pager with no <a> to the next page;
                                 label/value cells, three pairs a row; traditional copy with
                                 converter debris in labels and chrome (seed 000)
changzhou  Hanweb (大汉)          GBK bytes, ``gb2312`` declared only in <meta>; rows in
                                 ``<datastore><record><![CDATA[…]]>``; 下一页 to
                                 ``?uid=…&pageNum=N``; ``<b>索  引  号:</b>VALUE`` in one cell;
                                 body between ContentStart/ContentEnd; an empty 文件编号
yixing     generic JSP           ``?page=N`` with numbered links and 下一页; ``<span>标签：</span>``
                                 list items; body in a container no CMS rule knows
kunshan    Ucap (开普云)          ``div.meta-data > dl > dd > label>font`` + ``div.display-block``;
                                 body in ``<ucapcontent>``; titles and bodies pasted from a
                                 traditional copy (seed 004) into a simplified portal
wxrb       founder e-paper       no metadata at all, only a 来源/日期 line; 版面 pages linked by
                                 下一版 (seed 001, the newspaper print of seed 000's plan)
=========  ====================  ===========================================================

The documents themselves (seeds split into sections, their metadata and attachments, and what
revision 1 changes) are ``monitor.demo.documents``; this module renders them as the five portals'
pages, and re-exports the names the rest of the code imports from here.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from monitor.demo.documents import (
    DEFAULT_SAMPLES,
    PROJECT_ROOT,
    REORDERED_SITE,
    REVISION_COUNT,
    SITES,
    SITES_BY_ID,
    RevisionChanges,
    SampleAttachment,
    SampleDocument,
    Site,
    check_revision,
    list_urls,
    pages_of,
    revision_changes,
    sample_documents,
    to_simplified,
    to_traditional,
)
from monitor.demo.server import Page, make_etag

TEMPLATES = PROJECT_ROOT / "templates" / "portal"

# What the page header's clock says, per revision: the portal is re-rendered a week later.
_CLOCK = (date(2021, 3, 15), date(2021, 3, 22))
# When each revision was generated (Last-Modified of the HTML pages).
_GENERATED = (datetime(2021, 3, 15, 8, 0, 0), datetime(2021, 3, 22, 8, 0, 0))
_WEEKDAYS = "一二三四五六日"

UTF8_HTML = "text/html; charset=UTF-8"
# Hanweb portals send no charset in the header; the page's <meta> says gb2312, the bytes are GBK.
BARE_HTML = "text/html"

# Footers name the site's sponsor (主办单位); on a newspaper it is not the article's publisher.
SPONSORS = {"wxrb": "无锡日报社"}


# ---------------------------------------------------------------------------------------------
# Rendering


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _render(template: str, context: dict[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def _chrome(site: Site, revision: int) -> dict[str, str]:
    """The page furniture every template shows, in the site's script. The clock and the visitor
    counter differ between revisions: noise a crawler must not report."""
    today = _CLOCK[revision]
    visitors = 1_823_441 + 9_317 * (SITES.index(site) + 1) + 65_113 * revision
    weekday = _WEEKDAYS[today.weekday()]
    words = {
        "today": f"今天是：{today.year}年{today.month}月{today.day}日 星期{weekday}",
        "home": "首页", "site_home": "网站首页", "position": "当前位置：", "search": "搜索",
        "font": "文字大小", "big": "大", "middle": "中", "small": "小", "views": "浏览次数：",
        "print": "打印本页", "close": "关闭窗口", "scan": "扫一扫在手机打开当前页",
        "published": "发布时间：", "source": "来源：", "top": "返回顶部",
        "copyright": f"版权所有：{site.name}",
        "sponsor": f"主办单位：{SPONSORS.get(site.id, site.name)}",
        "icp": "苏ICP备05012345号-1", "police": "苏公网安备 32020202000123号",
        "site_code": "网站标识码：3202000012", "visitors": f"您是本站第{visitors}位访客",
        "contact": "联系我们", "sitemap": "网站地图", "accessibility": "无障碍浏览",
        "column": site.column, "gov": "中国政府网", "province": "江苏省人民政府",
        "name": site.name, "xxgk": "政府信息公开", "zcwj": "政策文件",
    }
    if site.traditional:
        words = {k: to_traditional(v) for k, v in words.items()}
    if site.id == "wuxi-fgw":
        # The seed's traditional copy carries converter debris in the chrome too.
        words["views"] = "瀏覽次數(shù)："
    return words


def _html_page(text: str, encoding: str, content_type: str, revision: int) -> Page:
    body = text.encode(encoding)
    return Page(body, headers={"Content-Type": content_type}, etag=make_etag(body),
                last_modified=_GENERATED[revision])


def _attachment_page(attachment: SampleAttachment, published: date) -> Page:
    headers = {"Content-Type": attachment.content_type}
    if attachment.disposition:
        headers["Content-Disposition"] = attachment.disposition
    # Attachments don't change between revisions: a conditional re-fetch gets 304.
    return Page(attachment.body, headers=headers, etag=make_etag(attachment.body),
                last_modified=datetime(published.year, published.month, published.day, 2))


def _list_order(site: Site, docs: list[SampleDocument], revision: int) -> list[SampleDocument]:
    if site.family == "epaper":
        return sorted(docs, key=lambda d: d.number)  # a newspaper keeps its printed order
    ordered = sorted(docs, key=lambda d: (d.published, d.number), reverse=True)
    if site.id == REORDERED_SITE and revision >= 1:
        # The portal pins the main notice on top (置顶): the order changes, the content does not.
        ordered.sort(key=lambda d: d.number != 0)
    return ordered


def _short(title: str, limit: int = 18) -> str:
    """Lists cut long titles (the title attribute keeps them whole), as Hanweb lists do."""
    return title if len(title) <= limit else title[:limit] + "..."


def _row(doc: SampleDocument, href: str) -> dict[str, str]:
    return {"href": href, "title": doc.title, "short": _short(doc.title),
            "date": doc.published.isoformat()}


def start_path(site_id: str) -> str:
    return list_urls(SITES_BY_ID[site_id], 1)[0]


def _relative(from_path: str, to_path: str) -> str:
    """A link as CMS templates write them: relative within the page's folder (TRS writes
    ``./202102/t20210218_1.html``), root-relative elsewhere."""
    from_dir = from_path.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    if to_path.startswith(from_dir):
        return "./" + to_path[len(from_dir):]
    return to_path


def _detail_context(site: Site, doc: SampleDocument, chrome: dict[str, str],
                    column_path: str, list_path: str) -> dict[str, Any]:
    """``column_path``: the 栏目's first page (navigation, breadcrumb); ``list_path``: the list
    page that shows the document (the e-paper's 返回版面)."""
    attachments = [{"name": a.name, "href": _relative(doc.path, a.path),
                    "file": a.path.rsplit("=", 1)[-1].rsplit("/", 1)[-1]}
                   for a in doc.attachments]
    return {
        "site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                 "list_url": column_path, "home": f"/{site.id}/"},
        "chrome": chrome,
        "list_page": list_path,
        "doc": {
            "title": doc.title, "paragraphs": doc.paragraphs, "index_no": doc.index_no or "",
            "publisher": doc.publisher or "", "doc_no": doc.doc_no or "",
            "created": doc.created.isoformat(), "published": doc.published.isoformat(),
            "pubtime": f"{doc.published.isoformat()} {9 + doc.number % 8:02d}:"
                       f"{(17 * doc.number) % 60:02d}",
            "status": doc.status or "", "category": doc.category or "",
            "summary": doc.summary or "", "views": doc.views, "attachments": attachments,
            "number": doc.number, "path": doc.path,
            "page_no": 2 + doc.number // site.per_page,
        },
    }


def _render_site(site: Site, docs: list[SampleDocument], revision: int) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    chrome = _chrome(site, revision)
    encoding = "gbk" if site.id == "changzhou" else "utf-8"
    content_type = BARE_HTML if site.id == "changzhou" else UTF8_HTML
    ordered = _list_order(site, docs, revision)
    groups = pages_of(ordered, site.per_page)
    urls = list_urls(site, len(groups))
    list_of: dict[str, str] = {}
    for n, (group, path) in enumerate(zip(groups, urls, strict=True)):
        pager = {
            "current": n, "total": len(groups), "urls": urls, "records": len(ordered),
            "next": urls[n + 1] if n + 1 < len(groups) else None,
            "prev": urls[n - 1] if n > 0 else None, "last": urls[-1], "first": urls[0],
            "labels": [f"第{k + 2:02d}版：{site.column}" for k in range(len(groups))],
        }
        rows = [_row(doc, _relative(path, doc.path)) for doc in group]
        context = {"site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                            "list_url": urls[0], "home": f"/{site.id}/"},
                   "chrome": chrome, "rows": rows, "pager": pager, "path": path}
        pages[path] = _html_page(_render(site.list_template, context), encoding, content_type,
                                 revision)
        for doc in group:
            list_of[doc.path] = path
    if site.id == "changzhou":
        # Hanweb answers pageNum=1 too (the 上一页 link of page 2 points there).
        pages["/changzhou/col/col46/index.html?uid=3371&pageNum=1"] = pages[urls[0]]
    if site.id == "yixing":
        # A JSP list answers any page number; past the end it is an empty list.
        context = {"site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                            "list_url": urls[0], "home": f"/{site.id}/"},
                   "chrome": chrome, "rows": [], "path": urls[0],
                   "pager": {"current": len(groups), "total": len(groups), "urls": urls,
                             "records": len(ordered),
                             "next": None, "prev": urls[-1], "last": urls[-1],
                             "first": urls[0], "labels": []}}
        for n in range(1, len(groups) + 3):
            target = f"/yixing/zcwj/list.jsp?page={n}"
            if n == 1:
                pages[target] = pages[urls[0]]
            elif n > len(groups):
                pages[target] = _html_page(_render(site.list_template, context), encoding,
                                           content_type, revision)
    for doc in docs:
        template = site.detail_template
        if doc.simplified:
            template = "ucap_detail_redesign.html"
        doc_chrome = {k: to_simplified(v) for k, v in chrome.items()} if doc.simplified \
            else chrome
        context = _detail_context(site, doc, doc_chrome, urls[0], list_of[doc.path])
        pages[doc.path] = _html_page(_render(template, context), encoding, content_type,
                                     revision)
        for attachment in doc.attachments:
            pages[attachment.path] = _attachment_page(attachment, doc.published)
    return pages


def build_portal(samples_dir: Path, revision: int) -> dict[str, Page]:
    """Every page of the sample portal in ``revision`` (0: first crawl; 1: a week later),
    keyed by path and query. The same revision always renders the same bytes."""
    check_revision(revision)
    docs = sample_documents(samples_dir, revision)
    pages: dict[str, Page] = {}
    for site in SITES:
        pages.update(_render_site(site, [d for d in docs if d.site == site.id], revision))
    entries = [{"id": s.id, "name": s.name, "family": s.family, "url": start_path(s.id)}
               for s in SITES]
    pages["/"] = _html_page(_render("index.html", {"sites": entries}), "utf-8", UTF8_HTML,
                            revision)
    return pages


# ---------------------------------------------------------------------------------------------
# Configuration


def demo_sites(base_url: str) -> list[dict[str, Any]]:
    """Site definitions for the portal served at ``base_url``, in the configuration format of
    DESIGN.md (only what a user would write: the generic crawler must find the rest)."""
    base = base_url.rstrip("/")
    return [{
        "id": site.id,
        "name": site.name,
        "start_urls": [base + start_path(site.id)],
        "schedule": "0 7 * * *",
        "max_list_pages": 5,
        "download_delay": 0,
        # The demo's revision comes minutes after the baseline, so every document is rechecked
        # on every crawl; the default policy rechecks old documents weekly or monthly.
        "recheck": {"fresh_hours": 0, "recent_hours": 0, "old_hours": 0},
    } for site in SITES]


__all__ = [
    "DEFAULT_SAMPLES",
    "REVISION_COUNT",
    "SITES",
    "RevisionChanges",
    "SampleAttachment",
    "SampleDocument",
    "build_portal",
    "demo_sites",
    "revision_changes",
    "sample_documents",
    "start_path",
]
