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


# ------------------------------------------------------------- chrome is never the column

FOOTER = ('<div class="footer"><ul><li><a href="/art/2020/1/1/art_1_1.html">网站声明</a></li>'
          '<li><a href="/wzdt/index.html">网站地图</a></li></ul>'
          "<p>主办单位：示例市人民政府办公室</p></div>")
SIDE_ROWS = rows(*((f"/xwdt/202101/t2021010{n}_90{n}.html",
                    f"全市经济运行情况新闻发布会第{n}场实录", f"2021-01-0{n}") for n in (1, 2, 3)))
AVALON = ('<div class="list" ms-controller="list"><dl ms-repeat="list"><dd>'
          '<a ms-attr-href="el.chnldocurl" ms-attr-title="el.doctitle" ms-text="el.doctitle"></a>'
          "</dd></dl></div><script>require(['list2.trsapi'], function (listModel) {"
          "listModel({listArgs: {channelid: 200210, sortfield: '-pubdate'}});});</script>")


def test_a_footer_link_does_not_hide_a_javascript_column() -> None:
    # Pingtan's avalon shell has no rows; its footer's 网站声明 has a Hanweb-shaped URL.
    listing = discover(page(AVALON + FOOTER), BASE + "/zcwj/index.html", domains=[HOST])
    assert listing.links == () and listing.scripted


def test_real_js_shell_with_a_footer_is_reported(real_pages: Path) -> None:
    source = (real_pages / "pingtan_trs_list_js_shell_EXCERPT.html").read_text()
    source = source.replace("</body>", FOOTER + "</body>")
    listing = discover(source, "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/",
                       domains=["pingtan.gov.cn"])
    assert listing.links == () and listing.scripted and listing.next == ()


def test_an_empty_column_beside_a_hot_side_bar_says_empty() -> None:
    body = (f'<div class="list"><ul></ul><p class="empty">暂无信息</p></div>'
            f'<div class="side-hot"><h3>热点推荐</h3><ul>{SIDE_ROWS}</ul></div>{FOOTER}')
    listing = discover(page(body), BASE + "/zcwj/index.html", domains=[HOST])
    assert listing.links == () and listing.says_empty


@pytest.mark.parametrize("block", [
    '<div class="box"><h3>热点信息</h3><ul>{rows}</ul></div>',
    '<div class="right"><div class="zxwj"><h3>最新文件</h3><ul>{rows}</ul></div></div>',
    '<table><tr><td width="250"><b>最新公开</b><ul>{rows}</ul></td></tr></table>',
    '<div class="mod"><div class="tit"><span>点击排行</span><a href="/phb/">更多&gt;&gt;</a></div>'
    '<div class="bd"><ul>{rows}</ul></div></div>',
], ids=["box-h3-热点", "right-zxwj-最新", "td-b-最新公开", "title-bar-排行"])
def test_blocks_headed_hot_or_latest_are_not_the_column(block: str) -> None:
    body = f'<div class="main"><ul class="list">{DOCS}</ul></div>' + block.format(rows=SIDE_ROWS)
    listing = discover(page(body), BASE + "/zcwj/index.html", domains=[HOST])
    assert [link.url.rsplit("/", 1)[1] for link in listing.links] == [
        "t20210301_1.html", "t20210302_2.html", "t20210303_3.html"]


def test_a_heading_makes_a_side_bar_unless_it_names_the_column() -> None:
    side = f'<div class="zxwj"><h3>最新文件</h3><ul>{SIDE_ROWS}</ul></div>'
    body = f'<div class="sx-title"><h1>政策文件</h1></div><ul class="sx-list">{DOCS}</ul>{side}'
    listing = discover(page(body, head="<title>政策文件_示例市人民政府</title>"),
                       BASE + "/zcwj/index.html", domains=[HOST])
    assert len(listing.links) == 3 and all("/zcwj/" in link.url for link in listing.links)
    # A column that is itself called 最新文件: its heading is the page's <title>.
    body = f'<div class="sx-title"><h1>最新文件</h1></div><ul class="sx-list">{DOCS}</ul>'
    listing = discover(page(body, head="<title>最新文件_示例市人民政府</title>"),
                       BASE + "/zxwj/index.html", domains=[HOST])
    assert len(listing.links) == 3


