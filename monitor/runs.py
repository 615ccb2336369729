"""A site's crawl run: its start, and what its end decides (status, baseline, removals).

A run is *successful* when every list page it asked for answered; only successful runs count as
evidence that a document is gone. A document is ``removed`` after two consecutive successful runs
that found it gone, in either of DESIGN.md's two ways:

- its own fetch answered 404/410/soft-404 (the spider asks for the documents the lists no longer
  show, ``PortalSpider.RECHECK_PHASES``, so this is known whether or not a list still shows it);
- it is missing from its list (``_withdrawn``) — counted only when every column was walked whole
  and the walk corroborated (a column whose pager the crawler stopped reading lists a third of
  its documents, all still online), and only for documents dated after the oldest one the lists
  still show (a column listing only its latest 300 drops its oldest every month). A document
  withdrawn so is removed even if its page still answers, and the event says so.

A failed or blocked run decides nothing about documents: it neither counts towards a removal nor
breaks a streak. A successful run that lists the document breaks both streaks; one that fetches
it with content breaks the first.

The end of a run also records how far each column was walked (``crawler.walks``): a whole walk
lets the next runs stop early, a failed list page makes the next run walk the column whole, and
a walk that ended short of what the column should hold is reported.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.outcomes import FetchOutcome
from crawler.walks import Verdict, judge
from monitor.config import SiteConfig
from monitor.store.db import Database
from monitor.store.records import ColumnWalkRecord, RunRecord
from monitor.store.repository import Repository

if TYPE_CHECKING:
    from crawler.context import CrawlState

# Fetch outcomes that are not failures (content, or evidence that the document is gone).
_NOT_FAILED = frozenset(o.value for o in FetchOutcome if not o.is_failure)

log = logging.getLogger(__name__)

REMOVAL_RUNS = 2


def start_run(database: Database, site: SiteConfig, *, worker: str | None = None,
              now: datetime | None = None) -> RunRecord:
    now = now or datetime.now(UTC)
    with database.session() as session:
        repo = Repository(session)
        record = repo.sync_site(site.id, site.display_name, now)
        return repo.start_run(site.id, baseline=record.baseline_at is None, now=now,
                              worker=worker)


def run_status(state: CrawlState, reason: str, detail_failures: int) -> tuple[str, str | None]:
    status, message = _status(state, reason, detail_failures)
    # What the crawler noticed (a list rendered by JavaScript, the challenge a WAF answered…)
    # goes into the message that summaries, digests and the web page show.
    notes = [note for note in state.warnings if note not in (message or "")]
    return status, "; ".join(part for part in (message, *notes) if part) or None


def _status(state: CrawlState, reason: str, detail_failures: int) -> tuple[str, str | None]:
    if state.list_pages == 0:
        return "failed", f"no list page was fetched ({reason})"
    if state.list_failures == state.list_pages:
        if state.blocked:
            return "blocked", "the portal refused every list page (WAF or robots.txt)"
        return "failed", "every list page failed"
    if state.detail_blocked and not state.detail_ok:
        return "blocked", "the portal answered every document request with a WAF or " \
                          "JavaScript challenge"
    if state.list_failures or reason != "finished":
        return "partial", (f"{state.list_failures} of {state.list_pages} list pages failed"
                           if state.list_failures else f"crawl ended early ({reason})")
    if detail_failures:
        return "partial", f"{detail_failures} document fetches failed"
    return "ok", None


def finish_run(database: Database, site: SiteConfig, run: RunRecord, state: CrawlState, *,
               reason: str, counters: dict[str, Any], now: datetime | None = None) -> RunRecord:
    now = now or datetime.now(UTC)
    with database.session() as session:
        repo = Repository(session)
        outcomes = repo.fetch_outcomes(run.id)
        failures = sum(n for outcome, n in outcomes.items()
                       if outcome not in _NOT_FAILED)
        list_failed = state.list_failures
        walked, previous = _record_walks(repo, site, run, state, reason)
        status, message = run_status(state, reason, max(failures - list_failed, 0))
        successful = status in ("ok", "partial") and state.list_failures == 0 \
            and reason == "finished"
        complete = successful and all(verdict.complete for verdict in walked.values())
        removed = 0
        # Listed by this run, successful or not: no longer missing from its column.
        repo.listed_once_more(site.id, run.id)
        if successful:
            # Gone as a fetch of this run answered (an absence from the lists: _withdrawn).
            gone = {d.id: d for d in repo.gone_in_run(site.id, run.id)}
            # Listed again by a successful run (even if its own fetch failed this time): the
            # earlier sighting of it gone is no longer part of a consecutive streak.
            for doc in repo.listed_again(site.id, run.id):
                if doc.id not in gone:
                    repo.update_document(doc.id, gone_runs=0)
            for doc in gone.values():
                if doc.state != "active":
                    continue
                runs = doc.gone_runs + 1
                if runs >= REMOVAL_RUNS:
                    # Rechecked only when a list shows it again (Ingestor.due).
                    repo.update_document(doc.id, state="removed", gone_runs=runs,
                                         next_check_at=None)
                    repo.add_event(site_id=site.id, document_id=doc.id, run_id=run.id,
                                   kind="removed", at=now, old_version=doc.version_count)
                    removed += 1
                else:
                    # Asked for again on the next run, listed or not: its answer then decides.
                    repo.update_document(doc.id, gone_runs=runs, next_check_at=now)
            removed += _withdrawn(repo, site, run, state, walked, previous, now=now,
                                  counted=set(gone))
        if run.baseline and status in ("ok", "partial"):
            # The first crawl that got through is the baseline, even if a page failed: its
            # documents are archived, and the next crawl's findings are news.
            repo.set_baseline(site.id, now)
        stats = {**counters, "fetches": outcomes, "events": repo.count_events(run.id),
                 "list_pages": state.list_pages, "list_failures": state.list_failures,
                 "removed": removed}
        return repo.finish_run(run.id, status=status, now=now, list_complete=complete,
                               stats=stats, message=message)


def _withdrawn(repo: Repository, site: SiteConfig, run: RunRecord, state: CrawlState,
               walked: dict[str, Verdict], previous: dict[str, ColumnWalkRecord], *,
               now: datetime, counted: set[int]) -> int:
    """Documents withdrawn from their column: ``removed`` after REMOVAL_RUNS consecutive
    successful runs whose lists no longer show them, whether or not their pages still answer
    (a static page often stays online after the CMS takes it off the column). Counted only
    where an absence means something: every column walked whole and corroborated
    (``Verdict.corroborated``: not a pager read short, not a first walk), and the document
    dated after the oldest document the lists still show — it left the middle of the column,
    not its end (a column listing its latest 300, a block of older documents moved elsewhere).
    Returns how many were removed."""
    if run.baseline:
        return 0
    oldest: list[str] = []
    since: list[int] = []
    for url in site.start_urls:
        verdict, progress, walk = walked.get(url), state.columns.get(url), previous.get(url)
        if verdict is None or not verdict.corroborated or progress is None \
                or not progress.oldest or walk is None or walk.walked_run_id is None:
            return 0
        oldest.append(progress.oldest)
        since.append(walk.walked_run_id)
    removed = 0
    for doc in repo.unlisted_since(site.id, run.id, listed_since_run=min(since),
                                   dated_after=max(oldest)):
        if doc.id in counted:
            continue  # its own fetch answered gone this run: counted as such
        runs = doc.unlisted_runs + 1
        if runs < REMOVAL_RUNS:
            repo.update_document(doc.id, unlisted_runs=runs)
            continue
        online = doc.last_seen is not None and doc.last_seen >= run.started_at
        repo.update_document(doc.id, state="removed", unlisted_runs=runs, next_check_at=None)
        repo.add_event(site_id=site.id, document_id=doc.id, run_id=run.id, kind="removed",
                       at=now, old_version=doc.version_count,
                       summary={"unlisted": True, "online": online})
        removed += 1
    return removed


def _record_walks(repo: Repository, site: SiteConfig, run: RunRecord, state: CrawlState,
                  reason: str) -> tuple[dict[str, Verdict], dict[str, ColumnWalkRecord]]:
    """Judge and record how far this run walked each column (``crawler.walks``); a short walk's
    warning goes to the run's message. Returns the verdicts, and the walks as they stood
    before this run."""
    previous = repo.column_walks(site.id)
    verdicts: dict[str, Verdict] = {}
    for url in site.start_urls:
        progress = state.columns.get(url)
        # A walk the crawl's end cut off (a time limit, a shutdown) did not read the column.
        interrupted = reason != "finished" and (progress is None or progress.end is None)
        failed = url in state.columns_failed or interrupted
        walk = previous.get(url)
        verdict = judge(url, progress, walk, failed=failed)
        verdicts[url] = verdict
        if verdict.warning:
            state.warn(verdict.warning)
        values: dict[str, Any] = {}
        if failed:
            values["failed_at"] = run.started_at
        if verdict.walked and progress is not None:
            values.update(walked_at=run.started_at, walked_run_id=run.id,
                          complete=verdict.complete, links=progress.links + progress.offsite,
                          pages=progress.pages, stated_total=progress.stated,
                          stated_unit=progress.unit, short_walks=0)
        elif verdict.short:
            values["short_walks"] = (walk.short_walks if walk is not None else 0) + 1
        if values:
            repo.save_column_walk(site.id, url, **values)
    return verdicts, previous
