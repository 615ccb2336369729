"""Pages that are not the document, and documents that look like error pages, through the spider's
own steps: ``crawler.faults.diagnose`` on the served page, extraction of what it lets through,
``crawler.faults.landing`` on where redirects ended, then ingest — on SQLite and PostgreSQL.

Two promises: no false alarm from a server that answered with an error page, its 首页 or a login
page; and no real document lost because it was taken for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.faults import diagnose
from crawler.items import FetchedAttachment, PageResult
from crawler.outcomes import FetchOutcome
from monitor.ingest import Ingested, Ingestor
from monitor.reading import STRANGER_OVERLAP, overlap
from monitor.runs import finish_run, start_run
from tests.monitor.test_ingest import OK, URL, Harness, harness, page, pdf, pdf_link

__all__ = ["harness"]

SITE_URL = "http://127.0.0.1:1"

# ------------------------------------------------------------------------------- the spider


@dataclass(frozen=True)
class Served:
    """What the portal answered for a document's URL."""

    html: str | None                  # None: no answer (``failed`` says how the download failed)
    landed: str | None = None         # the URL redirects ended at, when they moved
    status: int = 200
    failed: FetchOutcome | None = None
    files: tuple[FetchedAttachment, ...] = ()  # its attachments, as downloaded


def crawl(harness: Harness, *answers: tuple[str, Served]) -> list[Ingested]:
    """One successful run over the answers, each handled as PortalSpider.parse_detail and
    detail_failed do: a page diagnosed first (a verdict other than OK ends there, with its
    reason and without the page), else extracted."""
    run = start_run(harness.database, harness.site, now=harness.now)
    ingestor = Ingestor(harness.database, harness.site, run, link_outlets=False)
    results = [ingestor.page(_result(harness, url, served)) for url, served in answers]
    finish_run(harness.database, harness.site, run, CrawlState(list_pages=1), reason="finished",
               counters={}, now=harness.now)
    harness.now += timedelta(days=1)
    return results


def _result(harness: Harness, url: str, served: Served) -> PageResult:
    common: dict[str, Any] = {"site_id": harness.site.id, "url": url,
                              "fetched_url": served.landed or url, "fetched_at": harness.now}
    if served.html is None:
        return PageResult(outcome=served.failed or FetchOutcome.TIMEOUT, detail="no answer",
                          **common)
    verdict = diagnose(served.status, served.html)
    if verdict.outcome != OK:
        return PageResult(outcome=verdict.outcome, http_status=served.status,
                          detail=verdict.reason, **common)
    raw = served.html.encode("utf-8")
    return PageResult(outcome=OK, http_status=served.status, raw=raw,
                      extraction=extract(raw, url), attachments=served.files, **common)


def runs(harness: Harness, url: str, *pages: Served | str) -> list[Ingested]:
    """One run per page, each fetching ``url``."""
    return [crawl(harness, (url, p if isinstance(p, Served) else Served(p)))[0] for p in pages]


# ------------------------------------------------------------------------------ portal pages

# A TRS portal's detail template (modelled on shanxi_trs_article_news in ../shared/real-pages):
# a top bar and a header with the full navigation, the title block, the .TRS_Editor body and a
# footer with 主办单位 and the ICP number.
_NAV = "".join(f"<li><a href='/col/col{n}/index.html'>栏目{n}政务公开信息</a></li>"
               for n in range(60))