def test_a_container_named_like_a_nav_holds_the_column_when_its_list_is_densest() -> None:
    # A 头条 headline above a tab pane the template calls "tab-nav-con".
    headline = ('<div class="headline"><a href="/zcwj/202103/t20210320_900.html">'
                "关于全面推进政务公开标准化规范化工作的实施意见</a></div>")
    more = rows(("/zcwj/202103/t20210304_4.html", "关于印发第四批重点工作的通知", "2021-03-04"),
                ("/zcwj/202103/t20210305_5.html", "关于印发第五批重点工作的通知", "2021-03-05"))
    listing = discover(page(headline + f'<div class="tab-nav-con"><ul>{DOCS}{more}</ul></div>'),
                       BASE + "/zcwj/index.html", domains=[HOST])
    assert len(listing.links) == 6
    # A smaller block so named beside the column's list is chrome.
    top = rows(("/xwdt/202101/t20210104_904.html", "市政府召开第四十次常务会议", "2021-01-04"),
               ("/xwdt/202101/t20210105_905.html", "市政府召开第四十一次常务会议", "2021-01-05"),
               ("/xwdt/202101/t20210106_906.html", "市政府召开第四十二次常务会议", "2021-01-06"))
    body = f'<div class="top-news"><ul>{top}</ul></div><ul class="list">{DOCS}{more}</ul>'
    listing = discover(page(body), BASE + "/zcwj/index.html", domains=[HOST])
    assert [link.url.rsplit("/", 1)[1] for link in listing.links] == [
        "t20210301_1.html", "t20210302_2.html", "t20210303_3.html", "t20210304_4.html",
        "t20210305_5.html"]


def hanweb_unit(unit: str, column: int, n: int, prefix: str = "") -> str:
    recs = "".join(f"<record><![CDATA[<li><a href='/art/2021/3/{d + 1}/art_{column}_{d}.html' "
                   f"title='{prefix}第{d}号通知全文标题'>{prefix}第{d}号通知</a>"
                   f"<b>2021-03-0{d % 9 + 1}</b></li>]]></record>" for d in range(n))
    return (f'<div id="{unit}"><script type="text/xml"><datastore><recordset>{recs}</recordset>'
            "</datastore></script></div>")


def test_hanweb_second_unit_of_hot_documents_is_not_the_column() -> None:
    hot = f'<div class="rdwz"><h3>热点文章</h3>{hanweb_unit("9999", 1200, 3, "热点")}</div>'
    listing = discover(page(hanweb_unit("3372", 3371, 3) + hot), BASE + "/col/col3371/index.html",
                       domains=[HOST])
    assert [link.url.rsplit("/", 1)[1] for link in listing.links] == [
        "art_3371_0.html", "art_3371_1.html", "art_3371_2.html"]


def test_hanweb_unit_the_jpage_call_pages_is_the_column() -> None:
    # The hot unit comes first in the page; the jpage call names the column's unit.
    script = NANTONG.replace("#34", "#3372").replace("unitid:'34'", "unitid:'3372'")
    source = page(hanweb_unit("9999", 1200, 3, "热点") + hanweb_unit("3372", 12, 45)
                  + f"<script>{script}</script>")
    listing = discover(source, BASE + "/col/col12/index.html", domains=[HOST])
    assert len(listing.links) == 45 and all("art_12_" in link.url for link in listing.links)
    (following,) = listing.next
    assert following.method == "POST" and dict(following.form)["unitid"] == "3372"
    assert "startrecord=46" in following.url


