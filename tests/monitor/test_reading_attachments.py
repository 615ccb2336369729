"""monitor.reading.resolve_attachments and likeness match attachments by canonical URL: versions
stored before extraction canonicalised attachment links kept them as the page had them."""

from __future__ import annotations

from crawler.extraction.result import Attachment
from crawler.items import FetchedAttachment
from crawler.outcomes import FetchOutcome
from monitor.fingerprint import attachment_key
from monitor.reading import resolve_attachments

LINKED = "http://www.example.gov.cn/module/download/downfile.jsp?filename=plan.pdf&t=1712345678"
CANONICAL = "http://www.example.gov.cn/module/download/downfile.jsp?filename=plan.pdf"


def test_a_failed_download_keeps_the_hash_stored_under_the_tokened_url() -> None:
    previous = [{"name": "示例市专项规划", "url": LINKED, "sha256": "ab" * 32, "size": 9,
                 "etag": '"v1"', "last_modified": None}]
    failed = FetchedAttachment("plan.pdf", CANONICAL, FetchOutcome.TIMEOUT)
    (found,) = resolve_attachments([Attachment("plan.pdf", CANONICAL)], [failed], previous)
    assert (found["sha256"], found["size"], found["etag"]) == ("ab" * 32, 9, '"v1"')


def test_a_download_handed_on_under_the_url_as_linked_is_the_listed_file() -> None:
    body = b"%PDF-1.4"
    fetched = FetchedAttachment("示例市专项规划", LINKED, FetchOutcome.OK, "cd" * 32, len(body),
                                "application/pdf", body)
    (found,) = resolve_attachments([Attachment("示例市专项规划", CANONICAL)], [fetched], [])
    assert (found["url"], found["sha256"]) == (CANONICAL, "cd" * 32)


def test_an_unknown_file_is_compared_by_its_canonical_url() -> None:
    assert attachment_key({"url": LINKED, "sha256": None}) == \
        attachment_key({"url": CANONICAL + "#page=2", "sha256": None}) == "url:" + CANONICAL
    assert attachment_key({"url": CANONICAL, "sha256": "ab" * 32}) == "ab" * 32


def test_a_change_set_matches_files_by_their_canonical_url() -> None:
    # A version stored with the token in the link, then an edit to the text: the file is the
    # same one, not "removed" and "added".
    from monitor.changes import Snapshot, compare

    old = Snapshot("通知", "第一段。", {}, [{"name": "附件.pdf", "url":
                   "http://127.0.0.1:1/downfile.jsp?filename=plan.pdf&t=1712345678"}])
    new = Snapshot("通知", "第一段有修改。", {}, [{"name": "申报表.pdf", "url":
                   "http://127.0.0.1:1/downfile.jsp?filename=plan.pdf&t=1712349999"}])
    change = compare(old, new)
    assert change.text_changed
    assert change.attachments == {"added": [], "removed": [], "changed": []}
