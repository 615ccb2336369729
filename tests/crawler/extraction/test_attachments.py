"""Which links are attachments (more cases, with names, in tests/golden/pages.yaml)."""

from __future__ import annotations

import pytest

from crawler.extraction.attachments import attachment_extension


@pytest.mark.parametrize(("url", "extension"), [
    ("http://x.gov.cn/a/P020210218.pdf", "pdf"), ("http://x.gov.cn/a/b.DOCX", "docx"),
    ("http://x.gov.cn/a/b.wps", "wps"), ("http://x.gov.cn/a/b.ofd", "ofd"),
    ("http://x.gov.cn/a/b.xls?v=2", "xls"), ("http://x.gov.cn/a/b.xlsx", "xlsx"),
    ("http://x.gov.cn/a/b.zip", "zip"), ("http://x.gov.cn/a/b.rar", "rar"),
    ("http://x.gov.cn/download.jsp?file=x.pdf", "pdf"),
    ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2103.doc", "doc"),
    ("http://x.gov.cn/a/%E7%94%B3%E6%8A%A5%E8%A1%A8.docx", "docx"),
    ("http://x.gov.cn/a/index.html", None), ("http://x.gov.cn/pdf/list.html", None),
    ("http://x.gov.cn/a/b.pdf.html", None),
])
def test_attachment_extension(url: str, extension: str | None) -> None:
    assert attachment_extension(url) == extension
