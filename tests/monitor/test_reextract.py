"""Extractor upgrades (``govwatch reextract`` and the crawl right after one) raise no events,
on SQLite and PostgreSQL.

The "upgrade" is simulated: a new extractor version that also keeps a 来源 line and maps one more
metadata label (主题分类) — the kind of change that would otherwise make every stored document
look edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from crawler.extraction import extract
from crawler.extraction.result import Extraction
from monitor import reading
from monitor.config import Config
from monitor.ingest import Ingested
from monitor.reextract import reextract_all
from monitor.store.db import Database
from monitor.store.repository import Repository
from tests.monitor.test_ingest import OK, OTHER, SITE, URL, Harness, harness, page

__all__ = ["harness"]

NEW_VERSION = "govwatch-extract/99 test-upgrade"


def upgraded(raw: bytes, url: str, **options: Any) -> Extraction:
    old = extract(raw, url, **options)
    return replace(old, text=old.text + "\n来源：示例市发展和改革委员会",
                   metadata={**old.metadata, "category": "综合政务"},
                   extractor_version=NEW_VERSION)


Switch = Callable[[], None]


@pytest.fixture
def upgrade(monkeypatch: pytest.MonkeyPatch, harness: Harness) -> Switch:
    """Call to switch the harness's fetches and govwatch's stored-bytes reader to the new
    extractor."""

    def switch() -> None:
        monkeypatch.setattr(reading, "extract", upgraded)
        monkeypatch.setattr(reading, "EXTRACTOR_VERSION", NEW_VERSION)
        harness.extractor = upgraded

    return switch


def _reextract(database: Database) -> Any:
    return reextract_all(database, Config(sites=[SITE]), now=None)


def test_reextract_appends_versions_and_raises_no_events(harness: Harness, upgrade: Switch,
                                                         database: Database) -> None:
    harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK))
    before = harness.versions()
    upgrade()
    report = _reextract(database)
    assert (report.checked, report.updated, report.compared_differently) == (2, 2, 2)
    versions = harness.versions()
    assert versions[0] == before[0]                      # append-only
    assert [(v.n, v.cause, v.extractor_version) for v in versions] == [
        (1, "crawl", before[0].extractor_version), (2, "reextract", NEW_VERSION)]
    assert versions[1].raw_sha256 == versions[0].raw_sha256
    assert harness.kinds() == ["new", "new"]
    again = _reextract(database)                         # idempotent
    assert (again.updated, again.unchanged) == (0, 2)
    # ... and the next crawls are quiet, even with a counter that changes the bytes.
    assert harness.run((URL, page(views=5), OK)) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new", "new"]


def test_crawl_right_after_an_upgrade_raises_no_events(harness: Harness,
                                                       upgrade: Switch) -> None:
    harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK))
    upgrade()
    # No `govwatch reextract`: the page bytes differ (a view counter), the extraction differs
    # (the upgrade), the document does not.
    assert harness.run((URL, page(views=2), OK), (OTHER, page(title="另一个文件", views=2), OK)
                       ) == [Ingested.REEXTRACTED, Ingested.REEXTRACTED]
    assert harness.run((URL, page(views=3), OK)) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new", "new"]
    assert [v.cause for v in harness.versions()] == ["crawl", "reextract"]


def test_upgrade_and_edit_together_report_only_the_edit(harness: Harness,
                                                        upgrade: Switch) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    upgrade()
    assert harness.run((URL, page(gdp="6.5%", views=2), OK)) == [Ingested.CHANGED]
    (event,) = [e for e in harness.events() if e.kind != "new"]
    assert event.kind == "changed" and event.fields == {}
    assert event.summary["numbers"] == [
        {"context": "地区生产总值增长", "before": "7%", "after": "6.5%"}]
    assert event.summary["changed_paragraphs"] == 1          # not the 来源 line
    # v2 is how the new extractor reads v1's bytes; the event compares v2 with v3.
    assert [v.cause for v in harness.versions()] == ["crawl", "reextract", "crawl"]
    assert (event.old_version, event.new_version) == (2, 3)


def test_flapping_across_an_upgrade_stays_quiet(harness: Harness, upgrade: Switch) -> None:
    harness.run((URL, page(gdp="7%"), OK))
    harness.run((URL, page(gdp="6.5%"), OK))
    upgrade()
    assert harness.run((URL, page(gdp="7%", views=4), OK)) == [Ingested.REVERTED]
    assert harness.run((URL, page(gdp="6.5%", views=5), OK)) == [Ingested.REVERTED]
    assert harness.kinds() == ["new", "changed"]


def test_reextract_without_stored_bytes_is_counted(harness: Harness, upgrade: Switch,
                                              database: Database) -> None:
    harness.run((URL, page(), OK))
    with database.session() as session:
        repo = Repository(session)
        doc = repo.find_document(SITE.id, URL)
        assert doc is not None and doc.current_version_id is not None
        current = repo.get_version(doc.current_version_id)
        assert current is not None
        repo.add_version(doc.id, now=harness.now, url=URL, title=current.title,
                         metadata=current.metadata, metadata_raw=current.metadata_raw,
                         text=current.text, text_sha256=current.text_sha256,
                         fingerprint=current.fingerprint, attachments=[], published=None,
                         raw_sha256=None, http_status=200, content_type=None, encoding=None,
                         extractor_version=current.extractor_version)
    upgrade()
    report = _reextract(database)
    assert (report.checked, report.missing_raw, report.updated) == (1, 1, 0)