# ------------------------------------------------------------------- pagers portals write

COLUMN = BASE + "/zcwj/index.html"


@pytest.mark.parametrize(("pager", "url", "expected"), [
    ('<div class="page">[首页] [上一页] <a href="index_1.html">[下一页]</a> '
     '<a href="index_9.html">[尾页]</a></div>', COLUMN, "/zcwj/index_1.html"),
    ('<div class="page"><a href="index_1.html">【下一页】</a></div>', COLUMN, "/zcwj/index_1.html"),
    ('<div class="page"><a href="index_1.html"><img src="/images/next.gif" alt="下一页"></a></div>',
     COLUMN, "/zcwj/index_1.html"),
    ('<div class="page"><input type="button" value="下一页" class="btn" '
     "onclick=\"location.href='index_1.html'\"></div>", COLUMN, "/zcwj/index_1.html"),
    ('<div class="page"><button type="button" onclick="window.location.href=\'list_2.shtml\'">'
     "下一页</button></div>", BASE + "/zcwj/list_1.shtml", "/zcwj/list_2.shtml"),
    ('<div class="page"><a href="javascript:void(0)" onclick="window.open(\'index_1.html\','
     "'_self')\">下一页</a></div>", COLUMN, "/zcwj/index_1.html"),
    ('<div class="page">转到 <select onchange="location.href=this.value">'
     '<option value="index.html" selected>1</option><option value="index_1.html">2</option>'
     '<option value="index_2.html">3</option></select> 页</div>', COLUMN, "/zcwj/index_1.html"),
    ('<div class="page"><a href="index.html">1</a><a href="index_1.html">2</a>'
     '<a href="index_2.html">3</a></div>', BASE + "/zcwj/", "/zcwj/index_1.html"),
    ('<nav><ul class="pagination"><li class="active"><a href="javascript:;">1</a></li>'
     '<li><a href="?page=2">2</a></li><li><a href="?page=3">3</a></li></ul></nav>',
     BASE + "/zcwj/list", "/zcwj/list?page=2"),
    ('<div class="page">共 56 页 当前第 1 页 <a href="index_55.html">尾页</a></div>', COLUMN,
     "/zcwj/index_1.html"),
    ('<div class="page">共 56 页 当前第 4 页 <a href="index_55.html">尾页</a></div>',
     BASE + "/zcwj/index_3.html", "/zcwj/index_4.html"),
    ('<div class="page">共12页 <a href="list.jsp?page=12&type=2">末页</a></div>',
     BASE + "/zcwj/list.jsp?page=3&type=2", "/zcwj/list.jsp?page=4&type=2"),
], ids=["[下一页]", "【下一页】", "img-alt", "input-onclick", "button-onclick", "a-onclick-open",
        "select", "folder-url-numbered", "bootstrap-active-li", "尾页-only", "尾页-middle",
        "末页-query"])
def test_pagers_portals_write(pager: str, url: str, expected: str) -> None:
    listing = discover(page(f'<ul class="list">{DOCS}</ul>{pager}'), url, domains=[HOST])
    assert listing.next_pages == (BASE + expected,) and listing.pager_warning is None


def test_the_last_page_of_a_tail_only_pager_ends_the_column() -> None:
    pager = ('<div class="page">共 56 页 <a href="index.html">首页</a> '
             '<a href="index_55.html">尾页</a></div>')
    listing = discover(page(f"<ul>{DOCS}</ul>{pager}"), BASE + "/zcwj/index_55.html",
                       domains=[HOST])
    assert listing.next == () and listing.pager_warning is None


def test_a_next_link_to_the_folder_index_is_this_page() -> None:
    # A one-page column at /zcwj/ whose 下一页 (Ucap's, on the last page) links itself by its
    # index.html: no next page.
    pager = '<div class="page"><span class="cur">1</span><a href="index.html">下一页</a></div>'
    listing = discover(page(f"<ul>{DOCS}</ul>{pager}"), BASE + "/zcwj/", domains=[HOST])
    assert listing.next == ()


