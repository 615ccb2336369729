"""Removal and restoration over several runs (monitor.runs), on SQLite and PostgreSQL.

``removed`` only after two consecutive successful runs found the document gone; a failed or
blocked run decides nothing; a successful run that sees the document alive breaks the streak.
"""

from __future__ import annotations

import pytest

from crawler.outcomes import FetchOutcome
from monitor.ingest import Ingested
from tests.monitor.test_ingest import OK, OTHER, URL, Harness, harness, page

__all__ = ["harness"]  # the fixture, shared with test_ingest.py

GONE = FetchOutcome.GONE


def test_a_single_404_is_forgotten(harness: Harness) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, None, GONE))
    harness.run((URL, page(), OK))
    harness.run((URL, None, GONE))
    assert harness.kinds() == ["new"]


def test_removed_after_two_consecutive_successful_runs_then_restored(harness: Harness) -> None:
    harness.run((URL, page(), OK))
    assert harness.run((URL, None, GONE)) == [Ingested.GONE]
    assert harness.kinds() == ["new"]
    harness.run((URL, None, GONE))
    assert harness.kinds() == ["new", "removed"]
    harness.run((URL, None, GONE))          # still gone: said once
    assert harness.kinds() == ["new", "removed"]
    assert harness.run((URL, page(views=9), OK)) == [Ingested.UNCHANGED]
    assert harness.kinds() == ["new", "removed", "restored"]
    (removed,) = [e for e in harness.events() if e.kind == "removed"]
    assert removed.old_version == 1


@pytest.mark.parametrize("gone", [FetchOutcome.GONE, FetchOutcome.SOFT_404])
def test_soft_404_counts_as_gone(harness: Harness, gone: FetchOutcome) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, "<html>页面不存在</html>", gone))
    harness.run((URL, "<html>页面不存在</html>", gone))
    assert harness.kinds() == ["new", "removed"]


@pytest.mark.parametrize("bad_run", ["list_failed", "blocked"])
def test_failed_or_blocked_runs_decide_nothing(harness: Harness, bad_run: str) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, None, GONE))
    # The portal is down or refusing us: its 404s in such a run are no evidence either way.
    harness.run((URL, None, GONE), **{bad_run: True})
    harness.run((URL, None, GONE), **{bad_run: True})
    assert harness.kinds() == ["new"]
    harness.run((URL, None, GONE))          # the second *successful* run in a row
    assert harness.kinds() == ["new", "removed"]


def test_failures_in_a_successful_run_decide_nothing(harness: Harness) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, None, GONE))
    harness.run((URL, None, FetchOutcome.TIMEOUT))
    assert harness.kinds() == ["new"]
    harness.run((URL, None, GONE))
    assert harness.kinds() == ["new", "removed"]


def test_missing_from_uncorroborated_lists_is_no_evidence(harness: Harness) -> None:
    # A column whose pager the crawler stopped reading lists a third of its documents, all still
    # online: a walk no stated total or earlier whole walk corroborates, of rows without dates,
    # says nothing of what left the column — only a document's own fetch says it is gone (the
    # spider asks for those the lists no longer show). Withdrawals from corroborated lists:
    # tests/crawler/test_crawl_walks.py.
    harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK),
                listed=[URL, OTHER], complete=True)
    for _ in range(3):
        harness.run(listed=[OTHER], complete=True)
    assert harness.kinds(URL) == ["new"]
    harness.run((URL, None, GONE), listed=[OTHER], complete=True)
    harness.run((URL, None, GONE), listed=[OTHER], complete=True)
    assert harness.kinds(URL) == ["new", "removed"]
    assert harness.kinds(OTHER) == ["new"]


def test_incomplete_lists_remove_nothing(harness: Harness) -> None:
    harness.run((URL, page(), OK), listed=[URL], complete=True)
    for _ in range(3):
        harness.run(listed=[OTHER], complete=False)   # stopped at max_list_pages
    assert harness.kinds(URL) == ["new"]


def test_listed_again_breaks_the_streak(harness: Harness) -> None:
    harness.run((URL, page(), OK), listed=[URL], complete=True)
    harness.run((URL, None, GONE), listed=[], complete=True)        # gone once
    # Listed again; its own fetch timed out, but the list shows it alive.
    harness.run((URL, None, FetchOutcome.TIMEOUT), listed=[URL], complete=True)
    harness.run((URL, None, GONE), listed=[], complete=True)        # not consecutive
    assert harness.kinds(URL) == ["new"]
    harness.run((URL, None, GONE), listed=[], complete=True)
    assert harness.kinds(URL) == ["new", "removed"]


def test_removed_and_restored_over_several_cycles(harness: Harness) -> None:
    harness.run((URL, page(), OK))
    for views in range(2):
        harness.run((URL, None, GONE))
        harness.run((URL, None, GONE))
        harness.run((URL, page(views=views), OK))
    assert harness.kinds() == ["new", "removed", "restored", "removed", "restored"]
    assert len(harness.versions()) == 1
