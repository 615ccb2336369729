"""Local portals for the crawler tests, one per CMS family, written after the real markup in
``../shared/real-pages`` (not copied from it):

- TRS: static ``index.html``, ``index_1.html``… with the pager written by ``createPageHTML()``
  (no ``<a>`` to the next page), documents at ``…/202103/t20210301_1001.html``, UTF-8;
- Hanweb: GBK bytes with the charset only in ``<meta>``, rows as ``<record><![CDATA[…]]>`` in a
  ``<datastore>``, later groups only from ``/module/web/jpage/dataproxy.jsp`` by POST with the
  page's ``jpage({… ajaxParam …})`` parameters, as on the Nantong and Dingxi portals;
- Ucap: ``index.shtml``, ``index_2.shtml`` with 下一页/尾页 and numbered links, GBK with the
  charset only in the HTTP header (no ``<meta>``), documents at ``/202103/<hex>.shtml``;
- a JSP list paged by numbered ``list.jsp?page=N`` links only, documents at
  ``detail.jsp?id=N`` (one list link with a ``_t`` cache buster) and one undated row whose URL
  has no known shape.

Every page carries chrome that must not be taken for documents: a nav bar, a side bar of 热点
documents from another column (TRS URL shapes, with dates) and a footer whose 网站声明 link has a
document-shaped URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape

from monitor.demo.server import Page, make_etag

GENERATED = datetime(2021, 3, 20, 8, 0, 0)
SITE_NAME = "测试市人民政府"


@dataclass(frozen=True)
class Doc:
    path: str
    title: str
    date: str
    index_no: str
    paragraphs: tuple[str, ...]
    attachments: tuple[tuple[str, str], ...] = ()   # (name, path)
    list_href: str | None = None                    # how the list links it, if not ``path``

    @property
    def href(self) -> str:
        return self.list_href or self.path


@dataclass
class Portal:
    """Pages by path (PortalServer's format) and the documents the lists publish."""

    pages: dict[str, Page] = field(default_factory=dict)
    docs: dict[str, list[Doc]] = field(default_factory=dict)   # site id → documents
    start: dict[str, str] = field(default_factory=dict)        # site id → start path

    def add(self, other: Portal) -> Portal:
        self.pages.update(other.pages)
        self.docs.update(other.docs)
        self.start.update(other.start)
        return self


def page(body: bytes, content_type: str, *, status: int = 200,
         headers: dict[str, str] | None = None, methods: Iterable[str] = ("GET", "HEAD"),
         validators: bool = True) -> Page:
    return Page(body, status=status, headers={"Content-Type": content_type, **(headers or {})},
                etag=make_etag(body) if validators else None,
                last_modified=GENERATED if validators else None, methods=frozenset(methods))


def _paragraphs(n: int, topic: str) -> tuple[str, ...]:
    return (f"为贯彻落实{topic}有关工作部署，进一步优化营商环境，现就第{n}项重点任务通知如下。",
            f"一、工作目标。到2021年底，{topic}相关指标较上年提高{n}个百分点，"
            "形成一批可复制可推广的经验做法。",
            f"二、保障措施。各部门要加强组织领导，压实工作责任，确保第{n}项任务按期完成。")


def make_docs(prefix: str, count: int, *, shape: str, site: str) -> list[Doc]:
    """``count`` documents under ``prefix``, newest first; ``shape`` picks the URL family."""
    docs = []
    for n in range(count, 0, -1):
        day = n % 28 + 1
        number = 1000 + n
        if shape == "trs":
            path = f"{prefix}202103/t202103{day:02d}_{number}.html"
        elif shape == "hanweb":
            path = f"/art/2021/3/{day}/art_3371_{100000 + n}.html"
        elif shape == "ucap":
            path = f"{prefix}202103/{hashlib.md5(f'{site}{n}'.encode()).hexdigest()}.shtml"
        else:
            path = f"{prefix}detail.jsp?id={n}"
        title = f"{site}关于印发2021年第{n}批重点工作任务分解方案的通知"
        attachment = (f"附件{n}：任务分解表.pdf", f"{prefix}files/P0202103{number}.pdf")
        docs.append(Doc(path, title, f"2021-03-{day:02d}", f"01410942{n % 10}/2021-{number:05d}",
                        _paragraphs(n, site), (attachment,)))
    return docs


def detail_html(doc: Doc, *, meta_charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in doc.paragraphs)
    files = "".join(f'<p>附件：<a href="{escape(path)}">{escape(name)}</a></p>'
                    for name, path in doc.attachments)
    return f"""<!DOCTYPE html><html><head>{meta}<title>{escape(doc.title)}_{SITE_NAME}</title>
</head><body>{_header()}
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a>
&gt; 政策文件</div>
<div class="xxgk-table"><table>
<tr><td>索引号：</td><td>{doc.index_no}</td><td>发布机构：</td><td>{SITE_NAME}</td></tr>
<tr><td>生成日期：</td><td>{doc.date}</td><td>公开日期：</td><td>{doc.date}</td></tr>
<tr><td>效力状况：</td><td>有效</td><td>主题分类：</td><td>综合政务</td></tr>
</table></div>
<h1>{escape(doc.title)}</h1>
<div id="zoom" class="article-content">{body}{files}</div>
{_footer()}</body></html>"""


def _header() -> str:
    return """<div class="header"><div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/xxgk/">政务公开</a></li>
<li><a href="/col/col12/index.html">政策解读</a></li><li><a href="/hdjl/">互动交流</a></li>
</ul></div></div>"""


def _sidebar() -> str:
    # 热点 from another column, with TRS-shaped URLs and dates: documents, but not this column's.
    rows = "".join(
        f'<li><a href="/xwdt/202101/t202101{n:02d}_90{n:02d}.html">全市经济运行情况新闻'
        f'发布会第{n}场实录</a><span>2021-01-{n:02d}</span></li>' for n in range(1, 5))
    return f'<div class="side-hot"><h3>热点推荐</h3><ul>{rows}</ul></div>'


def _footer() -> str:
    return """<div class="footer"><a href="/art/2020/1/1/art_1_1.html">网站声明</a>
<a href="/wzdt/index.html">网站地图</a> <a href="/lxwm/">联系我们</a>
<p>主办单位：测试市人民政府办公室 版权所有 苏ICP备05000000号</p></div>"""


def _layout(title: str, main: str, *, meta: str = '<meta charset="utf-8">', head: str = "") -> str:
    return f"""<!DOCTYPE html><html><head>{meta}<title>{title}_{SITE_NAME}</title>{head}</head>
<body>{_header()}<div class="main">{main}</div>{_sidebar()}{_footer()}</body></html>"""


def _rows(docs: Iterable[Doc], *, short: bool = False, date_tag: str = "span") -> str:
    out = []
    for doc in docs:
        text = doc.title[:18] + "..." if short and len(doc.title) > 18 else doc.title
        out.append(f'<li><a href="{escape(doc.href)}" target="_blank" title="{escape(doc.title)}">'
                   f"{escape(text)}</a><{date_tag}>{doc.date}</{date_tag}></li>")
    return "".join(out)


def _detail_pages(docs: list[Doc], portal: Portal, *, charset: str, meta: bool,
                  content_type: str) -> None:
    for doc in docs:
        html = detail_html(doc, meta_charset="gb2312" if meta and charset == "gbk" else
                           (charset if meta else None))
        portal.pages[doc.path] = page(html.encode(charset), content_type)
        for name, path in doc.attachments:
            body = b"%PDF-1.4\n" + f"{name} {doc.index_no}".encode() + b"\n%%EOF\n"
            portal.pages[path] = page(body, "application/pdf")


def trs_portal(count: int = 11, per_page: int = 4) -> Portal:
    site, prefix = "trs", "/trs/zcwj/"
    docs = make_docs(prefix, count, shape="trs", site="拓尔思")
    # A list link with a cache buster: one document, one canonical URL.
    docs[1] = replace(docs[1], list_href=docs[1].path + "?_t=1611712345678")
    portal = Portal(docs={site: docs}, start={site: prefix + "index.html"})
    total = (count + per_page - 1) // per_page
    script = """<script>function createPageHTML(c, i, n, e){ /* writes the pager */ }</script>"""
    for index in range(total):
        chunk = docs[index * per_page:(index + 1) * per_page]
        main = (f'<ul class="list">{_rows(chunk)}</ul><div class="page"><script>'
                f'createPageHTML({total}, {index}, "index", "html");</script></div>')
        name = "index.html" if index == 0 else f"index_{index}.html"
        portal.pages[prefix + name] = page(_layout("政策文件", main, head=script).encode(),
                                           "text/html; charset=UTF-8")
    _detail_pages(docs, portal, charset="utf-8", meta=True, content_type="text/html; charset=UTF-8")
    return portal


HANWEB_SCRIPT = """<script language="javascript">$(function(){{$('#3372').jpage({{themeName:
'default',showMode:'full',totalRecord:{total},openCookies:false,dataBefore:'<ul>',dataStore:
null,dataAfter:'</ul>',groupSize:{group_size},proxyUrl:'/module/web/jpage/dataproxy.jsp',
perPage:{per_page},barPosition:'bottom',ajaxParam:{{col:1,appid:'1',webid:46,path:'/',
columnid:3371,sourceContentType:1,unitid:'3372',webname:'{name}',permissiontype:0}}}});}});
</script>"""
HANWEB_FORM = {"col": "1", "appid": "1", "webid": "46", "path": "/", "columnid": "3371",
               "sourceContentType": "1", "unitid": "3372", "webname": SITE_NAME,
               "permissiontype": "0"}


def _records(docs: Iterable[Doc]) -> str:
    return "".join(f"<record><![CDATA[\n{_rows([doc], short=True, date_tag='b')}]]></record>\n"
                   for doc in docs)


def hanweb_portal(count: int = 14, per_page: int = 3, group_size: int = 2) -> Portal:
    site, start = "hanweb", "/col/col3371/index.html"
    docs = make_docs("/hanweb/", count, shape="hanweb", site="大汉")
    portal = Portal(docs={site: docs}, start={site: start})
    group = per_page * group_size
    nextgroup = ('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=46'
                 '&path=/&columnid=3371&unitid=3372&permissiontype=0"></a>]]></nextgroup>')
    main = (f'<div class="bt-list-title">政策文件</div><div id="3372"><script type="text/xml">'
            f"<datastore>{nextgroup}<recordset>{_records(docs[:group])}</recordset></datastore>"
            "</script>" + HANWEB_SCRIPT.format(total=count, group_size=group_size,
                                              per_page=per_page, name=SITE_NAME) + "</div>")
    portal.pages[start] = page(_layout("政策文件", main, meta='<meta charset="gb2312">')
                               .encode("gbk"), "text/html")
    for first in range(group, count, group):
        chunk = docs[first:first + group]
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{count}'
               f"</totalrecord><recordset>{_records(chunk)}</recordset></datastore>")
        query = f"startrecord={first + 1}&endrecord={first + group}&perpage={per_page}"
        portal.pages[f"/module/web/jpage/dataproxy.jsp?{query}"] = page(
            xml.encode("utf-8"), "text/xml", methods=("POST",), validators=False)
    _detail_pages(docs, portal, charset="gbk", meta=True, content_type="text/html")
    return portal


