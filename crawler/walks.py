"""Walking a column (栏目): how far a run went, and whether that was the whole column.

A run reads a column's list pages from the first on. It may stop early, at a page listing only
documents the archive knows (``stop_after_known_pages``), only when the walk state of the column
(``schema.ColumnWalk``, kept by ``monitor.runs.finish_run``) allows it (``may_stop_early``):

- a whole walk of the column has succeeded — to its end, or to ``max_list_pages`` — since the
  last run in which one of its list pages failed: a page that failed in the baseline (a 502 on
  page 2) is walked by the next run instead of hiding its documents for good;
- that walk is not older than the full-walk period (GOVWATCH_FULL_WALK_DAYS, 7 days): a
  document published late with an old 成文日期 sorts onto page 3, where no early stop looks;
- the pager's stated total (TRS ``countPage``, Hanweb ``totalRecord``) did not grow by more
  than the new documents this walk found: the back-dated document is found on the next run
  when the pager says how much the column holds.

A walk that reached an end counts as the whole column only when corroborated (``judge``): the
stated total was reached, or — when the pager states none — it listed about as many documents
as the last whole walk. A pager the crawler stopped understanding (a template that now writes
``[下一页]``) ends every walk on page 1: that is reported, never taken for a column that lost
two thirds of its documents. Nothing here decides that a document is gone: missing from a list,
a document is only asked for again (``monitor.runs``: gone is what its own fetch answers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.discovery import Listing
    from crawler.pagination import NextPage
    from monitor.store.records import ColumnWalkRecord

DEFAULT_FULL_WALK_DAYS = 7.0
# A walk that ends listing less than this share of what the column should hold is short (a
# pager read no further than page 1 lists a third of a three-page column).
SHORT_SHARE = 0.8
# Short walks in a row after which the column is taken to be that size (a column whose
# abolished documents moved elsewhere): each of them said so on its run.
SHORT_WALKS_ACCEPTED = 3


@dataclass
class ColumnProgress:
    """What this run read of one column (start URL). Kept per worker; ``merge`` adds up the
    workers of a distributed round, where pages of one column are read by several of them."""

    pages: int = 0               # list pages read with their documents
    links: int = 0               # distinct document links they listed
    offsite: int = 0             # document links outside allowed_domains
    page_size: int = 0           # documents on the first page: a page's size
    new: int = 0                 # links the archive did not know
    stated: int | None = None    # what the pager states the column holds (the largest seen)
    unit: str | None = None      # pages (TRS countPage) | records (Hanweb totalRecord)
    # how the walk ended, if it did: end | early | cap | unread (a pager govwatch cannot
    # follow says there is more: discovery's pager_warning)
    end: str | None = None
    # the oldest date beside a listed document (YYYY-MM-DD): a document dated after it that
    # the lists no longer show left the middle of the column, not its end (monitor.runs)
    oldest: str | None = None

    def read(self, listing: Listing, after: NextPage | None, *, page: int, fresh: int,
             new: int) -> None:
        """Count a list page read with its documents (``fresh``: links this walk had not
        listed yet; ``new``: links the archive did not know)."""
        self.pages += 1
        self.links += fresh
        self.offsite += len(listing.offsite)
        self.new += new
        if page == 1:
            self.page_size = len(listing.links)
        dates = [link.date for link in listing.links if link.date]
        if dates:
            self.oldest = min(dates) if self.oldest is None else min(self.oldest, *dates)
        said = stated_total(listing, after)
        if said is not None and (self.stated is None or said[1] > self.stated):
            self.unit, self.stated = said

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def merge(cls, parts: list[dict[str, Any]]) -> ColumnProgress:
        merged = cls()
        for part in parts:
            merged.pages += part["pages"]
            merged.links += part["links"]
            merged.offsite += part["offsite"]
            merged.new += part["new"]
            merged.page_size = max(merged.page_size, part["page_size"])
            if part["stated"] is not None and (merged.stated is None
                                               or part["stated"] > merged.stated):
                merged.stated, merged.unit = part["stated"], part["unit"]
            # One worker reads a column's last page: the others have no end to tell.
            merged.end = merged.end or part["end"]
            oldest = part.get("oldest")
            if oldest and (merged.oldest is None or oldest < merged.oldest):
                merged.oldest = oldest
        return merged


def stated_total(listing: Listing, after: NextPage | None) -> tuple[str, int] | None:
    """How much the pager says the column holds: TRS's page count (``createPageHTML`` /
    ``countPage``), or Hanweb's ``totalRecord`` (the jpage script, then each proxy answer's
    ``<totalrecord>``)."""
    if listing.total_pages:
        return "pages", listing.total_pages
    for request in (*listing.next, after):
        if request is not None and request.jpage is not None and request.jpage.total:
            return "records", request.jpage.total
    return None


def grown_unexplained(previous: ColumnWalkRecord, progress: ColumnProgress) -> bool:
    """The pager states more than at the last whole walk, by more than the new documents this
    walk found so far: something was published further down (a back-dated document)."""
    if previous.stated_total is None or progress.stated is None \
            or previous.stated_unit != progress.unit:
        return False
    grown = progress.stated - previous.stated_total
    if grown <= 0:
        return False
    if progress.unit == "pages":  # one more page: at least one more document
        grown = (grown - 1) * max(progress.page_size, 1) + 1
    return progress.new < grown


def may_stop_early(previous: ColumnWalkRecord | None, progress: ColumnProgress, *,
                   now: datetime, full_walk_days: float) -> bool:
    """May this run stop walking the column at a page of known documents? (module doc)"""
    if previous is None or previous.walked_at is None:
        return False  # never walked whole: what lies further down is unknown
    if previous.failed_at is not None and previous.failed_at >= previous.walked_at:
        return False  # a list page failed since: its documents may never have been read
    if now - previous.walked_at >= timedelta(days=full_walk_days):
        return False  # time for the periodic full walk
    return not grown_unexplained(previous, progress)


@dataclass(frozen=True)
class Verdict:
    """What a run's walk of a column amounts to."""

    complete: bool = False   # the column's end, corroborated: every document it lists was seen
    walked: bool = False     # a whole walk (complete, or to max_list_pages): early stops may follow
    short: bool = False      # an end that lists far less than the column should hold
    warning: str | None = None
    # complete, and held against the pager's stated total or the last whole walk (not a first
    # walk, nor a short size taken on trust): only then does a document's absence from the
    # lists count towards ``removed`` (monitor.runs)
    corroborated: bool = False


