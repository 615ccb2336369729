"""Page chrome through the real extraction and ingest, on SQLite and PostgreSQL: what changes
around a document (a counter, a share bar, a related-documents list, a site menu, an attachment
link's token) makes no version and no event; a body line that only looks like chrome is text,
and its edit is told. The harness is tests/monitor/test_ingest.py's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from crawler.extraction import extract
from crawler.extraction.result import Extraction
from crawler.outcomes import FetchOutcome
from monitor.ingest import Ingested
from tests.monitor.test_ingest import URL, Fetch, Harness, harness, page, pdf, pdf_link

__all__ = ["harness"]

# Hanweb's download link: the CMS appends a cache-busting token on every page view.
DOWNFILE = "http://127.0.0.1:1/module/download/downfile.jsp?filename=plan.pdf&t={}"


def _quiet(harness: Harness, before: str, after: str, **fetch: Any) -> None:
    """``before``, then ``after`` twice: one version, one ``new`` event."""
    harness.run(Fetch(URL, before, **fetch.get("first", {})))
    for _ in range(2):
        harness.run(Fetch(URL, after, **fetch.get("second", {})))
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])


def _told(harness: Harness, before: str, after: str) -> list[str]:
    harness.run(Fetch(URL, before))
    harness.run(Fetch(URL, after))
    return [e.kind for e in harness.events() if e.kind != "new"]


# ----------------------------------------------------------------------------- attachments

def test_attachment_never_downloaded_whose_link_carries_a_new_token_each_view(
        harness: Harness) -> None:
    """A 60 MB scanned 规划 over the size limit: its hash is never known, so it is compared by
    its URL, which Hanweb re-tokens on every view."""
    for token in ("1712345678", "1712349999", "1712350000"):
        url = DOWNFILE.format(token)
        harness.run(Fetch(URL, page(attachments=pdf_link(url)),
                          attachments=(pdf(url, None, FetchOutcome.TOO_LARGE),)))
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])
    assert harness.versions()[0].attachments[0]["url"] == DOWNFILE.split("&")[0]


def _as_revision_2(raw: bytes, url: str, **options: Any) -> Extraction:
    """The extraction as revision 2 made it: attachment links as the page had them."""
    found = extract(raw, url, **options)
    linked = DOWNFILE.format("1712345678")
    return replace(found, attachments=tuple(replace(a, url=linked) for a in found.attachments))


def test_version_stored_with_a_token_in_an_attachment_url_equals_its_canonical_reading(
        harness: Harness) -> None:
    """A version stored before attachment URLs were canonical, its file never downloaded: the
    same page read today is the same content, not even an extractor upgrade."""
    html = page(attachments=pdf_link(DOWNFILE.format("1712345678")))
    too_large = (pdf(DOWNFILE.format("1712345678"), None, FetchOutcome.TOO_LARGE),)
    harness.extractor = _as_revision_2
    harness.run(Fetch(URL, html, attachments=too_large))
    harness.extractor = extract
    assert harness.run(Fetch(URL, html, attachments=too_large)) == [Ingested.UNCHANGED]
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])


@pytest.mark.parametrize("token", ["1712349999", "1712350000"])
def test_attachment_replaced_behind_a_re_tokened_link_is_a_change(harness: Harness,
                                                                  token: str) -> None:
    """Counterpart: the token goes, the file's bytes still count."""
    first, second = DOWNFILE.format("1712345678"), DOWNFILE.format(token)
    harness.run(Fetch(URL, page(attachments=pdf_link(first)), attachments=(pdf(first),)))
    harness.run(Fetch(URL, page(attachments=pdf_link(second)),
                      attachments=(pdf(second, b"%PDF-1.4 plan v2"),)))
    assert harness.kinds() == ["new", "changed"]


# ------------------------------------------------------------------- lines inside the body

# (line before, line after): chrome as a whole line, inside the content container (#zoom) —
# templates whose container wraps the info line, or editors who paste it.
INSIDE = [
    ("阅读：123次", "阅读：124次"), ("浏览：123", "浏览：124"), ("点击：45次", "点击：46次"),
    ("访问：9", "访问：10"), ("已有123人次浏览", "已有124人次浏览"),
    ("本文已被浏览 123 次", "本文已被浏览 124 次"), ("阅读 1234", "阅读 1240"),
    ("分享：微信 微博 QQ空间", "分享：微信 微博 QQ空间 豆瓣"),
    ("本页生成时间：2026-03-01 10:00:01", "本页生成时间：2026-03-02 11:00:07"),
    ("发布时间：3天前", "发布时间：4天前"), ("发布时间：刚刚", "发布时间：昨天 10:32"),
]


