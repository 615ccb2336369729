"""Discovery on list pages: document links told from chrome, and where each family's list
continues. Real portal pages (``../shared/real-pages``) are read when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.discovery import discover
from crawler.pagination import JPage, jpage_first, jpage_next, trs_next

HOST = "www.example.gov.cn"
BASE = f"http://{HOST}"


def page(body: str, head: str = "") -> str:
    return f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def rows(*items: tuple[str, str, str]) -> str:
    return "".join(f'<li><a href="{href}">{title}</a><span>{date}</span></li>'
                   for href, title, date in items)


DOCS = rows(("/zcwj/202103/t20210301_1.html", "关于印发第一批重点工作的通知", "2021-03-01"),
            ("/zcwj/202103/t20210302_2.html", "关于印发第二批重点工作的通知", "2021-03-02"),
            ("/zcwj/202103/t20210303_3.html", "关于印发第三批重点工作的通知", "2021-03-03"))


# ------------------------------------------------------------------------------ real pages


def test_real_hanweb_datastore_fragment(real_pages: Path) -> None:
    source = (real_pages / "dingxi_hanweb_list_jpage_datastore_FRAGMENT.html").read_text()
    listing = discover(source, "https://www.dingxi.gov.cn/col/col12377/index.html",
                       domains=["www.dingxi.gov.cn"])
    assert listing.family == "hanweb" and len(listing.links) == 9
    first, second = listing.links[:2]
    assert (first.url, first.date) == (
        "https://www.dingxi.gov.cn/art/2022/1/20/art_12377_1486865.html", "2022-01-20")
    # Anchor text is cut with "..."; the title attribute has the whole title.
    assert second.title == ("定西市工信局关于对省级第二轮环保督察反馈第四项第十三项问题整改"
                            "完成情况的公示")
    # No jpage() call in the fragment: the nextgroup link, fetched with GET.
    (following,) = listing.next
    assert following.method == "GET" and "/module/web/jpage/dataproxy.jsp" in following.url
    assert "columnid=12377" in following.url and "unitid=38486" in following.url


def test_real_trs_countpage_pager(real_pages: Path) -> None:
    source = (real_pages / "handan_trs_list_table_countPage_JSPWRAPPED.html").read_text()
    url = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"
    listing = discover(source, url, domains=["hdzfxxgk.hd.gov.cn"])
    assert listing.family == "trs" and listing.total_pages == 56
    assert [link.url for link in listing.links] == [
        "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html"]
    assert listing.next_pages == ("http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_1.html",)
    last = discover(source, url.replace("index.html", "index_55.html"),
                    domains=["hdzfxxgk.hd.gov.cn"])
    assert last.next == ()


def test_real_js_shell_list_is_reported(real_pages: Path) -> None:
    source = (real_pages / "pingtan_trs_list_js_shell_EXCERPT.html").read_text()
    listing = discover(source, "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/",
                       domains=["www.pingtan.gov.cn"])
    assert listing.links == () and listing.scripted and listing.next == ()


# -------------------------------------------------------------------------------------- TRS


@pytest.mark.parametrize(("call", "url", "expected"), [
    ('createPageHTML(3, 0, "index", "html");', "/zcwj/index.html", "/zcwj/index_1.html"),
    ('createPageHTML(3, 1, "index", "html");', "/zcwj/index_1.html", "/zcwj/index_2.html"),
    ('createPageHTML(3, 2, "index", "html");', "/zcwj/index_2.html", None),
    ("createPageHTML('page_div',5, 1,'fjdt','shtml',85);", "/xw/fjdt.shtml", "/xw/fjdt_1.shtml"),
    ("createPageHTML('page_div',5, 5,'fjdt','shtml',85);", "/xw/fjdt_4.shtml", None),
    ("var countPage = 4;var currentPage = 0;", "/zcwj/", "/zcwj/index_1.html"),
    ("var countPage = 4//共多少页\nvar currentPage = 1;", "/zcwj/index_1.shtml",
     "/zcwj/index_2.shtml"),
], ids=["first", "middle", "last", "six-args", "six-args-last", "countPage", "countPage-shtml"])
def test_trs_pager(call: str, url: str, expected: str | None) -> None:
    source = page(f'<ul>{DOCS}</ul><div class="page"><script>{call}</script></div>')
    following, total = trs_next(source, BASE + url)
    assert total is not None
    assert (following.url if following else None) == (BASE + expected if expected else None)


# ----------------------------------------------------------------------------------- Hanweb


def hanweb(records: int, script: str, nextgroup: bool = True) -> str:
    recs = "".join(f"<record><![CDATA[<li><a href='/art/2021/3/1/art_12_{n}.html' "
                   f"title='第{n}号通知全文标题'>第{n}号通知...</a><b>2021-03-01</b></li>]]></record>"
                   for n in range(records))
    group = ('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=2'
             '&path=/&columnid=12&unitid=34&permissiontype=0"></a>]]></nextgroup>'
             if nextgroup else "")
    return page(f'<div id="34"><script type="text/xml"><datastore>{group}<recordset>{recs}'
                f"</recordset></datastore></script><script>{script}</script></div>")


NANTONG = ("$(function(){$('#34').jpage({themeName:'default',showMode:'full',totalRecord:100,"
           "openCookies:false,dataBefore:'',dataStore:InitData34,dataAfter:'',groupSize:3,"
           "proxyUrl:'/module/jslib/jquery/jpage/dataproxy.jsp',perPage:15,barPosition:'bottom',"
           "ajaxParam:{col:1,appid:'1',webid:60,path:'/',columnid:12,unitid:'34',"
           "webname:'南通市政府',permissiontype:0}});});")


def test_hanweb_jpage_call_gives_the_proxy_post() -> None:
    listing = discover(hanweb(45, NANTONG), BASE + "/col/col12/index.html", domains=[HOST])
    assert listing.family == "hanweb" and len(listing.links) == 45
    (following,) = listing.next
    assert following.method == "POST"
    assert following.url == (BASE + "/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=46"
                                     "&endrecord=90&perpage=15")
    form = dict(following.form)
    assert form["columnid"] == "12" and form["unitid"] == "34" and form["webid"] == "60"
    assert form["webname"] == "南通市政府" and form["sourceContentType"] == "1"
    assert listing.next_pages == ()  # next_pages lists GET pages only


def test_hanweb_param_object_and_nextgroup_fill_the_form() -> None:
    script = "var param_34={columnid:12,unitid:'34'}; $('#34').jpage({totalRecord:50,perPage:10});"
    listing = discover(hanweb(30, script), BASE + "/col/col12/index.html", domains=[HOST])
    (following,) = listing.next
    assert following.url.endswith("/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=60"
                                  "&perpage=10")
    assert dict(following.form)["webid"] == "2"  # from the nextgroup link
    assert "page" not in dict(following.form)


def test_hanweb_proxy_responses_continue_until_the_total() -> None:
    jpage = JPage(BASE + "/module/web/jpage/dataproxy.jsp", (("columnid", "12"),), 15, 45, None)
    first = jpage_first(jpage, 45)
    assert first is not None and first.start == 46
    xml = ('<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>100</totalrecord>'
           + hanweb(45, "").split("<datastore>")[1])
    listing = discover(xml, first.url, domains=[HOST], after=first)
    (second,) = listing.next
    assert second.start == 91 and second.jpage is not None and second.jpage.total == 100
    assert jpage_next(xml, second, 10) is None  # 101 > 100
    # Without a total, a short group is the last one.
    assert jpage_next("<datastore/>", first, 44) is None


def test_hanweb_with_a_static_pager_follows_it_not_the_nextgroup() -> None:
    source = hanweb(5, "") + ('<div class="pg"><span>上一页</span><a href="?pageNum=2">下一页</a>'
                              "</div>")
    listing = discover(source, BASE + "/col/col12/index.html?uid=34&pageNum=1", domains=[HOST])
    assert listing.next_pages == (BASE + "/col/col12/index.html?pageNum=2",)
    last = hanweb(5, "") + ('<div class="pg"><a href="?pageNum=1">上一页</a><span>下一页</span>'
                            "</div>")
    assert discover(last, BASE + "/col/col12/index.html?pageNum=2", domains=[HOST]).next == ()


# ------------------------------------------------------------------------- other pagers


@pytest.mark.parametrize("text", ["下一页", "下页", "下一頁", "&gt;", "下一页&gt;&gt;", "下一版"])
def test_next_link_texts(text: str) -> None:
    listing = discover(page(f'<ul>{DOCS}</ul><a href="list_2.html">{text}</a>'),
                       BASE + "/zcwj/list.html", domains=[HOST])
    assert listing.next_pages == (BASE + "/zcwj/list_2.html",)


def test_numbered_pager_without_next_link() -> None:
    pager = ('<div class="pages"><a href="list.jsp?page=1">1</a><span class="cur">2</span>'
             '<a href="list.jsp?page=3">3</a></div>')
    listing = discover(page(f"<ul>{DOCS}</ul>{pager}"), BASE + "/list.jsp?page=2",
                       domains=[HOST])
    assert listing.next_pages == (BASE + "/list.jsp?page=3",)
    last = ('<div class="pages"><a href="list.jsp?page=1">1</a><a href="list.jsp?page=2">2</a>'
            '<span class="cur">3</span></div>')
    assert discover(page(f"<ul>{DOCS}</ul>{last}"), BASE + "/list.jsp?page=3",
                    domains=[HOST]).next == ()


def test_query_page_is_followed_only_when_linked() -> None:
    linked = page(f'<ul>{DOCS}</ul><a href="list.do?page=3">3</a>')
    assert discover(linked, BASE + "/list.do?page=2", domains=[HOST]).next_pages == (
        BASE + "/list.do?page=3",)
    unlinked = page(f'<ul>{DOCS}</ul><a href="list.do?page=1">1</a>')
    assert discover(unlinked, BASE + "/list.do?page=2", domains=[HOST]).next == ()


def test_next_page_selector_override() -> None:
    source = page(f'<ul>{DOCS}</ul><a class="np" href="p2.html">→</a><a href="x.html">下一页</a>')
    listing = discover(source, BASE + "/zcwj/p1.html", domains=[HOST], next_page_selector="a.np")
    assert listing.next_pages == (BASE + "/zcwj/p2.html",)


# ---------------------------------------------------------------------------- documents


def test_chrome_links_are_not_documents() -> None:
    side = rows(("/xwdt/202101/t20210101_9.html", "全市经济运行新闻发布会实录", "2021-01-01"))
    body = (f'<div class="nav"><a href="/col/col1/index.html">政策文件</a>'
            f'<a href="/xxgk/index.html">信息公开目录</a></div><div class="list"><ul>{DOCS}</ul>'
            f'</div><div class="right-side hot"><ul>{side}</ul></div><div class="footer">'
            f'<a href="/art/2020/1/1/art_1_1.html">网站声明</a></div>')
    listing = discover(page(body), BASE + "/zcwj/index.html", domains=[HOST])
    assert [link.url.rsplit("/", 1)[1] for link in listing.links] == [
        "t20210301_1.html", "t20210302_2.html", "t20210303_3.html"]


def test_a_list_inside_an_odd_container_is_still_read() -> None:
    # A list whose container's class happens to look like chrome ("top-list") is the only list.
    listing = discover(page(f'<div class="top-list"><ul>{DOCS}</ul></div>'),
                       BASE + "/zcwj/index.html", domains=[HOST])
    assert len(listing.links) == 3


def test_rows_of_a_list_of_documents_are_documents() -> None:
    odd = '<li><a href="/zcwj/special/notice-a.html">关于年度重点工作的补充通知</a></li>'
    nav = '<li><a href="/zcwj/">更多</a></li>'
    listing = discover(page(f"<ul>{DOCS}{odd}{nav}</ul>"), BASE + "/zcwj/index.html",
                       domains=[HOST])
    assert [link.title for link in listing.links][-1] == "关于年度重点工作的补充通知"
    assert len(listing.links) == 4


def test_cache_busters_and_sessions_give_one_url() -> None:
    title = "关于印发第一批重点工作的通知"
    dup = rows(("/zcwj/202103/t20210301_1.html?_t=1611712345678", title, "2021-03-01"),
               ("/zcwj/202103/t20210301_1.html;jsessionid=ABC123#top", title, "2021-03-01"))
    listing = discover(page(f"<ul>{DOCS}{dup}</ul>"), BASE + "/zcwj/index.html", domains=[HOST])
    assert len(listing.links) == 3


def test_offsite_documents_are_counted_not_followed() -> None:
    other = rows(("http://zwgk.example.gov.cn/art/2021/3/4/art_9_9.html", "其他站点的文件标题",
                  "2021-03-04"))
    listing = discover(page(f"<ul>{DOCS}{other}</ul>"), BASE + "/zcwj/index.html",
                       domains=[HOST])
    assert len(listing.links) == 3
    assert listing.offsite == ("http://zwgk.example.gov.cn/art/2021/3/4/art_9_9.html",)
    wider = discover(page(f"<ul>{DOCS}{other}</ul>"), BASE + "/zcwj/index.html",
                     domains=["example.gov.cn"])
    assert len(wider.links) == 4


def test_overrides_link_pattern_and_list_selector() -> None:
    body = (f'<div class="a"><ul>{DOCS}</ul></div><div class="b"><ul>'
            '<li><a href="/doc?id=7">第七号文件</a></li></ul></div>')
    only_b = discover(page(body), BASE + "/", domains=[HOST], list_selector="div.b",
                      link_pattern=r"/doc\?id=\d+")
    assert [link.url for link in only_b.links] == [BASE + "/doc?id=7"]


def test_empty_column_says_so() -> None:
    listing = discover(page('<ul class="list"><li class="empty">暂无信息</li></ul>'),
                       BASE + "/zcwj/index.html", domains=[HOST])
    assert listing.links == () and listing.says_empty and not listing.scripted