def _reached(listed: int, stated: int) -> bool:
    """All the records Hanweb's totalRecord counts, but for a couple listed twice."""
    return listed >= stated - max(2, stated // 50)


def judge(url: str, progress: ColumnProgress | None, previous: ColumnWalkRecord | None, *,
          failed: bool) -> Verdict:
    """Whether this run walked the whole column; a short end comes with its warning."""
    if failed or progress is None or progress.end in (None, "early", "unread"):
        return Verdict()  # an unread pager: the spider said so, with the pager's words
    if progress.end == "cap":
        return Verdict(walked=True)  # the spider warned when it stopped there
    listed = progress.links + progress.offsite
    if progress.stated is not None:
        corroborated = progress.pages >= progress.stated if progress.unit == "pages" \
            else _reached(listed, progress.stated)
        expected = f"its pager states {progress.stated} {progress.unit}"
    elif previous is not None and previous.complete and previous.links:
        corroborated = listed >= previous.links * SHORT_SHARE
        expected = f"its last whole walk listed {previous.links}"
    else:
        return Verdict(complete=True, walked=True)  # nothing to hold it against
    if corroborated:
        return Verdict(complete=True, walked=True, corroborated=True)
    shorts = (previous.short_walks if previous is not None else 0) + 1
    said = (f"{url}: the walk ended after {progress.pages} list page"
            f"{'s' if progress.pages != 1 else ''} listing {listed} documents, where {expected}: "
            "govwatch may no longer read this column's pager, and documents on later pages "
            "are not crawled (`govwatch sites --check` shows what it finds; next_page_selector "
            "names the next-page link)")
    if shorts >= SHORT_WALKS_ACCEPTED:
        return Verdict(complete=True, walked=True,
                       warning=f"{said}; after {shorts} such walks in a row, taken as the "
                               "column's size from now on")
    return Verdict(short=True, warning=said)
