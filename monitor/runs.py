"""A site's crawl run: its start, and what its end decides (status, baseline, removals).

A run is *successful* when every list page it asked for answered; only successful runs count as
evidence that a document is gone, and a document is ``removed`` only after two consecutive
successful runs found it gone (404/410/soft-404, or missing from a list the run read to the end).
A failed or blocked run decides nothing about documents: it neither counts towards a removal nor
breaks a streak. A successful run that lists the document, or fetches it with content, does break
it: "consecutive" means no successful run in between saw the document alive.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.store.db import Database
from monitor.store.records import RunRecord
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
        status, message = run_status(state, reason, max(failures - list_failed, 0))
        successful = status in ("ok", "partial") and state.list_failures == 0 \
            and reason == "finished"
        complete = successful and set(site.start_urls) <= state.columns_complete
        removed = 0
        if successful:
            gone = {d.id: d for d in repo.gone_in_run(site.id, run.id)}
            if complete:
                for doc in repo.unlisted_active(site.id, run.id, run.started_at):
                    gone.setdefault(doc.id, doc)
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
                    repo.update_document(doc.id, state="removed", gone_runs=runs)
                    repo.add_event(site_id=site.id, document_id=doc.id, run_id=run.id,
                                   kind="removed", at=now, old_version=doc.version_count)
                    removed += 1
                else:
                    repo.update_document(doc.id, gone_runs=runs, next_check_at=None)
        if run.baseline and status in ("ok", "partial"):
            # The first crawl that got through is the baseline, even if a page failed: its
            # documents are archived, and the next crawl's findings are news.
            repo.set_baseline(site.id, now)
        stats = {**counters, "fetches": outcomes, "events": repo.count_events(run.id),
                 "list_pages": state.list_pages, "list_failures": state.list_failures,
                 "removed": removed}
        return repo.finish_run(run.id, status=status, now=now, list_complete=complete,
                               stats=stats, message=message)