NOTICE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_示例市人民政府</title>
</head><body>
<div class="topbar"><div class="topbar-inner"><a href="/">示例市人民政府</a>
无障碍 | 长者模式</div></div>
<div class="header"><ul class="nav">{nav}</ul></div>
<div class="main-wrap">
<div class="{head}"><h1>{title}</h1>{info}</div>
<div class="article-body"><div class="TRS_Editor"><p>{text}</p></div></div>
</div>
<div class="footer">主办单位：示例市人民政府办公室 网站标识码：3202000001 苏ICP备05000001号
苏公网安备 32020202000123号</div>
</body></html>"""
INFO = "<p>发布时间：2026-03-01　来源：示例市大数据局</p>"


def notice(text: str, *, title: str = "关于有关事项的公告", head: str = "article-top",
           info: str = INFO) -> str:
    return NOTICE.format(title=title, head=head, info=info, text=text, nav=_NAV)


LONG = "".join(f"<p>第{i}条　各单位应当按照本办法规定执行，专项补助资金每年不超过{i * 10}万元，"
               f"由市财政局按季度拨付。</p>" for i in range(1, 41))
REWRITTEN = "".join(f"<p>第{i}条　本办法所称科技创新券，是指市科技局向中小微企业发放、用于购买"
                    f"检验检测和研发设计服务的电子凭证，面额{i}千元。</p>" for i in range(1, 41))

HOMEPAGE = """<html><head><title>示例市人民政府门户网站</title></head><body>
<div class="header">示例市人民政府 无障碍 长者模式</div>
<div class="nav"><a>首页</a><a>政务公开</a><a>政务服务</a><a>互动交流</a></div>
<div class="main"><div class="news"><h3>要闻动态</h3><ul>{news}</ul></div>
<div class="notice"><h3>通知公告</h3><ul>{notices}</ul></div></div>
<div class="footer">主办单位：示例市人民政府办公室 网站标识码：3202000001 苏ICP备05000001号</div>
</body></html>"""


def homepage(day: int) -> str:
    news = "".join(f"<li><a href='/art/2026/3/{day}/art_2_{i}.html'>示例市召开第{day * 30 + i}次"
                   f"常务会议研究部署春耕生产和安全生产等工作</a><span>2026-03-{day:02d}</span></li>"
                   for i in range(30))
    notices = "".join(f"<li><a href='/art/2026/3/1/art_3_{i}.html'>关于第{day + i}批市级专项资金"
                      f"项目申报的通知</a><span>2026-02-2{i % 9}</span></li>" for i in range(20))
    return HOMEPAGE.format(news=news, notices=notices)


LOGIN = """<html><head><title>统一身份认证平台</title></head><body>
<div class="login-box"><h2>用户登录</h2><p>请使用统一身份认证账号登录后查看</p>
<form><label>用户名</label><input name="u"><label>密码</label><input type="password">
<label>验证码</label><input name="c"><button>登录</button></form>
<p>还没有账号？立即注册 | 忘记密码</p></div></body></html>"""


def message_page(message: str) -> str:
    """An application's message page: a CMS's 提示信息 page with one line."""
    return (f"<html><head><title>提示信息</title></head><body><div class='main'><p>{message}</p>"
            "</div></body></html>")


# ===================================================== real documents that read like errors

@pytest.mark.parametrize("head", ["article-top", "content-head", "detail-head"])
@pytest.mark.parametrize("text,edited", [
    ("因机房设备升级，市政务服务网将于3月5日20:00至次日8:00暂停服务，敬请谅解。",
     "因机房设备升级，市政务服务网将于3月6日20:00至次日8:00暂停服务，敬请谅解。"),
    ("经核查，以下3家企业的登记信息已经删除：示例甲公司、示例乙公司、示例丙公司。",
     "经核查，以下4家企业的登记信息已经删除：示例甲公司、示例乙公司、示例丙公司、示例丁公司。"),
    ("根据工作安排，原“市长信箱”栏目已停用，原链接已失效，请通过12345热线平台反映诉求。",
     "根据工作安排，原“市长信箱”栏目已停用，原链接已失效，请通过12345热线或政务服务网反映诉求。"),
], ids=["about-maintenance", "about-deletions", "about-dead-links"])
def test_a_short_notice_with_error_words_is_archived_and_its_edit_told(
        harness: Harness, head: str, text: str, edited: str) -> None:
    """Its title and 发布时间 line sit in a div whose class says where in the article they are:
    the notice is a document, every run."""
    assert runs(harness, URL, notice(text, head=head), notice(edited, head=head),
                notice(edited, head=head)) == [Ingested.NEW, Ingested.CHANGED,
                                               Ingested.UNCHANGED]
    assert harness.kinds() == ["new", "changed"]
    assert harness.fetch_outcomes() == ["ok"] * 3


def test_a_notice_without_its_info_line_is_still_a_document(harness: Harness) -> None:
    """No 发布时间 line at all: the maintenance words are a phrase in the notice's text, not all
    of its content container."""
    text = "因机房设备升级，市政务服务网将于3月5日20:00至次日8:00暂停服务，敬请谅解。"
    assert runs(harness, URL, notice(text, info=""),
                notice(text.replace("5日", "6日"), info="")) == [Ingested.NEW, Ingested.CHANGED]


def test_an_edit_that_adds_deletion_words_is_not_a_removal(harness: Harness) -> None:
    before = "经核查，以下3家企业的登记信息存在错误：示例甲公司、示例乙公司。"
    after = "经核查，以下3家企业的登记信息已经删除：示例甲公司、示例乙公司。"
    runs(harness, URL, notice(before), notice(after), notice(after), notice(after))
    assert harness.kinds() == ["new", "changed"]


def test_a_soft_404_verdict_on_a_page_still_showing_the_title_is_not_gone(
        harness: Harness) -> None:
    """A notice titled 部分页面已删除的说明: once a redesign puts its info line in a bar the
    crawler takes for chrome, its title reads as a 页面已删除 page. The page still shows the
    document's title: held as suspect, never counted towards a removal."""
    title = "部分页面已删除的说明"
    text = "因网站改版，2019年以前发布的部分栏目页面已删除，相关信息可到市档案馆查阅。"
    redesign = notice(text, title=title, head="wrap", info="").replace(
        "</h1>", "</h1></div><div class='top-info'>发布时间：2026-03-01</div><div>")
    assert diagnose(200, redesign).outcome == FetchOutcome.SOFT_404  # the verdict stays
    runs(harness, URL, notice(text, title=title), redesign, redesign, redesign)
    assert harness.kinds() == ["new"]
    assert harness.fetch_outcomes()[-3:] == ["suspect"] * 3


