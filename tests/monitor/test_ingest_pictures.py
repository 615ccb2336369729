"""A document that is its pictures (a scanned notice, a 招聘公告 set as one image), through the
real extraction and ingest on SQLite and PostgreSQL: its pictures are kept as attachments, so a
replaced picture is a change and the same picture moved to another path is not. The harness is
tests/monitor/test_ingest.py's.
"""

from __future__ import annotations

import hashlib

from crawler.items import FetchedAttachment
from crawler.outcomes import FetchOutcome
from tests.monitor.test_ingest import URL, Fetch, Harness, harness

__all__ = ["harness"]

NOTICE = """<html><head><title>2026年春季招聘公告_示例市人民政府</title></head><body>
<table class="xxgk"><tr><td>索引号</td><td>014006438/2026-00001</td><td>发布机构</td>
<td>示例市人力资源和社会保障局</td></tr><tr><td>文号</td><td></td><td>效力状况</td><td>有效</td></tr>
</table><div id="zoom"><p><img src="{src}" alt="招聘公告"></p></div></body></html>"""
FIRST = "http://127.0.0.1:1/upload/2026/03/01/zhaopin.jpg"


def _picture(url: str, body: bytes) -> FetchedAttachment:
    return FetchedAttachment("招聘公告", url, FetchOutcome.OK, hashlib.sha256(body).hexdigest(),
                             len(body), "image/jpeg", body)


def test_a_replaced_picture_is_a_change(harness: Harness) -> None:
    harness.run(Fetch(URL, NOTICE.format(src=FIRST), attachments=(_picture(FIRST, b"jpg v1"),)))
    second = FIRST.replace("zhaopin", "zhaopin_v2")
    harness.run(Fetch(URL, NOTICE.format(src=second),
                      attachments=(_picture(second, b"jpg v2"),)))
    assert harness.kinds() == ["new", "changed"]
    assert [a["url"] for a in harness.versions()[-1].attachments] == [second]


def test_the_same_picture_at_another_path_is_not(harness: Harness) -> None:
    harness.run(Fetch(URL, NOTICE.format(src=FIRST), attachments=(_picture(FIRST, b"jpg v1"),)))
    moved = "http://127.0.0.1:1/cms/files/2026/zhaopin.jpg"
    harness.run(Fetch(URL, NOTICE.format(src=moved), attachments=(_picture(moved, b"jpg v1"),)))
    assert harness.kinds() == ["new"]
