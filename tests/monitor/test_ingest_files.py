"""Documents that are files (crawler.extraction.files) through ingest: a PDF replaced by a
version whose text cannot be read (a scan, a locked file) is a change, never held as an error
page; the same bytes again are nothing."""

from __future__ import annotations

from pathlib import Path

from monitor.ingest import Ingested
from tests.monitor.test_ingest import Fetch, Harness, harness

__all__ = ["harness"]

FILES = Path(__file__).parents[1] / "crawler" / "files"
PDF_URL = "http://127.0.0.1:9/uploadfiles/2021/03/P020210310_plan.pdf"
SCAN = b"%PDF-1.4\n% a scanned page: pictures only\n"


def test_a_pdf_replaced_by_its_scan_is_a_change(harness: Harness) -> None:
    text_version = (FILES / "plan-v1.pdf").read_bytes()
    assert harness.run(Fetch(PDF_URL, None, raw=text_version)) == [Ingested.NEW]
    assert "地区生产总值年均增长7%左右" in harness.versions(PDF_URL)[0].text
    assert harness.run(Fetch(PDF_URL, None, raw=SCAN)) == [Ingested.CHANGED]
    assert harness.run(Fetch(PDF_URL, None, raw=SCAN)) == [Ingested.UNCHANGED]
    versions = harness.versions(PDF_URL)
    assert [v.text == "" for v in versions] == [False, True]
    assert versions[0].attachments[0]["sha256"] != versions[1].attachments[0]["sha256"]
    assert harness.kinds(PDF_URL) == ["new", "changed"]
