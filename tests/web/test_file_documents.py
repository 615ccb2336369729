"""A document that is a file (a list row linking straight to a PDF) in the archive browser:
titled by its row, its file downloadable from the document page, and its "snapshot" a download,
never bytes rendered as a page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.items import PageResult
from crawler.outcomes import FetchOutcome
from monitor.ingest import Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.db import Database
from monitor.store.repository import Repository
from monitor.web.app import create_app
from tests.web.archive import DEMO, START
from tests.web.conftest import SETTINGS, TestClient

URL = "http://127.0.0.1:9/uploadfiles/2021/03/P020210310_plan.pdf"
TITLE = "示例市国民经济和社会发展第十四个五年规划纲要"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def file_client(database: Database) -> Iterator[tuple[TestClient, int]]:
    run = start_run(database, DEMO, now=START)
    ingestor = Ingestor(database, DEMO, run)
    ingestor.page(PageResult(site_id=DEMO.id, url=URL, fetched_url=URL, outcome=FetchOutcome.OK,
                             fetched_at=START, http_status=200, raw=PDF,
                             content_type="application/pdf", extraction=extract(PDF, URL),
                             list_title=TITLE, list_date="2021-03-10", listed=True))
    finish_run(database, DEMO, run, CrawlState(list_pages=1), reason="finished", counters={},
               now=START + timedelta(minutes=1))
    with database.session() as session:
        doc = Repository(session).find_document(DEMO.id, URL)
    assert doc is not None
    with TestClient(create_app(database, SETTINGS, sites_config=(DEMO,)),
                    raise_server_exceptions=False) as client:
        yield client, doc.id


def test_a_file_document_is_titled_by_its_row_and_its_file_downloads(
        file_client: tuple[TestClient, int]) -> None:
    client, doc_id = file_client
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and TITLE in page.text
    assert f"/documents/{doc_id}/versions/1/attachments/0" in page.text
    listed = client.get("/documents?baseline=true").text
    assert TITLE in listed
    # Found by the words of its row's title, on both databases.
    found = client.get("/documents", params={"q": "五年规划纲要"}).text
    assert f"/documents/{doc_id}" in found
    download = client.get(f"/documents/{doc_id}/versions/1/attachments/0")
    assert download.status_code == 200 and download.content == PDF
    assert "P020210310_plan.pdf" in download.headers["content-disposition"]


def test_a_file_documents_snapshot_is_a_download_not_a_page(
        file_client: tuple[TestClient, int]) -> None:
    client, doc_id = file_client
    wrapper = client.get(f"/documents/{doc_id}/versions/1/snapshot").text
    assert "<iframe" not in wrapper and "下载第 1 版的文件" in wrapper and TITLE in wrapper
    raw = client.get(f"/documents/{doc_id}/versions/1/raw")
    assert raw.status_code == 200 and raw.content == PDF
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-disposition"].startswith("attachment;")
    assert raw.headers["content-security-policy"].startswith("sandbox;")
