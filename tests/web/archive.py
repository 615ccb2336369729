"""A small archive for the browser's tests: two sites, a plan that changes (a number, then its
效力状况), a fund notice, a single-character search target, a traditional-script copy, and a
page full of script-injection payloads. Built through the real ingest path."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.extraction.result import Attachment
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.ingest import Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.db import Database
from monitor.store.repository import Repository

DEMO = SiteConfig(id="demo", name="示例市人民政府", start_urls=["http://127.0.0.1:9/list.html"])
COUNTY = SiteConfig(id="county", name="样本县人民政府",
                    start_urls=["http://127.0.0.1:9/county/list.html"])
SITES = (DEMO, COUNTY)
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)

PLAN_URL = "http://127.0.0.1:9/art/2021/2/18/art_1_1.html"
FUND_URL = "http://127.0.0.1:9/art/2021/3/2/art_1_2.html"
TAX_URL = "http://127.0.0.1:9/art/2021/1/5/art_1_3.html"
TRAD_URL = "http://127.0.0.1:9/art/2020/12/1/art_1_4.html"
XSS_URL = "http://127.0.0.1:9/county/art/2021/3/1/art_2_9.html"

# Payloads as a portal could publish them (entity-escaped in its HTML, so extraction yields them
# as text), and live markup in the raw page itself.
PAYLOAD_TITLE = "<script>window.__pwned=1</script>关于<img src=x onerror=window.__pwned=2>的通知"
PAYLOAD_META = "<svg onload=window.__pwned=3>"
PAYLOAD_TEXT = "<svg><script>window.__pwned=4</script></svg>第二段<b onmouseover=window.__pwned=5>"
RAW_PAYLOADS = """<script>window.__pwned='raw'; parent.__pwned='raw'; alert('raw')</script>
<img src="x" onerror="parent.__pwned='img'; alert('img')">
<a id="jslink" href="javascript:parent.__pwned='link';alert('link')">点这里</a>
<svg><script>parent.__pwned='svg'; alert('svg')</script></svg>
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">"""


def page(*, title: str, publisher: str, doc_no: str, status: str, published: str,
         paragraphs: list[str], category: str = "综合政务", raw_extra: str = "",
         attachments: tuple[tuple[str, str], ...] = ()) -> str:
    e = escape
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    links = "".join(f'<p><a href="{e(href)}">{e(name)}</a></p>' for name, href in attachments)
    return f"""<html><head><meta charset="utf-8"><title>{e(title)}_政府网站</title></head><body>
<table class="xxgk">
<tr><td>索引号</td><td>014006438/2021-00798</td><td>发布机构</td><td>{e(publisher)}</td></tr>
<tr><td>文号</td><td>{e(doc_no)}</td><td>效力状况</td><td>{e(status)}</td></tr>
<tr><td>主题分类</td><td>{e(category)}</td><td>发布日期</td><td>{e(published)}</td></tr>
</table>
<div id="zoom"><p>{e(title)}</p>{body}{links}</div>{raw_extra}
</body></html>"""


def plan_page(gdp: str = "7%", status: str = "有效", extra: bool = False) -> str:
    paragraphs = [f"全市经济社会发展主要预期目标是：地区生产总值增长{gdp}；"
                  "规模以上工业增加值增长8%。",
                  "重点抓好以下九个方面工作。",
                  "一是坚持创新驱动发展，加快建设科技强市。",
                  "二是深化改革开放，持续优化营商环境。",
                  "三是推进乡村振兴，促进城乡融合发展。"]
    if extra:
        paragraphs.append("新增：全面落实减税降费政策，支持中小企业发展。")
    return page(title="2021年政府工作重点", publisher="示例市发展和改革委员会",
                doc_no="示发改〔2021〕1号", status=status, published="2021-02-18",
                category="计划规划", paragraphs=paragraphs)


