"""The same text at two outlets, on the archive browser: the document page lists the other
outlet (other sites first) and the comparison page shows what differs in their shared passage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.ingest import Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.db import Database
from monitor.store.repository import Repository
from monitor.web.app import create_app
from tests.web.archive import COUNTY, DEMO, SITES, START, page
from tests.web.conftest import SETTINGS

PARAGRAPHS = [
    "全市经济社会发展主要预期目标是：地区生产总值增长7%；规模以上工业增加值增长8%；社会消费品"
    "零售总额增长8%；外贸进出口稳中提质；实际使用外资38亿美元；一般公共预算收入增长5%。",
    "做强太湖湾科创带主引擎。落实建设规划和年度工作要点，出台突破性支持政策，设立科创带创新发展"
    "基金，健全跨区域统筹协调和联动推进机制。实施重大科技基础设施领航计划，加快建设太湖实验室。",
    "支持集成电路应用创新中心、先进技术研究院、国际院士研究中心等重大创新平臺建设，争创国家高性"
    "能计算应用技术创新中心。落实科技改革三十条，调整科技创新券政策，完善人才发展体制机制。",
    "加快建设现代产业体系。实施产业强市主导战略，推动物联网、集成电路、生物医药、软件与信息技术"
    "服务等产业集群发展，培育一批百亿级企业，新增独角兽企业和瞪羚企业，打造国家级示范点。",
]
REPRINT = [p.replace("调整科技创新券", "完善科技创新券").replace("示范点", "示范城市")
           for p in PARAGRAPHS]


def ingest(database: Database, site_id: str, url: str, html: str) -> int:
    site = next(s for s in SITES if s.id == site_id)
    run = start_run(database, site, now=START)
    raw = html.encode("utf-8")
    Ingestor(database, site, run).page(PageResult(
        site_id=site.id, url=url, fetched_url=url, outcome=FetchOutcome.OK, fetched_at=START,
        http_status=200, raw=raw, content_type="text/html", extraction=extract(raw, url)))
    finish_run(database, site, run, CrawlState(list_pages=1), reason="finished", counters={},
               now=START)
    with database.session() as session:
        doc = Repository(session).find_document(site.id, url)
        assert doc is not None
        return doc.id


@pytest.fixture
def pair(database: Database) -> Iterator[tuple[TestClient, int, int]]:
    plan = ingest(database, DEMO.id, "http://127.0.0.1:9/art/2021/2/18/art_9_1.html",
                  page(title="2021年政府工作重点", publisher="示例市发展和改革委员会",
                       doc_no="示发改〔2021〕3号", status="有效", published="2021-02-18",
                       paragraphs=PARAGRAPHS))
    reprint = ingest(database, COUNTY.id, "http://127.0.0.1:9/county/art/2021/1/25/a_1.html",
                     page(title="政府工作报告（摘登）", publisher="示例日报", doc_no="—",
                          status="有效", published="2021-01-25", paragraphs=REPRINT))
    with TestClient(create_app(database, SETTINGS, sites_config=SITES)) as client:
        yield client, plan, reprint


def test_document_page_lists_the_other_outlet(pair: tuple[TestClient, int, int]) -> None:
    client, plan, reprint = pair
    html = client.get(f"/documents/{plan}").text
    assert "相同文本的其他出处" in html
    assert f'href="/documents/{plan}/outlets/{reprint}"' in html
    assert "政府工作报告（摘登）" in html


def test_outlet_page_shows_only_the_real_differences(pair: tuple[TestClient, int, int]) -> None:
    client, plan, reprint = pair
    response = client.get(f"/documents/{plan}/outlets/{reprint}?view=inline")
    assert response.status_code == 200
    html = response.text
    assert "<del>调整</del><ins>完善</ins>" in html.replace("\n", "")
    assert "示范<del>点</del><ins>城市</ins>" in html.replace("\n", "")
    assert client.get(f"/documents/{plan}/outlets/999999").status_code == 404