def ucap_portal(count: int = 10, per_page: int = 4) -> Portal:
    site, prefix = "ucap", "/ucap/zfxxgk/"
    docs = make_docs(prefix, count, shape="ucap", site="开普云")
    portal = Portal(docs={site: docs}, start={site: prefix + "index.shtml"})
    total = (count + per_page - 1) // per_page
    urls = [prefix + ("index.shtml" if i == 0 else f"index_{i + 1}.shtml") for i in range(total)]
    for index in range(total):
        chunk = docs[index * per_page:(index + 1) * per_page]
        numbers = "".join(f'<a class="{"current" if i == index else ""}" href="{u}">{i + 1}</a>'
                          for i, u in enumerate(urls))
        following = urls[min(index + 1, total - 1)]  # the last page's 下一页 is itself
        pager = (f'<div class="pagination"><a href="{urls[0]}">首页</a>'
                 f'<a href="{urls[max(index - 1, 0)]}">上一页</a>{numbers}'
                 f'<a href="{following}">下一页</a><a href="{urls[-1]}">尾页</a></div>')
        main = f'<ul class="common_newslist">{_rows(chunk)}</ul>{pager}'
        # GBK, and only the HTTP header says so: no <meta> charset in the page.
        portal.pages[urls[index]] = page(_layout("法定主动公开内容", main, meta="").encode("gbk"),
                                         "text/html; charset=GBK")
    _detail_pages(docs, portal, charset="gbk", meta=False, content_type="text/html; charset=GBK")
    return portal


