"""Redirects are followed (crawler.redirects): a column URL answering 301 to its folder, a document
moved to a new address, a file moved to the file server — while a redirect to 首页 or a login
page is neither the column, nor the document, nor evidence that the document is gone.
Real crawls of ``tests/crawler/columns.Column`` (TRS markup after the 邯郸 list).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from monitor.demo.server import Page, PortalServer
from tests.crawler.columns import HTML, PREFIX, Column, doc, docs
from tests.crawler.crawlrun import Archive, archive, crawl, write_config
from tests.crawler.portals import SITE_NAME, detail_html, page
from tests.crawler.test_crawl_families import make_due

pytestmark = pytest.mark.slow
SITE = "col"


def moved_to(location: str, status: int = 301) -> Page:
    return Page(b"", status=status, headers={"Location": location})


HOME = page((f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{SITE_NAME}</title></head>'
             '<body><div class="news"><h2>政务要闻</h2><ul>' + "".join(
                 f'<li><a href="/xwdt/202102/t202102{n:02d}_90{n:02d}.html">全市经济运行情况新闻'
                 f"发布会第{n}场实录</a><span>2021-02-{n:02d}</span></li>" for n in range(1, 6))
             + "</ul></div></body></html>").encode(), HTML)


def run(tmp_path: Path, db_url: str, server: PortalServer, start: str, *,
        exit_code: int = 0, **extra: object) -> tuple[str, Archive]:
    config = write_config(tmp_path / "sites.yaml", [{
        "id": SITE, "start_urls": [server.url(start)], "download_delay": 0, **extra}])
    done = crawl(config, db_url)
    assert done.returncode == exit_code, done.stdout + done.stderr
    return done.stdout, archive(db_url, SITE)


def detail_outcomes(stored: Archive) -> dict[str, tuple[str, int | None]]:
    return {f.url: (f.outcome, f.http_status) for f in stored.fetches if f.kind == "detail"}


def test_a_column_url_answering_301_to_its_folder_is_read_there(tmp_path: Path,
                                                                sqlite_url: str) -> None:
    # The user pasted …/jinqixxgk (no slash); nginx answers 301 → …/jinqixxgk/, whose rows
    # link ./202103/t….html and whose pager goes on to index_1.html, relative to the folder.
    column = Column(docs(10), relative=True)
    folder = PREFIX.rstrip("/")
    pages = column.pages()
    pages[PREFIX] = pages[column.start]
    pages[folder] = moved_to(PREFIX)
    with PortalServer(pages) as server:
        _, stored = run(tmp_path, sqlite_url, server, folder)
        assert set(stored.documents) == {server.url(d.path) for d in column.docs}
        assert stored.run.status == "ok" and stored.run.list_complete
        paths = [r.path for r in server.requests]
        assert paths.count(folder) == 1 and paths.count(PREFIX) == 1
        assert column.list_path(1) in paths and column.list_path(2) in paths


def test_a_moved_document_keeps_the_identity_it_was_listed_under(tmp_path: Path,
                                                                 sqlite_url: str) -> None:
    # The list still links /zfwj/…/t…_5003.html; the portal answers 301 → /xxgk/zfwj/… .
    column = Column(docs(3))
    moved = column.docs[0]
    new_path = "/xxgk" + moved.path
    pages = column.pages()
    pages[new_path] = pages[moved.path]
    pages[moved.path] = moved_to(new_path)
    with PortalServer(pages) as server:
        _, first = run(tmp_path, sqlite_url, server, column.start)
        listed_url, landed_url = server.url(moved.path), server.url(new_path)
        assert set(first.documents) == {server.url(d.path) for d in column.docs}
        assert landed_url not in first.documents
        (version,) = first.versions[listed_url]
        assert version.url == landed_url and version.title == moved.title
        assert detail_outcomes(first)[landed_url] == ("ok", 200)
        assert first.run.status == "ok"
        # A month later: asked for conditionally at the old URL, the 304 comes from the new
        # one — unchanged, no version, no event.
        make_due(sqlite_url)
        server.clear_requests()
        _, second = run(tmp_path, sqlite_url, server, column.start)
        landed = [r for r in server.requests if r.path == new_path]
        assert len(landed) == 1 and "If-None-Match" in landed[0].headers
        assert detail_outcomes(second)[landed_url] == ("not_modified", 304)
        assert len(second.versions[listed_url]) == 1 and second.run.stats["events"] == {}


def test_a_document_sent_to_home_or_a_login_page_is_neither_content_nor_gone(
        tmp_path: Path, sqlite_url: str) -> None:
    column = Column(docs(4))
    kept, fresh = column.docs[1], doc(99, day=28)
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column.start)
        # The portal now sends a known document's URL to 首页, and a new one to its SSO login.
        column.docs = [fresh, *column.docs]
        login = "/sso/login?service=" + fresh.path
        pages = column.pages({kept.path: moved_to("/", 302), fresh.path: moved_to(login, 302),
                              "/": HOME, "/sso/login": page(
                                  b'<html><body><form><input type="password"></form></body>'
                                  b"</html>", HTML)})
        server.set_pages(pages)
        for _ in range(3):
            make_due(sqlite_url)
            _, stored = run(tmp_path, sqlite_url, server, column.start)
            outcomes = detail_outcomes(stored)
            assert outcomes[server.url("/")][0] == "redirected"
            assert outcomes[server.url(login)][0] == "denied"
            doc_kept = stored.documents[server.url(kept.path)]
            assert doc_kept.state == "active" and doc_kept.gone_runs == 0
            assert len(stored.versions[doc_kept.url]) == 1
            assert server.url(fresh.path) not in stored.documents
            assert not [u for u in stored.documents if "/xwdt/" in u]
            assert stored.run.stats["events"] == {}


def test_a_list_page_sent_to_home_is_a_failed_list_page(tmp_path: Path,
                                                        sqlite_url: str) -> None:
    column = Column(docs(12))
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column.start)
        server.set_pages(column.pages({column.list_path(1): moved_to("/", 302), "/": HOME}))
        make_due(sqlite_url)
        summary, stored = run(tmp_path, sqlite_url, server, column.start,
                              stop_after_known_pages=0)
        (failed,) = [f for f in stored.fetches if f.kind == "list" and f.outcome != "ok"]
        assert failed.outcome == "redirected" and "an index page" in (failed.detail or "")
        assert stored.run.status == "partial" and not stored.run.list_complete
        assert "redirected from" in summary
        assert not [u for u in stored.documents if "/xwdt/" in u]
        assert all(d.state == "active" for d in stored.documents.values())


def test_a_redirect_loop_is_followed_to_the_hop_limit_and_reported(tmp_path: Path,
                                                                   sqlite_url: str) -> None:
    # A cookie wall reloading itself without its JavaScript: REDIRECT_MAX_TIMES (5) hops.
    column = Column(docs(3))
    wall = column.docs[0]
    with PortalServer(column.pages({wall.path: moved_to(wall.path, 302)})) as server:
        _, stored = run(tmp_path, sqlite_url, server, column.start)
        assert [r.path for r in server.requests].count(wall.path) == 6
        outcome = detail_outcomes(stored)[server.url(wall.path)]
        assert outcome[0] == "challenge"
        assert server.url(wall.path) not in stored.documents


def test_an_attachment_moved_to_the_file_server_is_stored(tmp_path: Path,
                                                          sqlite_url: str) -> None:
    column = Column(docs(3))
    first = column.docs[0]
    old, new = f"{PREFIX}files/P020210310.pdf", "/files/2021/P020210310.pdf"
    column.docs[0] = replace(first, attachments=(("附件1：任务分解表.pdf", old),))
    body = b"%PDF-1.4\n" + "任务分解表".encode() + b"\n%%EOF\n"
    pages = column.pages({old: moved_to(new, 302), new: page(body, "application/pdf")})
    pages[first.path] = page(detail_html(column.docs[0]).encode(), HTML)
    with PortalServer(pages) as server:
        _, stored = run(tmp_path, sqlite_url, server, column.start)
        (attachment,) = stored.versions[server.url(first.path)][0].attachments
        assert attachment["url"] == server.url(old) and attachment["sha256"] is not None
        assert attachment["size"] == len(body)