FUND_PAGE = page(title="关于下达2021年度专项资金补贴的通知", publisher="示例市财政局",
                 doc_no="示财〔2021〕12号", status="有效", published="2021-03-02", category="财政",
                 paragraphs=["各区财政局：现将2021年度工业转型升级专项资金补贴下达给你们。",
                             "请按规定用途使用，专款专用。"],
                 attachments=(("资金分配表.xlsx", "/files/fund.xlsx"),))
TAX_PAGE = page(title="关于做好春节期间有关工作的通知", publisher="示例市人民政府办公室",
                doc_no="示政办发〔2021〕2号", status="有效", published="2021-01-05",
                paragraphs=["落实税收优惠，做好节日市场供应。", "加强安全生产检查。"])
TRAD_PAGE = page(title="關於促進經濟發展的若干意見", publisher="示例市人民政府",
                 doc_no="示政發〔2020〕30號", status="有效", published="2020-12-01",
                 paragraphs=["為促進經濟高質量發展，提出如下意見。", "一、優化營商環境。"])


def xss_page(second: bool = False) -> str:
    paragraphs = ["<script>window.__pwned=6</script>正文第一段，关于税收优惠政策的说明。",
                  PAYLOAD_TEXT + ("，已修改" if second else "")]
    return page(title=PAYLOAD_TITLE, publisher="样本县<b onmouseover=window.__pwned=7>办公室",
                doc_no="javascript:alert(5)", status="有效" if not second else "废止",
                published="2021-03-01", paragraphs=paragraphs, raw_extra=RAW_PAYLOADS,
                category=PAYLOAD_META)


@dataclass(frozen=True)
class Sample:
    plan: int
    fund: int
    tax: int
    trad: int
    xss: int


class _Crawler:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.now = START

    def run(self, site: SiteConfig, *pages: tuple[str, str]) -> None:
        run = start_run(self.database, site, now=self.now)
        ingestor = Ingestor(self.database, site, run)
        for url, html in pages:
            raw = html.encode("utf-8")
            extraction = extract(raw, url)
            if url == XSS_URL:
                # An attachment link no extractor should keep, to check the page never links it.
                extraction = dataclasses.replace(extraction, attachments=(
                    *extraction.attachments,
                    Attachment(name="<i onclick=window.__pwned=8>细则</i>.pdf",
                               url="javascript:parent.__pwned='attachment'")))
            ingestor.page(PageResult(site_id=site.id, url=url, fetched_url=url,
                                     outcome=FetchOutcome.OK, fetched_at=self.now,
                                     http_status=200, raw=raw, content_type="text/html",
                                     extraction=extraction))
        finish_run(self.database, site, run, CrawlState(list_pages=1), reason="finished",
                   counters={}, now=self.now + timedelta(minutes=5))
        self.now += timedelta(days=1)


def build(database: Database) -> Sample:
    crawl = _Crawler(database)
    crawl.run(DEMO, (PLAN_URL, plan_page()), (TAX_URL, TAX_PAGE))
    crawl.run(COUNTY, (XSS_URL, xss_page()))
    crawl.run(DEMO, (PLAN_URL, plan_page(gdp="6.5%", extra=True)), (FUND_URL, FUND_PAGE),
              (TRAD_URL, TRAD_PAGE), (TAX_URL, TAX_PAGE))
    crawl.run(DEMO, (PLAN_URL, plan_page(gdp="6.5%", extra=True, status="失效")))
    crawl.run(COUNTY, (XSS_URL, xss_page(second=True)))
    with database.session() as session:
        repo = Repository(session)
        ids = {url: doc.id for site in SITES
               for url, doc in repo.find_documents(site.id, [PLAN_URL, FUND_URL, TAX_URL,
                                                             TRAD_URL, XSS_URL]).items()}
    return Sample(plan=ids[PLAN_URL], fund=ids[FUND_URL], tax=ids[TAX_URL], trad=ids[TRAD_URL],
                  xss=ids[XSS_URL])