@pytest.mark.parametrize(("before", "after"), INSIDE, ids=[b for b, _ in INSIDE])
def test_chrome_line_inside_the_content_container_is_not_news(harness: Harness, before: str,
                                                               after: str) -> None:
    _quiet(harness, page(body_extra=f"<p>{before}</p>"), page(body_extra=f"<p>{after}</p>"))


# Body lines that begin with a chrome word; their edit is the news.
STARTS_LIKE_CHROME = [
    ("当前位置为示例市政务服务中心二楼", "当前位置为示例市政务服务中心三楼"),
    ("上一条规定的情形，由市场监管部门处理。", "上一条规定的情形，由农业农村部门处理。"),
    ("分享到各乡镇的资金为100万元。", "分享到各乡镇的资金为200万元。"),
    ("打印本页所附表格并填写后提交。", "打印本页所附表格并签字后提交。"),
    ("阅读量前十的政策解读如下：", "阅读量前五的政策解读如下："),
    ("浏览量较上年增长15%，访问量较上年增长8%。", "浏览量较上年增长12%，访问量较上年增长8%。"),
    ("点击量前三位的栏目为：政策文件、通知公告、政务动态。",
     "点击量前三位的栏目为：政策文件、政务动态、通知公告。"),
]


@pytest.mark.parametrize(("before", "after"), STARTS_LIKE_CHROME,
                         ids=[b[:4] for b, _ in STARTS_LIKE_CHROME])
def test_edit_of_a_body_line_that_starts_like_chrome_is_told(harness: Harness, before: str,
                                                             after: str) -> None:
    assert _told(harness, page(body_extra=f"<p>{before}</p>"),
                 page(body_extra=f"<p>{after}</p>")) == ["changed"]


# ------------------------------------------------------------------ related-documents blocks

def _related_in_zoom(heading: str, titles: list[str]) -> str:
    """Hanweb/TRS editors paste a 相关链接 list under the text, inside #zoom."""
    links = "".join(f"<p><a href='/art/2026/3/{n}/art_1_{n}.html'>{title}</a></p>"
                    for n, title in enumerate(titles, 1))
    return f"<p>{heading}：</p>{links}"


@pytest.mark.parametrize("heading", ["相关链接", "相关阅读", "相关文章", "相关文件"])
def test_related_list_refreshed_inside_the_content_container_is_not_news(
        harness: Harness, heading: str) -> None:
    """The CMS refreshes the titles as newer documents appear."""
    before = _related_in_zoom(heading, ["关于甲项目的通知", "关于乙项目的通知"])
    after = _related_in_zoom(heading, ["关于丙项目建设的通知", "关于甲项目的通知"])
    _quiet(harness, page(body_extra=before), page(body_extra=after, views=7))


def test_related_files_block_by_class_is_not_news(harness: Harness) -> None:
    def block(title: str) -> str:
        return (f"<div class='xgwj'><h4>相关文件</h4><ul><li><a href='/a/1.html'>{title}</a></li>"
                "<li><a href='/a/2.html'>关于丁的通知</a></li></ul></div>")
    _quiet(harness, page(body_extra=block("关于甲的通知")),
           page(body_extra=block("关于乙项目的补充通知")))


def test_list_of_documents_written_under_a_related_heading_is_the_document(
        harness: Harness) -> None:
    """Counterpart: 相关文件： over lines that are not links is what the publisher wrote."""
    def listed(name: str) -> str:
        return f"<p>相关文件：</p><p>1.《示例市专项资金管理办法》</p><p>2.《{name}》</p>"
    assert _told(harness, page(body_extra=listed("示例市专项资金实施细则")),
                 page(body_extra=listed("示例市专项资金实施细则（修订）"))) == ["changed"]


