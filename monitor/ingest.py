"""From fetch to archive: every fetch is recorded; only real content changes become versions, and
versions become events.

Rules (DESIGN.md "Versions and events"):

- a failed fetch (timeout, 5xx, challenge, soft-404, maintenance…) is a fetch outcome only; so is
  a page that answered 200 but reads as one of them next to the version we have (a body that
  vanished, an error page the crawler did not recognise, a page cut off before ``</html>``), and
  one that redirects took to 首页, a column's index or a login page;
- a page that shares nothing with the version we have (another title, next to none of its text,
  no metadata table value and no file in common) is held as ``suspect`` until the next run that
  fetches the document sees it again: a portal serving its 首页 or a login page in the document's
  place alerts nobody, and a real rewrite is told one run later;
- a soft-404 verdict on a page still showing the known document's title is not evidence that
  the document is gone (a notice about 已删除 registrations), only a ``suspect`` fetch;
- a first successful fetch makes version 1 and a ``new`` event (``baseline`` on the site's first
  crawl);
- a fetch whose fingerprint equals the current version's is unchanged — compared with the
  fingerprint recomputed from the stored content too, so a change to the folding itself is not
  a change to thousands of documents; one equal to a recent older version switches back to it
  silently (a page flapping between two states alerts once) — unless the current content had
  stood for several fetches: then going back is the publisher's edit (a correction, an abolition
  withdrawn) and is told like any other;
- a fetch that today's extractor reads exactly as it reads the current version's stored bytes is
  an extractor upgrade, not an edit: a version marked ``reextract``, no event; when both the
  extractor and the page changed, the old bytes' new reading is stored first, so the event
  shows the edit and nothing of the upgrade;
- otherwise a new version, and ``status`` and/or ``changed`` events;
- gone (404/410/soft-404) is evidence only: ``monitor.runs`` turns two consecutive successful runs
  of it into ``removed`` (the document is due again at once, so the next run asks for it listed
  or not); a document seen again after ``removed`` is ``restored``;
- a URL a list showed whose fetch archives nothing (a timeout, a 5xx, a page the CMS has not
  generated yet) is ``pending``: the spider asks for it on every run until it is archived, since
  the list page that showed it may not be walked again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from crawler.extraction import ExtractOptions
from crawler.extraction.result import Attachment
from crawler.faults import classify_page, landing
from crawler.items import ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from monitor import reading as readings
from monitor.changes import Snapshot, compare, compared_metadata
from monitor.config import SiteConfig
from monitor.fingerprint import comparable, text_sha256
from monitor.folding import fold, text_key
from monitor.outlets import link_document
from monitor.recheck import is_due, next_check
from monitor.store.db import Database
from monitor.store.records import (
    ColumnWalkRecord,
    DocumentRecord,
    PendingRecord,
    RunRecord,
    VersionRecord,
)
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

RECENT_VERSIONS = 5  # content equal to one of these is a flap back, not a change…
# …unless the page showed its current content on this many fetches: a page flapping between two
# states shows each once at a time, while a publisher's correction comes after the edit stood.
SETTLED_FETCHES = 2
# A page seen flapping stays presumed flapping this long: one of its two states seen twice in a
# row by chance is not a correction.
FLAP_MEMORY = timedelta(days=30)
ERROR_PAGE_CHARS = 600  # crawler.faults only believes short pages to be error pages
# A page that shares nothing with the stored version is held until it is seen again: the
# document's previous fetches are read back this far for the held one (failed fetches in between
# — a timeout, a 503 — are skipped; a fetch that read the document ends the hold).
HELD_LOOKBACK = 20
# A listed URL never archived that answered 404/410/soft-404 this many runs in a row is a dead
# link, no longer asked for on its own (a list page still showing it brings it back).
PENDING_GONE_TRIES = 3
MIN_SHOWN_TITLE = 6  # characters a title needs before its presence on a page means anything
TRUNCATION_SLACK = 200  # folded characters a cut-off page may have garbled at its end
_HTML_END = re.compile(rb"</\s*(?:html|body)\s*>", re.I)
# Fetches that neither read the document nor found it gone: a hold survives them.
_SAYS_NOTHING = frozenset(o.value for o in FetchOutcome
                          if o.is_failure and o != FetchOutcome.SUSPECT)


class Ingested(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REVERTED = "reverted"        # back to a recent version: no event
    REEXTRACTED = "reextracted"  # only the extractor differs: new version, no event
    REFINED = "refined"          # new version with nothing to tell (an attachment hash learnt)
    GONE = "gone"
    FAILED = "failed"


def _snapshot(version: VersionRecord | readings.Reading) -> Snapshot:
    return Snapshot(version.title, version.text, version.metadata, version.attachments)


def _ends(raw: bytes) -> bool:
    return bool(_HTML_END.search(raw[-4096:]))


class Ingestor:
    """Applies one site's fetch results to the archive, one transaction per fetch."""

    def __init__(self, database: Database, site: SiteConfig, run: RunRecord, *,
                 link_outlets: bool = True) -> None:
        self.database = database
        self.site = site
        self.run = run
        self.link_outlets = link_outlets
        self.options = ExtractOptions(encoding=site.encoding,
                                      metadata_selector=site.metadata_selector,
                                      body_selector=site.body_selector)

    # ------------------------------------------------------------------ spider questions

    def known(self, urls: Iterable[str]) -> dict[str, DocumentRecord]:
        with self.database.session() as session:
            return Repository(session).find_documents(self.site.id, urls)

    def due(self, doc: DocumentRecord, now: datetime | None = None) -> bool:
        if doc.gone_runs or (doc.state == "removed" and doc.next_check_at is None):
            return True
        return is_due(doc.next_check_at, now or datetime.now(UTC))

    def attachments_of(self, doc: DocumentRecord) -> dict[str, dict[str, Any]]:
        """The current version's attachments by URL (hash, size, validators), so that a recheck
        asks for them conditionally instead of downloading them again."""
        if not doc.current_version_id:
            return {}
        with self.database.session() as session:
            attachments = Repository(session).version_attachments(doc.current_version_id)
        return {str(a.get("url")): a for a in attachments}

    def due_batch(self, after_id: int = 0, limit: int = 500) -> list[DocumentRecord]:
        """The next ``limit`` documents (by id, after ``after_id``) whose recheck was due when
        this run started; the spider walks them in batches (memory flat in the site's size)."""
        with self.database.session() as session:
            return Repository(session).documents_due_after(
                self.site.id, self.run.started_at, after_id=after_id, limit=limit)

    def column_walks(self) -> dict[str, ColumnWalkRecord]:
        """Each column's walk state (``crawler.walks``), by start URL."""
        with self.database.session() as session:
            return Repository(session).column_walks(self.site.id)

    def pending_batch(self, after_id: int = 0, limit: int = 500) -> list[PendingRecord]:
        """Listed URLs whose fetch has not archived the document yet, by id after
        ``after_id``."""
        with self.database.session() as session:
            return Repository(session).pending_after(self.site.id, after_id=after_id,
                                                     limit=limit)

    def unlisted_batch(self, since_run: int, after_id: int = 0, limit: int = 500
                       ) -> list[DocumentRecord]:
        """Active documents listed in run ``since_run`` or later but not in this run's lists,
        by id after ``after_id``."""
        with self.database.session() as session:
            return Repository(session).unlisted_after(
                self.site.id, self.run.id, listed_since_run=since_run, after_id=after_id,
                limit=limit)

    def due_documents(self, exclude: Iterable[str] = (), limit: int = 5000
                      ) -> list[DocumentRecord]:
        with self.database.session() as session:
            return Repository(session).documents_due(self.site.id, datetime.now(UTC),
                                                     exclude=list(exclude), limit=limit)

    # ---------------------------------------------------------------------------- lists

    def list_page(self, item: ListPageResult) -> None:
        """A list page is evidence of which documents exist, never content: a list that shows
        its documents in a new order, or with a new "latest" badge, changes nothing."""
        with self.database.session() as session:
            repo = Repository(session)
            repo.add_fetch(run_id=self.run.id, site_id=self.site.id, document_id=None,
                           url=item.url, kind="list", at=item.fetched_at,
                           outcome=item.outcome.value, http_status=item.http_status,
                           duration_ms=item.duration_ms, size=item.size,
                           detail=item.detail or (f"{item.links} links, {item.new_links} new"
                                                  if item.outcome == FetchOutcome.OK else None))
            if item.listed:
                repo.note_listed(self.site.id, self.run.id, item.listed)

    # ------------------------------------------------------------------------ documents

    def page(self, item: PageResult) -> Ingested:
        with self.database.session() as session:
            repo = Repository(session)
            doc = repo.find_document(self.site.id, item.url)
            result, outcome, detail = self._decide(repo, doc, item)
            if outcome != item.outcome:
                log.warning("%s: fetched as %s but kept as %s: %s", item.url, item.outcome,
                            outcome, detail)
            doc = doc or repo.find_document(self.site.id, item.url)
            if doc is None and item.listed:
                # Listed, and not archived: asked for again on the next runs, whether or not
                # they walk as far as the list page that showed it.
                repo.note_pending(self.site.id, item.url, at=item.fetched_at,
                                  outcome=outcome.value, gone=outcome.is_gone,
                                  list_title=item.list_title, list_date=item.list_date,
                                  gone_limit=PENDING_GONE_TRIES)
            elif result == Ingested.NEW:
                repo.drop_pending(self.site.id, item.url)
            repo.add_fetch(run_id=self.run.id, site_id=self.site.id,
                           document_id=doc.id if doc else None, url=item.fetched_url,
                           kind="detail", at=item.fetched_at, outcome=outcome.value,
                           http_status=item.http_status, duration_ms=item.duration_ms,
                           size=len(item.raw) if item.raw is not None else None,
                           detail=detail)
            document_id = doc.id if doc else None
        if self.link_outlets and document_id is not None and result in (
                Ingested.NEW, Ingested.CHANGED, Ingested.REEXTRACTED):
            self._link(document_id, item.url)
        return result

    def _link(self, document_id: int, url: str) -> None:
        """Outlet matching enriches the archive; the version is already committed, and a failure
        here is reported, never allowed to stop the crawl."""
        try:
            link_document(self.database, document_id)
        except Exception:
            log.exception("%s: matching the text against other outlets failed", url)

    def _decide(self, repo: Repository, doc: DocumentRecord | None, item: PageResult
                ) -> tuple[Ingested, FetchOutcome, str | None]:
        moved = landing(item.url, item.fetched_url) if item.outcome.is_content else None
        if moved is not None:
            return Ingested.FAILED, moved.outcome, moved.reason
        if item.outcome.is_gone and doc is not None and self._still_shown(doc, item):
            return Ingested.FAILED, FetchOutcome.SUSPECT, (
                f"read as {item.outcome.value} but the page still shows the title "
                f"{doc.title!r}: {item.detail}")
        if item.outcome.is_gone:
            if doc is not None:
                # Due again at once: the next run's fetch confirms it (two successful runs make
                # ``removed``) or breaks the streak, whether or not a list still shows it.
                repo.update_document(doc.id, gone_run_id=self.run.id,
                                     last_checked=item.fetched_at,
                                     next_check_at=item.fetched_at if doc.state == "active"
                                     else None)
            return Ingested.GONE, item.outcome, item.detail
        if (item.outcome.is_failure or item.outcome == FetchOutcome.EMPTY
                or (item.outcome == FetchOutcome.OK and item.extraction is None)):
            return Ingested.FAILED, item.outcome, item.detail
        if item.outcome in (FetchOutcome.NOT_MODIFIED, FetchOutcome.UNCHANGED):
            if doc is None:
                return Ingested.FAILED, item.outcome, item.detail
            if item.attachments and doc.current_version_id:
                return self._files_behind(repo, doc, item)
            self._seen(repo, doc, item)
            return Ingested.UNCHANGED, item.outcome, item.detail
        return self._content(repo, doc, item)

    def _files_behind(self, repo: Repository, doc: DocumentRecord, item: PageResult
                      ) -> tuple[Ingested, FetchOutcome, str | None]:
        """An unchanged page (304, or the same bytes) whose attachments were downloaded again:
        the current version with the files' new hashes. A file replaced at the same URL is a
        change (static portals replace a 申报表 without touching the page)."""
        current = repo.get_version(doc.current_version_id) if doc.current_version_id else None
        assert current is not None
        listed = [Attachment(str(a.get("name") or ""), str(a.get("url")))
                  for a in current.attachments]
        attachments = readings.resolve_attachments(listed, item.attachments,
                                                    current.attachments)
        fetched = readings.with_attachments(current, attachments)
        ok = item.outcome, item.detail
        if self._same(current, fetched):
            self._seen(repo, doc, item)
            return Ingested.UNCHANGED, *ok
        for attachment in item.attachments:
            if attachment.body is not None:
                repo.put_blob(attachment.body, item.fetched_at)
        version = repo.add_version(
            doc.id, now=item.fetched_at, url=current.url, title=fetched.title,
            metadata=fetched.metadata, metadata_raw=fetched.metadata_raw, text=fetched.text,
            text_sha256=current.text_sha256, fingerprint=fetched.fingerprint,
            attachments=fetched.attachments, published=fetched.published,
            raw_sha256=current.raw_sha256, http_status=current.http_status,
            content_type=current.content_type, encoding=fetched.encoding,
            extractor_version=fetched.extractor_version, cause="crawl")
        self._restore(repo, doc, item)
        told = self._change_events(repo, doc, current, version, item.fetched_at)
        self._seen(repo, repo.get_document(doc.id) or doc, item, edited=told)
        return (Ingested.CHANGED if told else Ingested.REFINED), *ok

    def _content(self, repo: Repository, doc: DocumentRecord | None, item: PageResult
                 ) -> tuple[Ingested, FetchOutcome, str | None]:
        extraction = item.extraction
        assert extraction is not None
        current = repo.get_version(doc.current_version_id) if doc and doc.current_version_id \
            else None
        attachments = readings.resolve_attachments(
            extraction.attachments, item.attachments, current.attachments if current else [])
        fetched = readings.reading(extraction, attachments, current)
        ok = item.outcome, item.detail
        if doc is None or current is None:
            doc = doc or repo.create_document(self.site.id, item.url, now=item.fetched_at,
                                              list_title=item.list_title,
                                              list_date=item.list_date,
                                              listed_run_id=self.run.id if item.listed
                                              else None)
            version = self._add_version(repo, doc, item, fetched)
            repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                           kind="new", at=item.fetched_at, new_version=version.n,
                           baseline=self.run.baseline, summary=self._new_summary(fetched))
            self._seen(repo, repo.get_document(doc.id) or doc, item)
            return Ingested.NEW, *ok
        if self._same(current, fetched):
            self._seen(repo, doc, item)
            return Ingested.UNCHANGED, *ok
        suspect = self._suspect(repo, current, item)
        if suspect is not None:
            return Ingested.FAILED, *suspect
        quiet, again = self._not_an_edit(repo, doc, current, item, fetched)
        if quiet is not None:
            self._seen(repo, doc, item)
            return quiet, *ok
        held = self._stranger(repo, doc, current, item, fetched)
        if held is not None:
            return Ingested.FAILED, FetchOutcome.SUSPECT, held
        base: VersionRecord = current
        if again is not None and not self._same(current, again):
            # Both the extractor and the page changed: store how today's extractor reads the
            # old bytes first, so that the event compares like with like.
            base = self._add_stored_reading(repo, doc, current, again, item.fetched_at)
        version = self._add_version(repo, doc, item, fetched)
        self._restore(repo, doc, item)
        told = self._change_events(repo, doc, base, version, item.fetched_at)
        self._seen(repo, repo.get_document(doc.id) or doc, item, edited=told)
        return (Ingested.CHANGED if told else Ingested.REFINED), *ok

    def _not_an_edit(self, repo: Repository, doc: DocumentRecord, current: VersionRecord,
                     item: PageResult, fetched: readings.Reading
                     ) -> tuple[Ingested | None, readings.Reading | None]:
        """A fetch that differs from the current version without the document being edited:
        back to a recent version (flapping), or the same page read by a newer extractor. Also
        returns the current version's bytes as today's extractor reads them (None when they
        were not needed or are not stored)."""
        recent = [v for v in repo.versions(doc.id, newest_first=True, limit=RECENT_VERSIONS)
                  if v.id != current.id]
        if (repo.content_fetches_of_current(doc.id) >= SETTLED_FETCHES
                and not repo.flapped_since(doc.id, item.fetched_at - FLAP_MEMORY)):
            # The current state stood, and the page is not one known to flap: going back to an
            # older state is the publisher's doing (a correction, an abolition withdrawn), told
            # like any edit.
            recent = []
        for older in recent:
            if self._same(older, fetched):
                log.info("%s: back to version %d (flapping), no event", item.url, older.n)
                repo.flap_back(doc.id, older.id, item.fetched_at)
                return Ingested.REVERTED, None
        again = self._reread(repo, doc, current)
        if again is not None and self._same(again, fetched):
            log.info("%s: only the extractor changed (%s → %s), no event", item.url,
                     current.extractor_version, fetched.extractor_version)
            self._add_version(repo, doc, item, fetched, cause="reextract")
            return Ingested.REEXTRACTED, again
        for older in recent:
            if older.extractor_version == readings.current_extractor():
                continue
            old_again = self._reread(repo, doc, older)
            if old_again is not None and self._same(old_again, fetched):
                log.info("%s: back to version %d as today's extractor reads it, no event",
                         item.url, older.n)
                self._add_version(repo, doc, item, fetched, cause="reextract")
                return Ingested.REVERTED, again
        return None, again

    # ------------------------------------------------------------------------ judgements

    @staticmethod
    def _same(stored: VersionRecord | readings.Reading, fetched: readings.Reading) -> bool:
        """Equal to a stored version (or a reading of its bytes): by its stored fingerprint;
        else by one recomputed from its content (fingerprints taken by an older folding differ
        from today's), with the fetched metadata as it counts against the stored (a field that
        only appeared or disappeared is not an edit: ``monitor.changes.compared_metadata``)."""
        if stored.fingerprint == fetched.fingerprint:
            return True
        before = comparable(stored.title, stored.text, stored.metadata, stored.attachments)
        now = comparable(fetched.title, fetched.text,
                         compared_metadata(fetched.metadata, stored.metadata),
                         fetched.attachments)
        return before == now

    def _suspect(self, repo: Repository, current: VersionRecord, item: PageResult
                 ) -> tuple[FetchOutcome, str] | None:
        """A 200 answer that is not the document: checked only when the fingerprint differs,
        against the version we have."""
        extraction = item.extraction
        assert extraction is not None
        if extraction.is_file:
            # A file, told by its bytes: no error page. A PDF replaced by its scan has no text.
            return None
        text = extraction.text
        if current.text.strip() and not text.strip():
            return FetchOutcome.EMPTY, f"no body text where version {current.n} had some"
        if len(text) < ERROR_PAGE_CHARS and len(text) * 2 < len(current.text):
            verdict = classify_page(200, text)
            if verdict != FetchOutcome.OK:
                return verdict, f"the page reads as {verdict.value}: {text[:100]}"
        if item.raw is not None and current.raw_sha256 and not _ends(item.raw):
            old_key, new_key = text_key(current.text), text_key(text)
            head = new_key[:max(0, len(new_key) - TRUNCATION_SLACK)]
            if len(new_key) < len(old_key) and old_key.startswith(head):
                old_raw = repo.get_blob(current.raw_sha256)
                if old_raw is not None and _ends(old_raw):
                    return (FetchOutcome.TRUNCATED,
                            f"the page stops before </html> and its text is the first "
                            f"{len(new_key)} of {len(old_key)} characters of version "
                            f"{current.n}")
        return None

    @staticmethod
    def _still_shown(doc: DocumentRecord, item: PageResult) -> bool:
        """A soft-404 verdict whose page still shows the known document's title: the reason
        crawler.faults gives quotes the page's <title> and first heading. A notice that says
        some registrations 已经删除 is read as a soft-404 by its words; its title says it is
        still there."""
        title = fold(doc.title)
        return item.outcome == FetchOutcome.SOFT_404 and doc.current_version_id is not None \
            and len(title) >= MIN_SHOWN_TITLE and title in fold(item.detail)

    def _stranger(self, repo: Repository, doc: DocumentRecord, current: VersionRecord,
                  item: PageResult, fetched: readings.Reading) -> str | None:
        """Why a page that shares nothing with the stored version is held, or None. It is the
        portal's 首页, a login page, an error page in a template nobody recognised — or the
        publisher rewrote the whole document. Only time tells them apart: held once, the same
        content on the document's next fetch in a later run is the rewrite, told then (a run
        late); an error page is gone by then, or changes with every fetch (首页's news)."""
        assert item.extraction is not None
        alike = readings.likeness(current, fetched, item.extraction)
        if not alike.strange:
            return None
        if self._held_before(repo, doc, fetched.fingerprint):
            log.info("%s: the page that shared nothing with version %d is seen again: a "
                     "rewrite", item.url, current.n)
            return None
        return (f"held: shares nothing with version {current.n} "
                f"({alike.describe(current, fetched)}); told if the next fetch shows it again "
                f"[{fetched.fingerprint}]")

    def _held_before(self, repo: Repository, doc: DocumentRecord, fingerprint: str) -> bool:
        """The document's last fetch that said anything, in an earlier run, held this very
        content (its fingerprint is quoted in the held fetch's detail)."""
        for fetch in repo.fetches(document_id=doc.id, limit=HELD_LOOKBACK):
            if fetch.kind != "detail" or fetch.run_id == self.run.id:
                continue
            if fetch.outcome == FetchOutcome.SUSPECT.value:
                return f"[{fingerprint}]" in (fetch.detail or "")
            if fetch.outcome not in _SAYS_NOTHING:
                return False
        return False

    def _reread(self, repo: Repository, doc: DocumentRecord, version: VersionRecord
                ) -> readings.Reading | None:
        raw = repo.get_blob(version.raw_sha256) if version.raw_sha256 else None
        if raw is None:
            return None
        return readings.reread(raw, doc.url, version, self.options)

    # ---------------------------------------------------------------------------- writes

    def _add_version(self, repo: Repository, doc: DocumentRecord, item: PageResult,
                     content: readings.Reading, cause: str = "crawl") -> VersionRecord:
        raw_sha = repo.put_blob(item.raw, item.fetched_at) if item.raw is not None else None
        for attachment in item.attachments:
            if attachment.body is not None:
                repo.put_blob(attachment.body, item.fetched_at)
        return repo.add_version(
            doc.id, now=item.fetched_at, url=item.fetched_url, title=content.title,
            metadata=content.metadata, metadata_raw=content.metadata_raw, text=content.text,
            text_sha256=text_sha256(content.text), fingerprint=content.fingerprint,
            attachments=content.attachments, published=content.published, raw_sha256=raw_sha,
            http_status=item.http_status, content_type=item.content_type,
            encoding=content.encoding, extractor_version=content.extractor_version,
            cause=cause)

    @staticmethod
    def _add_stored_reading(repo: Repository, doc: DocumentRecord, stored: VersionRecord,
                            again: readings.Reading, now: datetime) -> VersionRecord:
        return repo.add_version(
            doc.id, now=now, url=stored.url, title=again.title, metadata=again.metadata,
            metadata_raw=again.metadata_raw, text=again.text,
            text_sha256=text_sha256(again.text), fingerprint=again.fingerprint,
            attachments=again.attachments, published=again.published,
            raw_sha256=stored.raw_sha256, http_status=stored.http_status,
            content_type=stored.content_type, encoding=again.encoding,
            extractor_version=again.extractor_version, cause="reextract")

    def _change_events(self, repo: Repository, doc: DocumentRecord, old: VersionRecord,
                       new: VersionRecord, at: datetime) -> bool:
        change = compare(_snapshot(old), _snapshot(new))
        summary = change.summary()
        if change.is_status_change:
            repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                           kind="status", at=at, old_version=old.n, new_version=new.n,
                           fields=change.status_fields, similarity=change.similarity,
                           summary=summary)
        if change.is_change:
            repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                           kind="changed", at=at, old_version=old.n, new_version=new.n,
                           fields=change.fields, similarity=change.similarity,
                           summary=summary)
        return change.is_change or change.is_status_change

    def _restore(self, repo: Repository, doc: DocumentRecord, item: PageResult) -> None:
        """A removed document answered with content again."""
        fresh = repo.get_document(doc.id)
        if fresh is None or fresh.state != "removed":
            return
        repo.update_document(doc.id, state="active", gone_runs=0, gone_run_id=None)
        repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                       kind="restored", at=item.fetched_at, new_version=fresh.version_count)

    def unchanged_many(self, items: Sequence[PageResult]) -> list[Ingested]:
        """``page()`` for a batch of fetches that found a document unchanged (304, or the same
        raw bytes), in one transaction with one statement of each kind: a recheck run is mostly
        these, and three ORM statements per document were most of its time. Same records and
        bookkeeping as ``page()``; a document that is not active goes through ``page()``."""
        results: list[Ingested] = []
        with self.database.session() as session:
            repo = Repository(session)
            docs = repo.find_documents(self.site.id, [item.url for item in items])
            updates = []
            for item in items:
                doc = docs.get(item.url)
                repo.add_fetch(run_id=self.run.id, site_id=self.site.id,
                               document_id=doc.id if doc else None, url=item.fetched_url,
                               kind="detail", at=item.fetched_at, outcome=item.outcome.value,
                               http_status=item.http_status, duration_ms=item.duration_ms,
                               size=None, detail=item.detail)
                if doc is None:
                    results.append(Ingested.FAILED)
                elif doc.state != "active":
                    self._seen(repo, doc, item)
                    results.append(Ingested.UNCHANGED)
                else:
                    updates.append({"id": doc.id, **self._seen_values(doc, item)})
                    results.append(Ingested.UNCHANGED)
            repo.update_documents(updates)
        return results

    def _seen_values(self, doc: DocumentRecord, item: PageResult,
                     edited: bool = False) -> dict[str, Any]:
        values: dict[str, Any] = {
            "last_seen": item.fetched_at, "last_checked": item.fetched_at, "gone_runs": 0,
            "gone_run_id": None,
            "next_check_at": next_check(
                item.fetched_at, first_seen=doc.first_seen, published=doc.published,
                last_edit=item.fetched_at if edited else (
                    doc.last_changed if doc.version_count > 1 else None),
                policy=self.site.recheck),
        }
        if item.raw_sha256:
            values["raw_sha256"] = item.raw_sha256
        if item.outcome != FetchOutcome.NOT_MODIFIED:
            values["etag"] = item.etag
            values["last_modified"] = item.last_modified
        if item.list_title:
            values["list_title"] = item.list_title
        if item.list_date:
            values["list_date"] = item.list_date
        return values

    def _seen(self, repo: Repository, doc: DocumentRecord, item: PageResult,
              edited: bool = False) -> None:
        """The document answered with content: bookkeeping, and ``restored`` if it was gone."""
        self._restore(repo, doc, item)
        repo.update_document(doc.id, **self._seen_values(doc, item, edited))

    @staticmethod
    def _new_summary(content: readings.Reading) -> dict[str, Any]:
        return {"excerpt_text": content.text[:200],
                "publisher": content.metadata.get("publisher"),
                "doc_no": content.metadata.get("doc_no"),
                "status": content.metadata.get("status"),
                "published": content.published}