def test_hanweb_jpage_is_followed_despite_a_slider_with_pager_words() -> None:
    slider = ('<div class="pic-news"><a href="javascript:void(0)" class="prev">上一页</a>'
              '<a href="javascript:void(0)" class="next">下一页</a></div>')
    source = hanweb(45, NANTONG).replace("</body>", slider + "</body>")
    listing = discover(source, BASE + "/col/col12/index.html", domains=[HOST])
    (following,) = listing.next
    assert following.method == "POST" and "startrecord=46" in following.url


@pytest.mark.parametrize(("pager", "said"), [
    ('<div class="page"><a href="javascript:goPage(2)">下一页</a></div>', "goPage(2)"),
    ('<div class="page"><a href="#" onclick="turnPage(\'next\');return false;">下一页</a></div>',
     "turnPage"),
    ('<div class="page">共5页 当前第2页 <span>下一页</span></div>', "page 2 of 5"),
], ids=["javascript-href", "onclick-function", "page-2-of-5"])
def test_a_pager_that_cannot_be_read_is_reported(pager: str, said: str) -> None:
    listing = discover(page(f"<ul>{DOCS}</ul>{pager}"), BASE + "/zcwj/list.jsp", domains=[HOST])
    assert listing.next == ()
    assert listing.pager_warning is not None and said in listing.pager_warning


@pytest.mark.parametrize("pager", [
    '<div class="page">共5页 当前第5页 <a href="list.jsp?p=4">上一页</a> <span>下一页</span></div>',
    '<div class="page"><a href="javascript:void(0)" class="disabled">下一页</a></div>',
    '<div class="page"><button disabled onclick="goPage(6)">下一页</button></div>',
], ids=["last-page-text", "void-link", "disabled-button"])
def test_the_last_page_of_a_script_pager_is_no_warning(pager: str) -> None:
    listing = discover(page(f"<ul>{DOCS}</ul>{pager}"), BASE + "/zcwj/list.jsp", domains=[HOST])
    assert listing.next == () and listing.pager_warning is None


# ------------------------------------------------------- rows written by scripts and onclick

TITLES = [f"关于印发2021年第{n}批重点工作任务分解方案的通知" for n in range(5)]


def test_trs_rows_written_by_document_write_are_documents() -> None:
    # TRS templates cut long titles in a script and write the <a> with document.write; the pager
    # script beside them assembles its hrefs from variables, which are not links to take.
    row = ('<li><script>var str="{title}"; if(str.length>20) str=str.substring(0,20)+"...";'
           "document.write(\"<a href='./202103/t2021031{n}_{n}.html' target='_blank' "
           "title='{title}'>\"+str+\"</a>\");</script><span>2021-03-1{n}</span></li>")
    pager = ('<div class="page"><script>var currentPage = 0; var countPage = 3; '
             'document.write("<a href=\\"index"+"_"+(currentPage+1)+"."+"html\\">下一页</a>");'
             "</script></div>")
    body = '<ul class="list">' + "".join(row.format(title=TITLES[n], n=n) for n in range(3)) \
        + "</ul>" + pager
    listing = discover(page(body), COLUMN, domains=[HOST])
    assert [(link.url, link.title, link.date) for link in listing.links] == [
        (f"{BASE}/zcwj/202103/t2021031{n}_{n}.html", TITLES[n], f"2021-03-1{n}") for n in range(3)]
    assert listing.next_pages == (BASE + "/zcwj/index_1.html",)


