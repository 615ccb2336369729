"""Incremental runs over a column (crawler.walks): what an earlier run left undone is done by a
later one, a run stops early only when it may, a walk that ended short is reported and never
turned into ``removed``, and a column cut at max_list_pages says so. Real crawls of
``tests/crawler/columns.Column`` (TRS markup after the 邯郸 list) and of the Hanweb portal of
``tests/crawler/portals``; the server's request log says what each run asked for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.demo.server import Page, PortalServer
from monitor.store.db import open_database
from monitor.store.repository import Repository
from tests.crawler.columns import HTML, Column, doc, docs
from tests.crawler.crawlrun import Archive, archive, crawl, write_config
from tests.crawler.portals import hanweb_portal, site_config
from tests.crawler.test_crawl_families import make_due

pytestmark = pytest.mark.slow
SITE = "col"


def run(tmp_path: Path, db_url: str, server: PortalServer, column: Column, *,
        settings: dict[str, Any] | None = None, fails: bool = False, **extra: object
        ) -> tuple[str, Archive]:
    """One crawl of the column; the summary it printed and what the archive holds after it."""
    config = write_config(tmp_path / "sites.yaml", [{
        "id": SITE, "start_urls": [server.url(column.start)], "download_delay": 0, **extra}])
    done = crawl(config, db_url, settings=settings)
    assert done.returncode == (3 if fails else 0), done.stdout + done.stderr
    return done.stdout, archive(db_url, SITE)


def asked(server: PortalServer) -> list[str]:
    """Paths asked for since the log was cleared, robots.txt left out."""
    return [r.path for r in server.requests if r.path != "/robots.txt"]


def lists(server: PortalServer) -> list[str]:
    return [path for path in asked(server) if "/index" in path]


def urls(server: PortalServer, documents: list[Any]) -> set[str]:
    return {server.url(d.path) for d in documents}


def removed(stored: Archive) -> list[str]:
    return [url for url, d in stored.documents.items() if d.state == "removed"]


def events(db_url: str) -> list[Any]:
    database = open_database(db_url)
    try:
        with database.session() as session:
            return sorted(Repository(session).events(site_id=SITE), key=lambda e: e.id)
    finally:
        database.dispose()


def age_walks(db_url: str, days: float) -> None:
    """Time passes: the columns' last whole walks were ``days`` earlier."""
    database = open_database(db_url)
    try:
        with database.session() as session:
            repo = Repository(session)
            for url, walk in repo.column_walks(SITE).items():
                assert walk.walked_at is not None
                repo.save_column_walk(SITE, url, walked_at=walk.walked_at - timedelta(days=days))
    finally:
        database.dispose()


SERVER_ERROR = Page(b"<html><body><h1>502 Bad Gateway</h1></body></html>", status=502,
                    headers={"Content-Type": "text/html"})


# ----------------------------------------------------------------- what a run left undone


@pytest.mark.parametrize("pager", ["trs", "next"])
def test_a_list_page_that_failed_is_walked_by_the_next_run(tmp_path: Path, sqlite_url: str,
                                                           pager: str) -> None:
    column = Column(docs(12), pager=pager)
    second_page = column.list_path(1)
    with PortalServer(column.pages({second_page: SERVER_ERROR})) as server:
        _, first = run(tmp_path, sqlite_url, server, column)
        assert first.run.status == "partial" and len(first.documents) == 4
        server.set_pages(column.pages())            # the portal recovered; nothing new
        server.clear_requests()
        _, second = run(tmp_path, sqlite_url, server, column)
        # Page 1 lists only known documents, but the column was never walked whole.
        assert set(second.documents) == urls(server, column.docs)
        assert lists(server) == [column.list_path(i) for i in range(3)]
        assert second.run.status == "ok" and second.run.list_complete
        # Walked whole since the failure: the next run stops at page 1 again.
        server.clear_requests()
        _, third = run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.start]
        assert third.run.status == "ok"


def test_a_failure_in_a_later_run_makes_the_next_one_walk_whole(tmp_path: Path,
                                                                sqlite_url: str) -> None:
    column = Column(docs(12), pager="next")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        # Page 1 fails in an early-stopping run: nothing past it was read.
        server.set_pages(column.pages({column.start: SERVER_ERROR}))
        _, failed = run(tmp_path, sqlite_url, server, column, fails=True)
        assert failed.run.status == "failed"
        server.set_pages(column.pages())
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.list_path(i) for i in range(3)]


