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