def test_an_error_page_for_a_known_document_is_still_a_removal(harness: Harness) -> None:
    """The counterpart: a real 页面不存在 page in the portal's chrome says nothing of the
    document's title, and two runs of it remove the document."""
    gone = notice("对不起，您访问的页面不存在或已被删除！", title="页面不存在", info="")
    runs(harness, URL, notice("经研究，决定2026年3月5日举办政务开放日活动。"), gone, gone)
    assert harness.kinds() == ["new", "removed"]


# ============================================================== answers that are not the doc

@pytest.mark.parametrize("message,outcome", [
    ("系统繁忙，请稍后再试！", "server_error"),
    ("HTTP Status 500 – Internal Server Error", "server_error"),
    ("数据库连接失败，请联系管理员。", "server_error"),
    ("您没有权限访问该信息", "denied"),
    ("请登录后查看", "denied"),
    ("该信息已撤销", "soft404"),
    ("页面加载中，请稍候...", "empty"),
])
def test_a_message_page_is_no_version(harness: Harness, message: str, outcome: str) -> None:
    """…and the good page after it is the same document, not a return to it."""
    results = runs(harness, URL, page(body_extra=LONG), message_page(message),
                   page(body_extra=LONG, views=3))
    assert results[1:] == [Ingested.GONE if outcome == "soft404" else Ingested.FAILED,
                           Ingested.UNCHANGED]
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])
    assert harness.fetch_outcomes()[-2] == outcome


@pytest.mark.parametrize("document", [page(), page(body_extra=LONG)], ids=["short", "long"])
def test_a_login_page_is_no_version(harness: Harness, document: str) -> None:
    runs(harness, URL, document, LOGIN)
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])
    assert harness.fetch_outcomes()[-1] == "denied"