def test_a_document_whose_fetch_failed_is_asked_for_until_archived(tmp_path: Path,
                                                                   sqlite_url: str) -> None:
    column = Column(docs(12), pager="next")
    victim = column.docs[6]                          # on page 2
    error = Page(b"<html><body>500 Internal Server Error</body></html>", status=500,
                 headers={"Content-Type": "text/html"})
    with PortalServer(column.pages({victim.path: error})) as server:
        _, first = run(tmp_path, sqlite_url, server, column)
        assert server.url(victim.path) not in first.documents
        # Still failing: asked for again (and retried once), though the run stops at page 1.
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.start]
        assert asked(server).count(victim.path) == 2
        # The portal recovered: archived, with the title its list gave it.
        server.set_pages(column.pages())
        server.clear_requests()
        _, third = run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.start]
        archived = third.documents[server.url(victim.path)]
        assert archived.list_title == victim.title and len(third.versions[archived.url]) == 1
        assert third.run.stats["events"] == {"new": 1}
        # Then no more than any other known document.
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column)
        assert victim.path not in asked(server)


# ----------------------------------------------------------------- back-dated documents


def test_a_back_dated_document_is_found_when_the_pager_states_more(tmp_path: Path,
                                                                  sqlite_url: str) -> None:
    column = Column(docs(12), pager="trs")           # countPage=3
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        late = doc(77, day=2)   # 成文 long ago, published today: sorts onto page 3
        column.docs = [*column.docs[:9], late, *column.docs[9:]]   # countPage=4
        server.set_pages(column.pages())
        server.clear_requests()
        _, second = run(tmp_path, sqlite_url, server, column)
        assert server.url(late.path) in second.documents
        assert lists(server)[:3] == [column.list_path(i) for i in range(3)]
        # The count grew by what this run found: the next run stops at page 1.
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.start]
        # Four new documents on page 1 explain its fifth page: page 2 lists only known ones,
        # and the walk stops there.
        fresh = [doc(90 + n, day=28) for n in range(4)]
        column.docs = [*fresh, *column.docs]                  # 17: countPage=5
        server.set_pages(column.pages())
        server.clear_requests()
        _, stored = run(tmp_path, sqlite_url, server, column)
        assert urls(server, fresh) <= set(stored.documents)
        assert lists(server) == [column.start, column.list_path(1)]


def test_a_back_dated_document_is_found_by_the_periodic_full_walk(tmp_path: Path,
                                                                 sqlite_url: str) -> None:
    # The pager states nothing: only a whole walk finds what was inserted further down.
    column = Column(docs(12), pager="next")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        late = doc(77, day=2)
        column.docs = [*column.docs[:9], late, *column.docs[9:]]
        server.set_pages(column.pages())
        server.clear_requests()
        _, early = run(tmp_path, sqlite_url, server, column)
        assert lists(server) == [column.start]
        assert server.url(late.path) not in early.documents
        age_walks(sqlite_url, 8)                     # a week after the last whole walk
        server.clear_requests()
        _, later = run(tmp_path, sqlite_url, server, column)
        assert server.url(late.path) in later.documents
        assert lists(server) == [column.list_path(i) for i in range(4)]
        # GOVWATCH_FULL_WALK_DAYS=0: every run walks whole.
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column, settings={"GOVWATCH_FULL_WALK_DAYS": 0})
        assert lists(server) == [column.list_path(i) for i in range(4)]
        # A site's own full_walk_days wins over the setting.
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column, full_walk_days=0)
        assert lists(server) == [column.list_path(i) for i in range(4)]
        server.clear_requests()
        run(tmp_path, sqlite_url, server, column, full_walk_days=30,
            settings={"GOVWATCH_FULL_WALK_DAYS": 0})
        assert lists(server) == [column.start]


# ------------------------------------------------------- short walks and documents off the lists


def test_a_pager_no_longer_read_removes_nothing_and_says_so(tmp_path: Path,
                                                            sqlite_url: str) -> None:
    column = Column(docs(12), pager="next")
    rest = {d.path for d in column.docs[4:]}        # pages 2 and 3
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        # A template change: the pager is now rendered by a script; every page still online.
        column.pager = "script"
        server.set_pages(column.pages())
        for n in (1, 2, 3):
            server.clear_requests()
            summary, stored = run(tmp_path, sqlite_url, server, column)
            said = "listing 4 documents, where its last whole walk listed 12"
            assert said in (stored.run.message or "") and said in summary
            assert "may no longer read this column's pager" in summary
            accepted = "taken as the column's size" in summary
            assert accepted == (n == 3) and stored.run.list_complete == accepted
            assert not removed(stored)
            # The documents of pages 2 and 3 are asked for once, when the short walk is taken
            # as the column's size; they answer, and stay.
            assert sorted(p for p in asked(server) if p in rest) == (sorted(rest) if accepted
                                                                     else [])
        assert all(d.state == "active" for d in stored.documents.values())
        server.clear_requests()
        _, after = run(tmp_path, sqlite_url, server, column)
        assert not [p for p in asked(server) if p in rest] and not after.run.message
        assert after.run.list_complete and not removed(after)


