"""The same text at two outlets, linked in the archive (monitor.outlets), on SQLite and
PostgreSQL; the pure matching is in the golden tables (golden/diff.yaml, section outlets)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.outlets import anchors, index_all, linked_documents, outlet_diff
from monitor.store.db import MIGRATIONS, Database, schema_revision, upgrade
from monitor.store.repository import Repository
from tests.monitor.test_ingest import Harness

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "samples"
NDRC = SiteConfig(id="wuxi-fgw", name="无锡市发展和改革委员会",
                  start_urls=["http://127.0.0.1:1/fgw/list.html"])
PAPER = SiteConfig(id="wxrb", name="无锡日报", start_urls=["http://127.0.0.1:2/list.html"])
NDRC_URL = "http://127.0.0.1:1/fgw/art/2021/2/18/art_1_1.html"
PAPER_URL = "http://127.0.0.1:2/html/2021-02/09/content_2.htm"
OK = FetchOutcome.OK


def seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def seed_page(number: str, title: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in seed(number).split("\n")
                         if line.strip())
    return (f"<html><head><title>{title}</title></head><body><div id='zoom'>{paragraphs}"
            "</div></body></html>")


@pytest.fixture
def outlets(database: Database) -> tuple[Harness, Harness]:
    from datetime import UTC, datetime

    now = datetime(2026, 3, 1, tzinfo=UTC)
    return Harness(database, now, site=NDRC), Harness(database, now, site=PAPER)


def _doc_id(database: Database, site: SiteConfig, url: str) -> int:
    with database.session() as session:
        doc = Repository(session).find_document(site.id, url)
        assert doc is not None
        return doc.id


def test_the_plan_and_its_newspaper_print_are_linked(outlets: tuple[Harness, Harness],
                                                     database: Database) -> None:
    ndrc, paper = outlets
    ndrc.run((NDRC_URL, seed_page("000", "2021年政府工作重点"), OK))
    paper.run((PAPER_URL, seed_page("001", "政府工作报告"), OK),
              ("http://127.0.0.1:2/other.htm", seed_page("002", "另一篇"), OK))
    a, b = _doc_id(database, NDRC, NDRC_URL), _doc_id(database, PAPER, PAPER_URL)
    (link,) = linked_documents(database, a)
    assert (link.document_id, link.site_id, link.url) == (b, "wxrb", PAPER_URL)
    assert link.similarity >= 0.98 and link.overlap >= 0.2 and link.shared_chars >= 2000
    assert (link.version, link.own_version) == (1, 1)
    assert [r.document_id for r in linked_documents(database, b)] == [a]
    match = outlet_diff(database, a, b)
    assert match is not None and match.linked
    edits = [tuple(e) for e in match.passage.edits()]
    for edit in [("replace", "调整", "完善"), ("replace", "点", "城市"),
                 ("replace", "和", " and"), ("insert", "", "市")]:
        assert edit in edits
    # Linking is no event: users were told about each document once.
    assert ndrc.kinds() == ["new"] and paper.kinds() == ["new", "new"]


def test_a_link_goes_when_the_text_no_longer_matches(outlets: tuple[Harness, Harness],
                                                     database: Database) -> None:
    ndrc, paper = outlets
    ndrc.run((NDRC_URL, seed_page("000", "2021年政府工作重点"), OK))
    paper.run((PAPER_URL, seed_page("001", "政府工作报告"), OK))
    a = _doc_id(database, NDRC, NDRC_URL)
    assert len(linked_documents(database, a)) == 1
    paper.run((PAPER_URL, seed_page("003", "政府工作报告"), OK))
    assert linked_documents(database, a) == []


def test_an_archive_from_before_outlet_matching_is_indexed(outlets: tuple[Harness, Harness],
                                                           database: Database) -> None:
    ndrc, paper = outlets
    ndrc.link_outlets = paper.link_outlets = False
    ndrc.run((NDRC_URL, seed_page("000", "2021年政府工作重点"), OK))
    paper.run((PAPER_URL, seed_page("001", "政府工作报告"), OK))
    a = _doc_id(database, NDRC, NDRC_URL)
    assert linked_documents(database, a) == []
    assert index_all(database) == 2
    assert len(linked_documents(database, a)) == 1
    assert index_all(database) == 0


def test_anchors_ignore_script_and_layout() -> None:
    import opencc

    text = seed("001")
    traditional = str(opencc.OpenCC("s2t").convert(text)).replace("。", "。\n")
    length, found = anchors(text)
    assert anchors(traditional) == (length, found)
    assert 150 < len(found) < 600  # about one shingle in 32
    assert all(-2**63 <= h < 2**63 for h in found)


def test_migration_0002_downgrades_and_upgrades(database: Database) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import inspect

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    assert schema_revision(database.engine)[0] == "0001"
    assert "outlet_links" not in inspect(database.engine).get_table_names()
    upgrade(database.engine)
    current, head = schema_revision(database.engine)
    assert current == head
    assert "outlet_links" in inspect(database.engine).get_table_names()


def test_anchor_frequencies_follow_the_texts(database: Database) -> None:
    """Candidates come from the rarest anchors another document shares, counted as texts are
    indexed and re-indexed; an anchor too common to tell documents apart is not asked about."""
    from datetime import UTC, datetime

    from monitor.store.outlets import OutletStore

    now = datetime(2026, 3, 1, tzinfo=UTC)
    with database.session() as session:
        repo = Repository(session)
        repo.sync_site("s", "s", now)
        ids = [repo.create_document("s", f"http://127.0.0.1:9/{n}.html", now=now).id
               for n in range(4)]
        store = OutletStore(session)
        store.replace_anchors(ids[0], 1, 100, [1, 2, 3], now)
        store.replace_anchors(ids[1], 2, 100, [2, 3, 4], now)
        store.replace_anchors(ids[2], 3, 100, [3, 9], now)
        # Anchor 3 is in three documents, 2 in two: asked with at most two per anchor, only 2.
        found, asked = store.candidates(ids[1], [2, 3, 4], min_shared=1, limit=10, sample=64,
                                        max_documents=2)
        assert (found, asked) == ([(ids[0], 1)], 1)
        found, asked = store.candidates(ids[1], [2, 3, 4], min_shared=1, limit=10, sample=64,
                                        max_documents=10)
        assert (found, asked) == ([(ids[0], 2), (ids[2], 1)], 2)
        # The first document's text changes: its old anchors no longer count.
        store.replace_anchors(ids[0], 4, 100, [3, 5], now)
        found, asked = store.candidates(ids[1], [2, 3, 4], min_shared=1, limit=10, sample=64,
                                        max_documents=10)
        assert (found, asked) == ([(ids[0], 1), (ids[2], 1)], 1)