def test_the_homepage_served_in_the_documents_place_is_held(harness: Harness) -> None:
    """A moved document whose URL the portal answers with its 首页 (a rewrite rule, no redirect
    to see): it shares nothing with the document. Held every run — 首页's news changes daily, so
    it is never seen twice the same — and the document's return is no event."""
    results = runs(harness, URL, page(body_extra=LONG), homepage(2), homepage(3),
                   page(body_extra=LONG, views=7))
    assert results == [Ingested.NEW, Ingested.FAILED, Ingested.FAILED, Ingested.UNCHANGED]
    assert (len(harness.versions()), harness.kinds()) == (1, ["new"])
    assert harness.fetch_outcomes()[-3:] == ["suspect", "suspect", "ok"]


TRS_DOC = f"{SITE_URL}/zwgk/zcwj/202103/t20210301_1.html"  # under its column's directory


@pytest.mark.parametrize("landed,outcome", [
    (f"{SITE_URL}/", "redirected"),
    (f"{SITE_URL}/index.html", "redirected"),
    (f"{SITE_URL}/zwgk/zcwj/index.shtml", "redirected"),
    ("https://tyrz.example.gov.cn/sso/login?service=" + TRS_DOC, "denied"),
], ids=["root", "index", "column", "sso-login"])
def test_a_redirect_away_from_the_document_is_no_version(harness: Harness, landed: str,
                                                         outcome: str) -> None:
    """The redirect is seen in the fetched URL: even a page that looks like a document (the
    column's newest notice, rendered by its index) is not this one."""
    other = page(title="关于第9批市级专项资金项目申报的通知", gdp="9%")
    assert runs(harness, TRS_DOC, page(), Served(other, landed=landed)) == [Ingested.NEW,
                                                                            Ingested.FAILED]
    assert (len(harness.versions(TRS_DOC)), harness.kinds()) == (1, ["new"])
    assert harness.fetch_outcomes()[-1] == outcome


def test_a_document_moved_to_a_new_address_is_still_compared(harness: Harness) -> None:
    """A redirect to another document address (the portal moved its 政府信息公开 pages) brings the
    document: its edit is told."""
    moved = f"{SITE_URL}/zfxxgk/2021/0301/t20210301_1.html"
    assert runs(harness, TRS_DOC, page(), Served(page(gdp="6%"), landed=moved)) == [
        Ingested.NEW, Ingested.CHANGED]


def test_a_new_url_that_redirects_to_the_homepage_is_no_document(harness: Harness) -> None:
    assert runs(harness, URL, Served(homepage(1), landed=f"{SITE_URL}/")) == [Ingested.FAILED]
    assert harness.versions() == [] and harness.kinds() == []


# ================================================================ a real rewrite is still told

def test_a_rewrite_is_held_once_then_told(harness: Harness) -> None:
    """The publisher replaced the whole document (title, text, no metadata table any more):
    held on the run that first sees it, told on the next — with the old and new titles."""
    rewrite = notice("各中小微企业：为支持企业研发创新，本局决定发放2026年度科技创新券，"
                     "每家企业最高5万元，申报截止时间为2026年4月30日。",
                     title="关于发放2026年度科技创新券的通知")
    results = runs(harness, URL, page(body_extra=LONG), rewrite, rewrite, rewrite)
    assert results == [Ingested.NEW, Ingested.FAILED, Ingested.CHANGED, Ingested.UNCHANGED]
    assert harness.fetch_outcomes() == ["ok", "suspect", "ok", "ok"]
    (_, event) = harness.events()
    assert event.kind == "changed" and event.fields["title"] == {
        "old": "2021年政府工作重点", "new": "关于发放2026年度科技创新券的通知"}
    assert (event.similarity or 0) < 0.2


def test_a_rewrite_seen_again_after_a_failed_fetch_is_told(harness: Harness) -> None:
    rewrite = notice("本局决定发放2026年度科技创新券，每家企业最高5万元。",
                     title="关于发放2026年度科技创新券的通知")
    results = runs(harness, URL, page(), rewrite, Served(None, failed=FetchOutcome.TIMEOUT),
                   message_page("系统繁忙，请稍后再试！"), rewrite)
    assert results[-1] == Ingested.CHANGED
    assert harness.kinds() == ["new", "changed"]


