"""``govwatch sites --check`` follows redirects as the crawl does: links resolve against the URL
that answered, and a column sent to 首页 is reported, not read as the column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from crawler.check import check_column
from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.demo.server import Page, PortalServer
from tests.crawler.columns import PREFIX, Column, docs

REPO = Path(__file__).resolve().parents[2]
FOLDER = PREFIX.rstrip("/")


def _pages() -> tuple[Column, dict[str, Page]]:
    # …/jinqixxgk answers 301 → …/jinqixxgk/, whose rows link ./202103/t….html.
    column = Column(docs(6), relative=True)
    pages = column.pages()
    pages[PREFIX] = pages[column.start]
    pages[FOLDER] = Page(b"", status=301, headers={"Location": PREFIX})
    pages["/old/zcwj/"] = Page(b"", status=302, headers={"Location": "/"})
    pages["/"] = pages[column.list_path(1)]    # 首页 lists documents too: not the column's
    return column, pages


def test_links_resolve_against_the_url_that_answered() -> None:
    column, pages = _pages()
    with PortalServer(pages) as server:
        site = SiteConfig(id="col", start_urls=[server.url(FOLDER)])
        checked = check_column(site, server.url(FOLDER), "govwatch-test", timeout=5)
        assert checked.ok and checked.fetched_url == server.url(PREFIX)
        assert [link.url for link in checked.links] == [
            server.url(d.path) for d in column.docs[:4]]
        assert [page.url for page in checked.next] == [server.url(column.list_path(1))]


def test_a_column_sent_to_home_is_reported() -> None:
    _, pages = _pages()
    with PortalServer(pages) as server:
        site = SiteConfig(id="col", start_urls=[server.url("/old/zcwj/")])
        checked = check_column(site, server.url("/old/zcwj/"), "govwatch-test", timeout=5)
        assert checked.outcome == FetchOutcome.REDIRECTED and not checked.links
        assert "an index page" in (checked.reason or "")


def test_the_check_says_where_a_column_was_redirected(tmp_path: Path) -> None:
    _, pages = _pages()
    with PortalServer(pages) as server:
        config = tmp_path / "sites.yaml"
        config.write_text(yaml.safe_dump({"sites": [
            {"id": "col", "start_urls": [server.url(FOLDER)]},
            {"id": "old", "start_urls": [server.url("/old/zcwj/")]}]}), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(config), "--db",
             f"sqlite:///{tmp_path / 'c.db'}", "sites", "--check"],
            cwd=REPO, capture_output=True, text=True, timeout=120)
        folder, home, old = server.url(FOLDER), server.url("/"), server.url("/old/zcwj/")
    out = done.stdout
    assert f"{folder}: redirected to {folder}/: HTTP 200, trs, 4 document links" in out, \
        out + done.stderr
    assert f"{old}: redirected to {home}: redirected" in out
    assert done.returncode == 3
