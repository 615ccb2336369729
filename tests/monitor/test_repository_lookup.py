"""Document lookup by URL, on SQLite and PostgreSQL: a document stored under one spelling of its
URL (http or https, with or without ``www.``) is the same document under the others, so that a
portal moving to https keeps its archive instead of making every document "new" again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.ingest import Ingested
from monitor.store.db import Database
from monitor.store.repository import Repository
from tests.monitor.test_ingest import OK, Harness, page

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HTTP = "http://www.x.gov.cn/zcwj/202103/t20210310_1.html"


def _documents(database: Database, *urls: str, site: str = "x") -> dict[str, int]:
    with database.session() as session:
        repo = Repository(session)
        repo.sync_site(site, site, NOW)
        return {url: repo.create_document(site, url, now=NOW).id for url in urls}


def test_a_document_is_found_by_another_scheme_or_host_spelling(database: Database) -> None:
    ids = _documents(database, HTTP)
    with database.session() as session:
        repo = Repository(session)
        for asked in (HTTP.replace("http:", "https:"), HTTP.replace("www.", ""),
                      HTTP.replace("http://www.", "https://")):
            found = repo.find_document("x", asked)
            assert found is not None and found.id == ids[HTTP] and found.url == HTTP, asked
        unknown = HTTP.replace("_1.html", "_2.html")
        assert repo.find_documents("x", [HTTP.replace("http:", "https:"), unknown]) == {
            HTTP.replace("http:", "https:"): repo.find_document("x", HTTP)}
        assert repo.find_document("other", HTTP.replace("http:", "https:")) is None


def test_the_exact_url_wins_then_the_nearest_spelling(database: Database) -> None:
    exact = "https://www.x.gov.cn/zcwj/202103/t20210311_2.html"
    bare, secure = ("http://x.gov.cn/zcwj/202103/t20210312_3.html",
                    "https://www.x.gov.cn/zcwj/202103/t20210312_3.html")
    ids = _documents(database, exact, exact.replace("https:", "http:"), bare, secure)
    with database.session() as session:
        repo = Repository(session)
        assert repo.find_documents("x", [exact])[exact].id == ids[exact]
        # Asked by http://www.: the same host by the other scheme comes before the bare host.
        asked = "http://www.x.gov.cn/zcwj/202103/t20210312_3.html"
        assert repo.find_documents("x", [asked])[asked].id == ids[secure]


def test_a_list_showing_a_document_by_another_spelling_marks_it_listed(
        database: Database) -> None:
    ids = _documents(database, HTTP)
    with database.session() as session:
        repo = Repository(session)
        repo.update_document(ids[HTTP], gone_runs=1)  # one run found it gone
        run = repo.start_run("x", baseline=False, now=NOW)
        repo.note_listed("x", run.id, {HTTP.replace("http:", "https:"): ("新标题", "2021-03-10")})
    with database.session() as session:
        repo = Repository(session)
        doc = repo.get_document(ids[HTTP])
        assert doc is not None and (doc.list_title, doc.list_date) == ("新标题", "2021-03-10")
        assert [d.id for d in repo.listed_again("x", run.id)] == [ids[HTTP]]


@pytest.fixture
def harness(database: Database) -> Harness:
    return Harness(database, NOW)


def test_a_portal_moving_to_https_keeps_its_documents(harness: Harness) -> None:
    url = "http://127.0.0.1:1/art/2021/2/18/art_1_1.html"
    moved = url.replace("http:", "https:")
    assert harness.run((url, page(), OK)) == [Ingested.NEW]
    assert harness.run((moved, page(), OK)) == [Ingested.UNCHANGED]
    harness.run((moved, page(gdp="6.5%"), OK))
    assert harness.kinds() == ["new", "changed"]  # no second "new" for the https URL
    versions = harness.versions(url)
    assert [v.url for v in versions] == [url, moved]  # each version: where it was fetched
    with harness.database.session() as session:
        assert Repository(session).count_documents(harness.site.id) == 1