def test_a_hold_ends_when_the_document_comes_back(harness: Harness) -> None:
    """Held content, then the document as it was, then the held content again: held anew, not
    taken as confirmed (an error page that comes and goes is not a rewrite)."""
    stranger = notice("本站将于近期上线新版，敬请期待。", title="新版网站上线预告")
    results = runs(harness, URL, page(), stranger, page(views=4), stranger)
    assert results == [Ingested.NEW, Ingested.FAILED, Ingested.UNCHANGED, Ingested.FAILED]
    assert harness.kinds() == ["new"]


def test_a_title_edit_alone_is_told_at_once(harness: Harness) -> None:
    results = runs(harness, URL, page(body_extra=LONG),
                   page(title="关于印发示例市数字经济发展三年行动计划的通知", body_extra=LONG))
    assert results == [Ingested.NEW, Ingested.CHANGED]
    assert harness.kinds() == ["new", "changed"]


def test_a_big_edit_keeping_the_metadata_table_is_told_at_once(harness: Harness) -> None:
    """Title and every article rewritten, but the page's 索引号, 发布机构 and 文号 are the
    document's: it is the document."""
    after = page(title="示例市科技创新券管理办法", body_extra=REWRITTEN).replace(
        "全市经济社会发展主要预期目标是", "本办法适用于全市科技型中小企业").replace(
        "重点抓好以下九个方面工作", "市科技局负责创新券的发放和管理")
    results = runs(harness, URL, page(body_extra=LONG), after)
    assert results == [Ingested.NEW, Ingested.CHANGED]


def test_a_big_edit_keeping_an_attachment_is_told_at_once(harness: Harness) -> None:
    """Another title and text around the same 附件: the file says it is the document."""
    def with_file(text: str, title: str) -> Served:
        html = notice(text, title=title).replace("</p></div></div>",
                                                 f"</p>{pdf_link()}</div></div>")
        return Served(html, files=(pdf(),))

    results = runs(harness, URL,
                   with_file("请各单位按附件要求报送2026年统计数据。", "统计数据报送"),
                   with_file("各企业：本局决定发放2026年度科技创新券。", "科技创新券发放公告"))
    assert results == [Ingested.NEW, Ingested.CHANGED]


def test_pages_of_one_document_overlap_and_strangers_do_not() -> None:
    """The measure behind the hold, on the pages above."""
    def text(html: str) -> str:
        return extract(html.encode(), URL).text

    document = text(page(body_extra=LONG))
    assert overlap(document, text(page(body_extra=LONG, gdp="6%"))) > 0.9
    assert overlap(document, text(page(body_extra=REWRITTEN))) > STRANGER_OVERLAP
    for stranger in (homepage(1), LOGIN, message_page("系统繁忙，请稍后再试！")):
        assert overlap(document, text(stranger)) < STRANGER_OVERLAP / 2


# ====================================================================== what the user is shown

def test_held_and_refused_fetches_show_as_failures_of_the_run(harness: Harness) -> None:
    """The new outcomes are failed fetches wherever outcomes are counted: the run is partial,
    the terminal summary lists them, the sites page counts them as failures (not as 被拦截)."""
    from monitor.crawl import summarize
    from monitor.store.queries import SiteHealth
    from monitor.store.repository import Repository
    from monitor.web.health import site_view

    crawl(harness, (URL, Served(page(body_extra=LONG))), (TRS_DOC, Served(page())))
    crawl(harness, (URL, Served(homepage(2))), (TRS_DOC, Served(LOGIN)))
    with harness.database.session() as session:
        run = Repository(session).runs(harness.site.id)[0]
    assert run.status == "partial"
    assert "failed: denied 1, suspect 1" in summarize([run])[0]
    view = site_view(harness.site.id, SiteHealth(harness.site.id, "示例", None, last_run=run),
                     None)
    assert (view.failures, view.blocked, view.fetches) == (2, 0, 2)
