"""What a run's end records of its columns' walks (monitor.runs, crawler.walks), how a gone
document is asked for again, and the listed URLs a run failed to archive (``pending``), on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.context import CrawlState
from crawler.extraction import extract
from crawler.items import ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from crawler.walks import ColumnProgress
from monitor.ingest import Ingested, Ingestor
from monitor.runs import finish_run, start_run
from monitor.store.records import ColumnWalkRecord, DocumentRecord, RunRecord
from monitor.store.repository import Repository
from tests.monitor.test_ingest import OK, OTHER, SITE, URL, Harness, harness, page

__all__ = ["harness"]

COLUMN = SITE.start_urls[0]
GONE = FetchOutcome.GONE


def finish(harness: Harness, progress: ColumnProgress | None, *, failed: bool = False,
           reason: str = "finished") -> RunRecord:
    """A run whose one column came to ``progress`` (its list pages answering, but for
    ``failed``); the next run starts a day later."""
    run = start_run(harness.database, harness.site, now=harness.now)
    state = CrawlState(list_pages=1)
    if progress is not None:
        state.columns[COLUMN] = progress
    if failed:
        state.list_failures = 1
        state.columns_failed.add(COLUMN)
    done = finish_run(harness.database, harness.site, run, state, reason=reason, counters={},
                      now=harness.now)
    harness.now += timedelta(days=1)
    return done


def walk(harness: Harness) -> ColumnWalkRecord | None:
    with harness.database.session() as session:
        return Repository(session).column_walks(SITE.id).get(COLUMN)


def document(harness: Harness, url: str = URL) -> DocumentRecord:
    with harness.database.session() as session:
        found = Repository(session).find_document(SITE.id, url)
    assert found is not None
    return found


# ----------------------------------------------------------------------------- walks


def test_a_whole_walk_and_a_failure_are_recorded(harness: Harness) -> None:
    first = finish(harness, ColumnProgress(pages=3, links=12, page_size=4, stated=3,
                                           unit="pages", end="end"))
    recorded = walk(harness)
    assert recorded is not None and first.list_complete
    assert (recorded.walked_at, recorded.walked_run_id, recorded.complete) == (
        first.started_at, first.id, True)
    assert (recorded.links, recorded.pages, recorded.stated_total, recorded.stated_unit) == (
        12, 3, 3, "pages")
    # An early stop changes nothing; a failed list page is remembered.
    finish(harness, ColumnProgress(pages=1, links=4, end="early"))
    assert walk(harness) == recorded
    failed = finish(harness, ColumnProgress(pages=1, links=4), failed=True)
    after = walk(harness)
    assert after is not None and after.failed_at == failed.started_at
    assert after.walked_at == first.started_at
    assert not failed.list_complete


def test_a_walk_the_crawls_end_cut_off_counts_as_failed(harness: Harness) -> None:
    finish(harness, ColumnProgress(pages=3, links=12, end="end"))
    cut = finish(harness, ColumnProgress(pages=2, links=8), reason="shutdown")
    recorded = walk(harness)
    assert recorded is not None and recorded.failed_at == cut.started_at


def test_a_walk_cut_at_max_list_pages_allows_early_stops_but_is_not_complete(
        harness: Harness) -> None:
    run = finish(harness, ColumnProgress(pages=20, links=400, stated=56, unit="pages",
                                         end="cap"))
    recorded = walk(harness)
    assert recorded is not None and recorded.walked_at == run.started_at
    assert not recorded.complete and not run.list_complete


def test_a_short_walk_is_reported_and_taken_as_the_size_after_three(harness: Harness) -> None:
    finish(harness, ColumnProgress(pages=3, links=12, end="end"))
    for n in (1, 2):
        run = finish(harness, ColumnProgress(pages=1, links=4, end="end"))
        assert run.status == "ok" and not run.list_complete
        assert "listing 4 documents, where its last whole walk listed 12" in (run.message or "")
        recorded = walk(harness)
        assert recorded is not None and recorded.short_walks == n and recorded.links == 12
    taken = finish(harness, ColumnProgress(pages=1, links=4, end="end"))
    assert taken.list_complete and "taken as the column's size" in (taken.message or "")
    recorded = walk(harness)
    assert recorded is not None and (recorded.links, recorded.short_walks) == (4, 0)


# ----------------------------------------------------------------------- gone, removed


def test_a_gone_document_is_due_on_the_next_run_and_a_removed_one_is_not(
        harness: Harness) -> None:
    harness.run((URL, page(), OK))
    harness.run((URL, None, GONE))
    gone = document(harness)
    # Due for the next run (which starts later), listed or not: its fetch then decides.
    assert gone.gone_runs == 1 and gone.next_check_at is not None
    assert gone.next_check_at <= harness.now
    harness.run((URL, None, GONE))
    removed = document(harness)
    assert removed.state == "removed" and removed.next_check_at is None
    harness.run((URL, None, GONE))                  # listed, asked for, still gone
    assert document(harness).next_check_at is None


# ------------------------------------------------------------------------------ pending


def fetch(ingestor: Ingestor, url: str, outcome: FetchOutcome, at: datetime, *,
          listed: bool = True) -> Ingested:
    raw = page(title="另一个文件").encode() if outcome == OK else None
    return ingestor.page(PageResult(
        site_id=SITE.id, url=url, fetched_url=url, outcome=outcome, fetched_at=at,
        http_status=200 if raw else 500, raw=raw,
        extraction=extract(raw, url) if raw is not None else None,
        list_title="列表上的标题", list_date="2021-02-18", listed=listed))


def test_a_listed_url_not_archived_is_pending_until_it_is(harness: Harness) -> None:
    run = start_run(harness.database, SITE, now=harness.now)
    ingestor = Ingestor(harness.database, SITE, run, link_outlets=False)
    assert fetch(ingestor, OTHER, FetchOutcome.SERVER_ERROR, harness.now) == Ingested.FAILED
    fetch(ingestor, URL, FetchOutcome.TIMEOUT, harness.now, listed=False)  # no list showed it
    (pending,) = ingestor.pending_batch()
    assert (pending.url, pending.list_title, pending.list_date, pending.tries,
            pending.outcome) == (OTHER, "列表上的标题", "2021-02-18", 1, "server_error")
    fetch(ingestor, OTHER, FetchOutcome.TIMEOUT, harness.now)
    assert [(p.tries, p.outcome) for p in ingestor.pending_batch()] == [(2, "timeout")]
    assert fetch(ingestor, OTHER, OK, harness.now) == Ingested.NEW
    assert ingestor.pending_batch() == []
    archived = document(harness, OTHER)
    assert archived.list_title == "列表上的标题"
    # Archived from a list: it counts as listed by this run (crawler.walks' unlisted rechecks).
    assert ingestor.unlisted_batch(0) == []


def test_a_dead_link_is_forgotten_after_three_gone_answers(harness: Harness) -> None:
    run = start_run(harness.database, SITE, now=harness.now)
    ingestor = Ingestor(harness.database, SITE, run, link_outlets=False)
    fetch(ingestor, OTHER, GONE, harness.now)
    fetch(ingestor, OTHER, FetchOutcome.TIMEOUT, harness.now)    # a timeout breaks the run
    fetch(ingestor, OTHER, GONE, harness.now)
    fetch(ingestor, OTHER, GONE, harness.now)
    assert [p.gone_tries for p in ingestor.pending_batch()] == [2]
    fetch(ingestor, OTHER, FetchOutcome.SOFT_404, harness.now)
    assert ingestor.pending_batch() == []


def test_documents_that_left_the_lists(harness: Harness) -> None:
    harness.run((URL, page(), OK), (OTHER, page(title="另一个文件"), OK), listed=[URL, OTHER],
                complete=True)
    second = harness.now
    harness.run(listed=[URL, OTHER], complete=True)          # both listed by run 2
    run = start_run(harness.database, SITE, now=harness.now)
    ingestor = Ingestor(harness.database, SITE, run, link_outlets=False)
    ingestor.list_page(ListPageResult(SITE.id, COLUMN, 1, OK, harness.now,
                                      listed={URL: (None, None)}))
    with harness.database.session() as session:
        run_two = next(r for r in Repository(session).runs(SITE.id) if r.started_at == second)
    assert [d.url for d in ingestor.unlisted_batch(run_two.id)] == [OTHER]
    assert ingestor.unlisted_batch(run.id) == []     # listed in run 2, not since run 3


# ------------------------------------------------------------------ withdrawn from a column

DATED = {URL: ("测试文件", "2021-03-01"), OTHER: ("另一个文件", "2021-01-01")}


def listing_run(harness: Harness, listed: list[str], *, failed: bool = False,
                fetched: bool = False) -> RunRecord:
    """A run whose one column lists ``listed`` (dated as DATED) and is walked whole, as its
    pager states (one page); ``failed``: a second list page failed; ``fetched``: the listed
    documents are fetched with content (the baseline)."""
    run = start_run(harness.database, harness.site, now=harness.now)
    ingestor = Ingestor(harness.database, harness.site, run, link_outlets=False)
    ingestor.list_page(ListPageResult(SITE.id, COLUMN, 1, OK, harness.now,
                                      listed={url: DATED[url] for url in listed}))
    for url in listed if fetched else []:
        ingestor.page(PageResult(
            site_id=SITE.id, url=url, fetched_url=url, outcome=OK, fetched_at=harness.now,
            http_status=200, raw=page(title=DATED[url][0]).encode(),
            extraction=extract(page(title=DATED[url][0]).encode(), url),
            list_title=DATED[url][0], list_date=DATED[url][1], listed=True))
    state = CrawlState(list_pages=2 if failed else 1, list_failures=int(failed))
    if failed:
        state.columns_failed.add(COLUMN)
    state.columns[COLUMN] = ColumnProgress(pages=1, links=len(listed), page_size=len(listed),
                                           stated=1, unit="pages", end="end",
                                           oldest=min(DATED[u][1] for u in listed))
    done = finish_run(harness.database, harness.site, run, state, reason="finished",
                      counters={}, now=harness.now)
    harness.now += timedelta(days=1)
    return done


def test_a_document_withdrawn_from_its_column_is_removed_after_two_runs(
        harness: Harness) -> None:
    listing_run(harness, [URL, OTHER], fetched=True)          # the baseline
    listing_run(harness, [OTHER])                              # URL, dated after OTHER, missing
    assert document(harness).unlisted_runs == 1
    # A run whose lists show it again breaks the streak, even one with a failed list page.
    listing_run(harness, [URL, OTHER], failed=True)
    assert document(harness).unlisted_runs == 0
    listing_run(harness, [OTHER])
    assert document(harness).state == "active"
    listing_run(harness, [OTHER])
    withdrawn = document(harness)
    assert (withdrawn.state, withdrawn.unlisted_runs) == ("removed", 2)
    [event] = [e for e in harness.events(URL) if e.kind == "removed"]
    assert event.summary == {"unlisted": True, "online": False}
    assert document(harness, OTHER).state == "active"


def test_the_oldest_document_falling_off_the_end_is_not_withdrawn(harness: Harness) -> None:
    listing_run(harness, [URL, OTHER], fetched=True)
    for _ in range(3):
        listing_run(harness, [URL])                 # OTHER, the oldest, is past the end
    assert document(harness, OTHER).state == "active"
    assert document(harness, OTHER).unlisted_runs == 0