# A county portal's template whose body container no rule knows (div.zw-con#fontzoom): the page
# is read whole, by trafilatura.
UNKNOWN_CONTAINER = """<html><head><meta charset="utf-8">
<title>关于做好2026年春耕生产工作的通知-示例县人民政府</title></head><body>
<div class="top-links">示例县人民政府 | 政务公开 | 政务服务{menu}</div>
<div class="wrap">
<h2 class="wz-title">关于做好2026年春耕生产工作的通知</h2>
<div class="wz-info">来源：示例县农业农村局&nbsp;日期：2026-02-18 09:15&nbsp;浏览次数：{views}</div>
<div class="zw-con" id="fontzoom">
<p>各镇人民政府，各街道办事处，县各有关部门：</p>
<p>为切实做好2026年春耕生产工作，确保粮食播种面积稳定在50万亩以上，现通知如下。</p>
<p>一、稳定粮食生产。各地要严格落实耕地保护责任，对撂荒地进行全面排查整治。</p>
<p>二、强化农资保障。县农业农村局要会同市场监管部门加强农资市场监管。</p>
<p>三、抓好防灾减灾。各地要密切关注天气变化，指导农户做好防寒防冻工作。</p>
<p>示例县农业农村局</p><p>2026年2月18日</p>
</div>
<div>相关文件：<a href="/a/9.html">{related}</a></div>
</div>
<div class="bottom">版权所有：示例县人民政府 主办单位：示例县人民政府办公室</div>
</body></html>"""


def unknown_container(*, menu: str = "", views: int = 12, related: str = "关于甲的通知") -> str:
    return UNKNOWN_CONTAINER.format(menu=menu, views=views, related=related)


def test_related_line_under_the_text_of_a_page_without_a_known_container_is_not_news(
        harness: Harness) -> None:
    _quiet(harness, unknown_container(),
           unknown_container(related="关于乙项目建设的通知", views=13))


# ------------------------------------------------------------- pages without a known container

def test_item_added_to_the_top_link_bar_is_not_news(harness: Harness) -> None:
    _quiet(harness, unknown_container(), unknown_container(menu=" | 互动交流", views=13))


def test_first_line_of_a_page_without_a_known_container_is_the_document(
        harness: Harness) -> None:
    """Counterpart: the salutation right under the title is body; its edit is told."""
    before = unknown_container()
    after = before.replace("县各有关部门：", "县各有关单位：")
    assert _told(harness, before, after) == ["changed"]


# The portal's 2026 redesign: new class names everywhere, a body container no rule knows, the
# logo's text and a menu above the title.
REDESIGNED = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_示例市人民政府门户网站</title></head><body>
<div class="gov-top-bar"><span>欢迎访问示例市人民政府门户网站</span>
<a>无障碍</a><a>长者模式</a></div>
<div class="gov-logo-row"><img src="/logo.png" alt="示例市人民政府">
<span>示例市人民政府</span></div>
<div class="gov-menu-row"><a>首页</a><a>政务公开</a><a>政务服务</a><a>互动交流</a></div>
<div class="crumb-row">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="gov-xxgk-box"><table><tbody>
<tr><th>索引号：</th><td>014006438/2021-00798</td>
<th>发布机构：</th><td>示例市发展和改革委员会</td></tr>
<tr><th>文号：</th><td>{doc_no}</td><th>效力状况：</th><td>{status}</td></tr></tbody></table></div>
<div class="wenzhang"><h1 class="wz-h1">{title}</h1>
<div class="wz-body-2026">
<p>全市经济社会发展主要预期目标是：地区生产总值增长{gdp}；
规模以上工业增加值增长8%。</p>
<p>重点抓好以下九个方面工作。{verb}农副产品、钢贸等物流布局。</p>
{body_extra}{attachments}</div></div>
<div class="gov-side-box"><h3>热点信息</h3>
<ul><li><a href="/a/1.html">示例市召开经济工作会议</a></li>
<li><a href="/a/2.html">示例市2026年重点项目集中开工</a></li></ul></div>
<div class="gov-bottom-box">主办单位：示例市人民政府办公室　网站标识码：3202000001
{views}{clock}{extra_meta}{related}</div>
</body></html>"""


def test_redesign_onto_a_container_no_rule_knows_is_not_news(harness: Harness) -> None:
    _quiet(harness, page(), page(template=REDESIGNED, views=""))


# ------------------------------------------------------------------ what trafilatura loses

ARTICLES = "".join(f"<p>第{n}条　各单位应当按照本办法规定执行，专项补助资金每年不超过{n * 10}万元，"
                   f"由市财政局按季度拨付。</p>" for n in range(1, 11))


@pytest.mark.parametrize("heading", ["h3", "h4"])
def test_edit_of_a_heading_that_ends_the_body_is_told(harness: Harness, heading: str) -> None:
    """The editor set the 附件 line as a heading; trafilatura drops a body's closing heading."""
    def closing(edition: str) -> str:
        return page(body_extra=f"{ARTICLES}<{heading}>附件：示例市专项资金申报表（{edition}）"
                               f"</{heading}>")
    assert _told(harness, closing("2025年版"), closing("2026年版")) == ["changed"]
