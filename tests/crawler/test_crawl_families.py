"""Crawling a portal of each CMS family from its list URL alone (``tests/crawler/portals.py``):
every document found exactly once, nothing of the chrome taken for a document, and later runs
asking only for what they must (the server's request log says what was asked).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.demo.server import Page, PortalServer, make_etag
from monitor.store.db import open_database
from monitor.store.repository import Repository
from tests.crawler.crawlrun import archive, crawl, write_config
from tests.crawler.portals import HANWEB_FORM, families, site_config

pytestmark = pytest.mark.slow
SITES = ("trs", "hanweb", "ucap", "jsp")


def make_due(db_url: str) -> None:
    """Time passes: every known document's recheck comes due."""
    from datetime import UTC, datetime

    database = open_database(db_url)
    try:
        with database.session() as session:
            repo = Repository(session)
            for doc in list(repo.iter_documents()):
                repo.update_document(doc.id, next_check_at=datetime.now(UTC))
    finally:
        database.dispose()


def _touch(page: Page, note: bytes, body: bytes | None = None) -> Page:
    """The same page with other bytes: a counter or a clock, or the given new body."""
    new = body if body is not None else page.body + b"<!-- " + note + b" -->"
    return replace(page, body=new, etag=make_etag(new))


def test_families_first_run_then_incremental_runs(db_url: str, tmp_path: Path) -> None:
    portal = families()
    with PortalServer(portal.pages) as server:
        sites = [site_config(portal, server.base_url, site) for site in SITES]
        config = write_config(tmp_path / "sites.yaml", sites)

        # 1. The baseline: every document of every family, once, with its attachment.
        first = crawl(config, db_url)
        assert first.returncode == 0, first.stdout + first.stderr
        asked = Counter((r.method, r.path) for r in server.requests)
        for site in SITES:
            stored = archive(db_url, site)
            assert stored.run.status == "ok", (site, stored.run.message)
            assert set(stored.documents) == {server.url(d.path) for d in portal.docs[site]}, site
            for doc in portal.docs[site]:
                versions = stored.versions[server.url(doc.path)]
                assert len(versions) == 1, doc.path
                assert [a["sha256"] is not None for a in versions[0].attachments] == [
                    True for _ in doc.attachments], doc.path
                assert asked[("GET", doc.path)] == 1, doc.path
        # Chrome: nav, the 热点 side bar (document-shaped URLs with dates) and the footer.
        assert not [path for _, path in asked if path.startswith(("/xwdt/", "/art/2020/"))]
        assert not [path for _, path in asked if path.startswith(("/col/col12/", "/wzdt/"))]
        # Hanweb's later groups come from the data proxy, by POST, each once.
        assert asked[("POST", "/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=12"
                              "&perpage=3")] == 1
        assert asked[("POST", "/module/web/jpage/dataproxy.jsp?startrecord=13&endrecord=18"
                              "&perpage=3")] == 1
        posts = [r for r in server.requests if r.method == "POST"]
        assert all(r.headers["Content-Type"] == "application/x-www-form-urlencoded"
                   for r in posts)

        # 2. Nothing new, nothing due (March 2021 is old for the default recheck policy): each
        # site's robots.txt and first list page, and nothing else.
        server.clear_requests()
        second = crawl(config, db_url)
        assert second.returncode == 0, second.stdout + second.stderr
        assert sorted((r.method, r.path) for r in server.requests) == sorted(
            [("GET", "/robots.txt")] * len(SITES)
            + [("GET", portal.start[site]) for site in SITES])
        assert "events: none" in second.stdout

        # 3. A month later everything is due: conditional requests, 304s, no extraction; each
        # known attachment asked for conditionally too (a file can be replaced behind a page
        # that did not change), each once, and nothing stored for the 304s.
        make_due(db_url)
        server.clear_requests()
        third = crawl(config, db_url)
        assert third.returncode == 0, third.stdout + third.stderr
        details = {d.path for site in SITES for d in portal.docs[site]}
        files = {path for site in SITES for d in portal.docs[site] for _, path in d.attachments}
        requests = server.requests
        rechecked = [r for r in requests if r.path in details]
        assert sorted(r.path for r in rechecked) == sorted(details)
        assert all("If-None-Match" in r.headers and "If-Modified-Since" in r.headers
                   for r in rechecked)
        asked_files = [r for r in requests if r.path in files]
        assert sorted(r.path for r in asked_files) == sorted(files)
        assert all("If-None-Match" in r.headers for r in asked_files)
        for site in SITES:
            stored = archive(db_url, site)
            outcomes = Counter(f.outcome for f in stored.fetches if f.kind == "detail")
            assert outcomes == {"not_modified": len(portal.docs[site])}, (site, outcomes)
            assert all(len(v) == 1 for v in stored.versions.values()), site
        assert "events: none" in third.stdout

        # 4. A page whose bytes changed (a counter) is re-extracted, its unchanged attachment
        # asked for conditionally (304); a page whose attachment was replaced at the same URL
        # gets a new version, whether the page changed too or not at all (a 304).
        counter, replaced = portal.docs["trs"][0], portal.docs["trs"][3]
        behind = portal.docs["trs"][5]
        pages = dict(portal.pages)
        pages[counter.path] = _touch(pages[counter.path], b"views 12")
        pages[replaced.path] = _touch(pages[replaced.path], b"views 40")
        for changed in (replaced, behind):
            file_path = changed.attachments[0][1]
            pages[file_path] = _touch(pages[file_path], b"",
                                      b"%PDF-1.4\nrevised table\n%%EOF\n")
        server.set_pages(pages)
        make_due(db_url)
        server.clear_requests()
        fourth = crawl(config, db_url, "trs")
        assert fourth.returncode == 0, fourth.stdout + fourth.stderr
        by_path = {r.path: r for r in server.requests}
        kept = by_path[counter.attachments[0][1]]
        assert kept.headers.get("If-None-Match") == portal.pages[counter.attachments[0][1]] \
            .quoted_etag
        stored = archive(db_url, "trs")
        assert len(stored.versions[server.url(counter.path)]) == 1
        for changed in (replaced, behind):
            versions = stored.versions[server.url(changed.path)]
            assert len(versions) == 2, changed.path
            assert versions[0].attachments[0]["sha256"] != versions[1].attachments[0]["sha256"]
            assert versions[0].text == versions[1].text
        assert "events: changed 2" in fourth.stdout
        page_fetches = {f.url: f.outcome for f in stored.fetches if f.kind == "detail"}
        assert page_fetches[server.url(behind.path)] == "not_modified"


def test_hanweb_form_is_the_pages_ajax_param() -> None:
    from crawler.discovery import discover

    portal = families()
    source = portal.pages[portal.start["hanweb"]].body.decode("gbk")
    listing = discover(source, "http://127.0.0.1:1/col/col3371/index.html",
                       domains=["127.0.0.1"])
    (following,) = listing.next
    assert following.method == "POST"
    assert dict(following.form) == HANWEB_FORM
    assert listing.family == "hanweb" and len(listing.links) == 6