def test_a_pager_that_says_there_is_more_is_never_the_columns_end(tmp_path: Path,
                                                                  sqlite_url: str) -> None:
    # 下一页 now runs javascript:goPage(2): discovery says the pager goes on where it cannot
    # follow. Reported on every run, never taken as the column's size, nothing removed.
    column = Column(docs(12), pager="next")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        column.pager = "js"
        server.set_pages(column.pages())
        for _ in range(4):
            make_due(sqlite_url)
            summary, stored = run(tmp_path, sqlite_url, server, column)
            assert "pager not understood: 下一页 runs 'goPage(2)'" in summary
            assert "documents on later pages are not crawled" in (stored.run.message or "")
            assert "taken as the column's size" not in summary
            assert not stored.run.list_complete and not removed(stored)


def test_documents_off_the_lists_are_asked_for_and_removed_when_gone_or_withdrawn(
        tmp_path: Path, sqlite_url: str) -> None:
    column = Column(docs(12), pager="next")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
        moved, deleted = column.docs[2], column.docs[9]
        # One taken off the column (its page still online), one deleted (404); the rest shift
        # up. Both were dated after the column's oldest document: they left its middle.
        column.docs = [d for d in column.docs if d not in (moved, deleted)]
        column.retired = [moved]
        server.set_pages(column.pages())
        server.clear_requests()
        _, second = run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
        assert asked(server).count(moved.path) == 1 and asked(server).count(deleted.path) == 1
        assert not removed(second)
        # Both asked for again though no list shows them: the deleted one is gone twice, the
        # withdrawn one missing from its corroborated list twice — removed, and told so.
        server.clear_requests()
        _, third = run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
        assert deleted.path in asked(server) and moved.path in asked(server)
        assert sorted(removed(third)) == sorted([server.url(deleted.path),
                                                 server.url(moved.path)])
        summaries = {e.url: e.summary for e in events(sqlite_url) if e.kind == "removed"}
        assert summaries[server.url(moved.path)] == {"unlisted": True, "online": True}
        assert not summaries[server.url(deleted.path)].get("unlisted")
        done = subprocess.run([sys.executable, "-m", "monitor", "--db", sqlite_url, "export",
                               "--events"], capture_output=True, text=True, timeout=60)
        told = {o["url"]: (o["removal"], o["still_online"])
                for o in map(json.loads, done.stdout.splitlines())
                if o["type"] == "event" and o["kind"] == "removed"}
        assert told == {server.url(moved.path): ("unlisted", True),
                        server.url(deleted.path): ("gone", False)}
        # Listed again: restored.
        column.docs = [moved, *column.docs]
        column.retired = []
        server.set_pages(column.pages())
        run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
        assert [e.kind for e in events(sqlite_url) if e.url == server.url(moved.path)
                ][-2:] == ["removed", "restored"]


def test_documents_that_fall_off_the_end_of_a_column_are_not_removed(
        tmp_path: Path, sqlite_url: str) -> None:
    # A column that lists only its latest twelve: every new document pushes the oldest off its
    # end, still online. The pager states its pages, so the walks are corroborated.
    column = Column(docs(12), pager="trs")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        for n in range(3):
            fresh = doc(100 + n, day=28, month=4 + n)
            fallen = column.docs[-1]
            column.docs = [fresh, *column.docs[:-1]]
            column.retired = [*column.retired, fallen]
            server.set_pages(column.pages())
            _, stored = run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
            assert server.url(fresh.path) in stored.documents
            assert not removed(stored)


def test_a_rotating_side_bar_removes_nothing_still_online(tmp_path: Path,
                                                         sqlite_url: str) -> None:
    # Documents a list showed once (a 最新文件 box taken for the column's, or a column that
    # moved its documents elsewhere) leave it while still online: asked for, and kept.
    column = Column(docs(3), pager="next")
    box = [doc(200 + n, day=n, month=1) for n in range(1, 4)]
    column.docs = [*column.docs, *box]
    with PortalServer(column.pages()) as server:
        _, first = run(tmp_path, sqlite_url, server, column)
        assert urls(server, box) <= set(first.documents)
        column.docs, column.retired = column.docs[:3], box       # still online
        server.set_pages(column.pages())
        for _ in range(3):
            _, stored = run(tmp_path, sqlite_url, server, column)
            assert not removed(stored)