def test_a_script_written_link_without_a_title_attribute_takes_the_scripts_title() -> None:
    row = ("<tr><td><script>var t='{title}';document.write(\"<a href='/xxgk/202103/"
           "t2021031{n}_{n}.html'>\"+t.substr(0,18)+\"</a>\");</script></td><td>2021-03-1{n}</td>"
           "</tr>")
    body = "<table>" + "".join(row.format(title=TITLES[n], n=n) for n in range(3)) + "</table>"
    listing = discover(page(body), COLUMN, domains=[HOST])
    assert [link.title for link in listing.links] == TITLES[:3]


def test_onclick_links_and_rows_are_documents() -> None:
    links = "".join(
        f'<li><a href="javascript:void(0)" '
        f"onclick=\"window.open('/art/2021/3/1{n}/art_1_{n}.html')\">{TITLES[n]}</a>"
        f"<span>2021-03-1{n}</span></li>" for n in range(2))
    row = (f"<li onclick=\"location.href='/art/2021/3/12/art_1_2.html'\"><span>{TITLES[2]}</span>"
           "<span>2021-03-12</span></li>")
    listing = discover(page(f"<ul>{links}{row}</ul>"), COLUMN, domains=[HOST])
    assert [(link.url, link.title, link.date) for link in listing.links] == [
        (f"{BASE}/art/2021/3/1{n}/art_1_{n}.html", TITLES[n], f"2021-03-1{n}") for n in range(3)]


def test_link_pattern_selects_script_written_links() -> None:
    rows_ = "".join(f"<li><script>document.write(\"<a href='/zcwj/doc{n}.html'>{TITLES[n]}"
                    "</a>\");</script></li>" for n in range(3))
    listing = discover(page(f"<ul>{rows_}</ul>"), COLUMN, domains=[HOST],
                       link_pattern=r"/zcwj/doc\d+\.html")
    assert [link.url for link in listing.links] == [f"{BASE}/zcwj/doc{n}.html" for n in range(3)]


# ------------------------------------------------------------------ lists of unknown shape


@pytest.mark.parametrize("href", [
    "/info/1001/1234.htm",                  # 博达 (Boda) CMS: county and bureau sites
    "/news/1234.html",
    "/zwgk/zcwj/1234.htm",
    "/xxgk/detail?id=1234",                 # Spring MVC detail without an extension
    "/news_view.aspx?id=1234",
    "/index.php?m=content&c=index&a=show&catid=1&id=1234",  # PHPCMS
])
def test_undated_rows_sharing_a_url_template_are_documents(href: str) -> None:
    rows_ = "".join(f'<li><a href="{href.replace("1234", f"123{n}")}">{TITLES[n]}</a></li>'
                    for n in range(4))
    # Beside them, menus whose rows share a template too, varying a column or a page.
    names = ["规范性文件目录汇编", "政府信息公开指南", "政府信息公开年报", "依申请公开办理"]
    menus = "".join(
        "<ul class=\"sub\">" + "".join(f'<li><a href="{menu.format(n)}">{name}</a></li>'
                                       for n, name in enumerate(names)) + "</ul>"
        for menu in ("/zwgk/list.jsp?catid={}", "/zwgk/list.aspx?page={}", "/zwgk/index_{}.html"))
    listing = discover(page(f'{menus}<div class="list"><ul>{rows_}</ul></div>'), COLUMN,
                       domains=[HOST])
    assert [link.title for link in listing.links] == TITLES[:4]


def test_dl_rows_with_the_date_in_dd() -> None:
    records = "".join(f'<dl><dt><a href="/news/show-{n}.aspx">{TITLES[n]}</a></dt>'
                      f"<dd>2021-03-1{n}</dd></dl>" for n in range(3))
    pairs = "<dl>" + "".join(f'<dt><a href="/news/item-{n}.aspx">{TITLES[n + 1]}</a></dt>'
                             f"<dd>2021-04-1{n}</dd>" for n in range(2)) + "</dl>"
    listing = discover(page(f'<div class="list">{records}</div>{pairs}'), COLUMN, domains=[HOST])
    assert [link.date for link in listing.links] == [
        "2021-03-10", "2021-03-11", "2021-03-12", "2021-04-10", "2021-04-11"]