def jsp_portal(count: int = 9, per_page: int = 4) -> Portal:
    site, prefix = "jsp", "/jsp/"
    docs = make_docs(prefix, count, shape="jsp", site="通用")
    docs[2] = replace(docs[2], list_href=docs[2].path + "&_t=1611712345678")
    # A row with no date and a URL of no known shape, among dated rows of the same list.
    undated = prefix + "wj/special-notice.html"
    docs.insert(3, Doc(undated, "通用关于做好年度重点工作的补充通知", "2021-03-15",
                       "014109420/2021-09999", _paragraphs(99, "通用")))
    portal = Portal(docs={site: docs}, start={site: prefix + "list.jsp"})
    total = (len(docs) + per_page - 1) // per_page
    for index in range(total):
        chunk = docs[index * per_page:(index + 1) * per_page]
        numbers = "".join(f'<span class="current">{i + 1}</span>' if i == index else
                          f'<a href="list.jsp?page={i + 1}">{i + 1}</a>' for i in range(total))
        rows = "".join(
            f'<li><a href="{escape(d.href.removeprefix(prefix))}">{escape(d.title)}</a>'
            + (f"<span>{d.date}</span>" if d.path != undated else "") + "</li>" for d in chunk)
        main = f'<ul class="doc-list">{rows}</ul><div class="pages">共{total}页 {numbers}</div>'
        body = _layout("市政府文件", main).encode()
        portal.pages[f"{prefix}list.jsp?page={index + 1}"] = page(body, "text/html;charset=utf-8")
        if index == 0:
            portal.pages[prefix + "list.jsp"] = page(body, "text/html;charset=utf-8")
    _detail_pages(docs, portal, charset="utf-8", meta=True, content_type="text/html; charset=utf-8")
    return portal


def families() -> Portal:
    return trs_portal().add(hanweb_portal()).add(ucap_portal()).add(jsp_portal())


def site_config(portal: Portal, base_url: str, site: str, **extra: object) -> dict[str, object]:
    return {"id": site, "start_urls": [base_url + portal.start[site]], "download_delay": 0,
            **extra}