# ------------------------------------------------------------------ Hanweb, max_list_pages


@pytest.mark.parametrize("new_each_run", [False, True], ids=["known", "new-on-page-1"])
def test_an_empty_hanweb_proxy_answer_is_a_list_failure(tmp_path: Path, sqlite_url: str,
                                                        new_each_run: bool) -> None:
    portal = hanweb_portal()                          # 14 records: 6 on the page, 2 POSTs
    empty = (b'<?xml version="1.0" encoding="UTF-8"?><datastore><recordset></recordset>'
             b"</datastore>")
    start = portal.start["hanweb"]
    # With nothing new, a run walks past the 栏目 page only when told to always walk.
    extra = {} if new_each_run else {"stop_after_known_pages": 0}
    with PortalServer(portal.pages) as server:
        config = write_config(tmp_path / "sites.yaml",
                              [site_config(portal, server.base_url, "hanweb", **extra)])
        assert crawl(config, sqlite_url).returncode == 0
        # The proxy now answers every POST with an empty datastore (a session check, a WAF
        # rule, an overloaded back end): 200, well-formed, and nothing in it.
        pages = {path: (replace(p, body=empty) if "dataproxy.jsp" in path else p)
                 for path, p in portal.pages.items()}
        for n in (1, 2, 3):
            if new_each_run:                          # a new record pushes the last one out
                source = pages[start].body.decode("gbk")
                row = (f"<record><![CDATA[<li><a href='/art/2021/4/{n}/art_3371_9{n}.html' "
                       f"title='新发布的第{n}号通知全文标题'>新发布的第{n}号通知</a><b>2021-04-0{n}"
                       "</b></li>]]></record>")
                source = source.replace("<recordset>", "<recordset>" + row, 1)
                last = source.rindex("<record>")
                source = source[:last] + source[source.index("</record>", last) + 9:]
                pages[start] = replace(pages[start], body=source.encode("gbk"))
                pages[f"/art/2021/4/{n}/art_3371_9{n}.html"] = \
                    pages[portal.docs["hanweb"][0].path]
            server.set_pages(pages)
            server.clear_requests()
            make_due(sqlite_url)
            done = crawl(config, sqlite_url)
            stored = archive(sqlite_url, "hanweb")
            assert stored.run.status == "partial", stored.run.message
            assert "lists no documents where the pager promised more" in done.stdout
            assert not removed(stored) and not stored.run.list_complete
            # Never walked whole since: every run asks the proxy again.
            assert [r.method for r in server.requests if "dataproxy" in r.path] == ["POST"]


def test_a_column_cut_at_max_list_pages_says_so(tmp_path: Path, sqlite_url: str) -> None:
    column = Column(docs(20), pager="trs")           # countPage=5
    with PortalServer(column.pages()) as server:
        summary, first = run(tmp_path, sqlite_url, server, column, max_list_pages=2)
        assert lists(server) == [column.start, column.list_path(1)]
        assert len(first.documents) == 8 and first.run.status == "ok"
        said = "stopped at max_list_pages=2 of the 5 its pager states"
        assert said in (first.run.message or "") and said in summary
        # Walked as far as it may: the next run stops at page 1, and says nothing.
        server.clear_requests()
        summary, second = run(tmp_path, sqlite_url, server, column, max_list_pages=2)
        assert lists(server) == [column.start] and not second.run.message


def test_an_empty_page_after_the_first_is_a_list_failure(tmp_path: Path,
                                                         sqlite_url: str) -> None:
    column = Column(docs(12), pager="next")
    with PortalServer(column.pages()) as server:
        run(tmp_path, sqlite_url, server, column)
        # Page 2 answers 200 with its chrome and pager, and no rows.
        server.set_pages(column.pages({column.list_path(1): Page(
            column.list_html(1, rows=False).encode(), headers={"Content-Type": HTML})}))
        make_due(sqlite_url)
        summary, stored = run(tmp_path, sqlite_url, server, column, stop_after_known_pages=0)
        assert stored.run.status == "partial" and not stored.run.list_complete
        assert "list page 2 lists no documents where the pager promised more" in summary
        assert not removed(stored)