def test_a_view_button_takes_its_title_from_its_row() -> None:
    rows_ = "".join(f"<tr><td>{TITLES[n]}</td><td>2021-03-1{n}</td>"
                    f'<td><a href="/xxgk/detail?id=10{n}">查看</a></td></tr>' for n in range(3))
    listing = discover(page(f'<table class="list">{rows_}</table>'), COLUMN, domains=[HOST])
    assert [(link.url, link.title, link.date) for link in listing.links] == [
        (f"{BASE}/xxgk/detail?id=10{n}", TITLES[n], f"2021-03-1{n}") for n in range(3)]


# ------------------------------------------------------------------- one document, one title


def test_a_detail_link_and_the_title_link_are_one_document_with_the_title() -> None:
    rows_ = "".join(f'<li><a href="/zcwj/202103/t2021031{n}_{n}.html">[详情]</a>'
                    f'<a href="/zcwj/202103/t2021031{n}_{n}.html">{TITLES[n]}</a>'
                    f"<span>2021-03-1{n}</span></li>" for n in range(3))
    listing = discover(page(f"<ul>{rows_}</ul>"), COLUMN, domains=[HOST])
    assert [link.title for link in listing.links] == TITLES[:3]


def test_spellings_of_one_document_on_a_page_are_one_document() -> None:
    rows_ = (rows(("/zcwj/202103/t20210310_0.html", TITLES[0], "2021-03-10"))
             + rows((f"https://{HOST}/zcwj/202103/t20210310_0.html", TITLES[0], "2021-03-10"))
             + rows(("http://example.gov.cn/zcwj/202103/t20210310_0.html", TITLES[0],
                     "2021-03-10")))
    listing = discover(page(f"<ul>{DOCS}{rows_}</ul>"), COLUMN, domains=[HOST])
    assert [link.url for link in listing.links][-1] == BASE + "/zcwj/202103/t20210310_0.html"
    assert len(listing.links) == 4


def test_default_domains_take_the_portals_own_subdomains() -> None:
    # The real Dingxi column lists a row on zwgk.dingxi.gov.cn (MANIFEST notes); the user gave
    # only https://www.dingxi.gov.cn/col/col12377/index.html.
    from monitor.config import SiteConfig

    site = SiteConfig(id="dingxi", start_urls=["https://www.dingxi.gov.cn/col/col12377/index.html"])
    recs = "".join(f"<record><![CDATA[<li><a href='{href}' title='{TITLES[n]}'>{TITLES[n]}</a>"
                   f"<b>2021-11-0{n + 1}</b></li>]]></record>" for n, href in enumerate([
                       "/art/2022/1/20/art_12377_1486865.html",
                       "http://zwgk.dingxi.gov.cn/art/2021/11/4/art_12480_1461862.html",
                       "http://dingxi.gov.cn/art/2021/11/3/art_12377_1461800.html"]))
    listing = discover(f"<datastore><recordset>{recs}</recordset></datastore>",
                       site.start_urls[0], domains=site.domains)
    assert len(listing.links) == 3 and listing.offsite == ()


def test_a_row_script_writing_its_link_from_variables_gives_the_address_literal() -> None:
    row = ('<li><script>var url = "./202103/t2021031{n}_{n}.html"; var title = "{title}";'
           "document.write(\"<a href='\" + url + \"' target='_blank'>\" + title.substr(0, 20)"
           ' + "</a>");</script><span>2021-03-1{n}</span></li>')
    body = "<ul>" + "".join(row.format(title=TITLES[n], n=n) for n in range(3)) + "</ul>"
    listing = discover(page(body), COLUMN, domains=[HOST])
    assert [(link.url, link.title) for link in listing.links] == [
        (f"{BASE}/zcwj/202103/t2021031{n}_{n}.html", TITLES[n]) for n in range(3)]
