"""``extract()`` as the rest of govwatch sees it: never raises, says what is missing, and hands
over DESIGN.md's document fields."""

from __future__ import annotations

import pytest

from crawler.extraction import EXTRACTOR_VERSION, ExtractOptions, extract


@pytest.mark.parametrize("raw", [
    b"", b"\x00\x01\x02\xff\xfe", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b"<?xml version='1.0' encoding='gbk'?><rss><item>x</item></rss>", b"<html>",
    "<p>中文</p>".encode("utf-16"),
    b"<html><body>" + b"<div>" * 3000 + b"x" + b"</div>" * 3000 + b"</body></html>",
], ids=["empty", "binary", "pdf", "xml", "unclosed", "utf-16", "deep"])
def test_never_raises(raw: bytes) -> None:
    x = extract(raw, "http://www.example.gov.cn/a.html")
    assert x.extractor_version == EXTRACTOR_VERSION
    # A file (here a PDF) is kept whole and says so; a page says when it has no body.
    assert x.has_body or "no body text found" in x.warnings or (
        x.is_file and x.warnings[0].startswith("the document is a file (pdf"))


def test_bad_selectors_are_ignored() -> None:
    x = extract('<html><body><div id="zoom"><p>正文。</p></div></body></html>'.encode(),
                "http://x.gov.cn/1.html",
                options=ExtractOptions(metadata_selector="div[", body_selector="::bad"))
    assert x.text == "正文。"


def test_configured_selectors_win() -> None:
    html = ('<html><body><div class="m">索引号：A-1 发布机构：示例局</div>'
            '<div class="bd"><p>甲。</p></div><div class="content"><p>乙，不是正文。</p></div>'
            "</body></html>")
    x = extract(html.encode(), "http://x.gov.cn/1.html",
                options=ExtractOptions(metadata_selector="div.m", body_selector="div.bd"))
    assert x.metadata == {"index_no": "A-1", "publisher": "示例局"}
    assert x.text == "甲。"


def test_document_fields() -> None:
    x = extract('<html><head><title>甲_示例市</title></head><body><div id="zoom"><p>正文。</p>'
                '<a href="/a.pdf">附件</a></div></body></html>'.encode(),
                "http://x.gov.cn/art/2021/2/18/art_1_2.html")
    fields = x.as_dict()
    assert list(fields)[:7] == ["type", "url", "title", "metadata", "metadata_raw", "text",
                                "attachments"]
    assert fields["attachments"] == [{"name": "a.pdf", "url": "http://x.gov.cn/a.pdf",
                                      "sha256": None}]
    assert fields["published"] == "2021-02-18"
