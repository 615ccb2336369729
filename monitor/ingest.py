"""From fetch to archive: every fetch is recorded; only real content changes become versions, and
versions become events.

Rules (DESIGN.md "Versions and events"):

- a failed fetch (timeout, 5xx, challenge, soft-404, maintenance…) is a fetch outcome only;
- a first successful fetch makes version 1 and a ``new`` event (``baseline`` on the site's first
  crawl);
- a fetch whose fingerprint equals the current version's is unchanged; one equal to a recent
  older version switches back to it silently (a page flapping between two states alerts once);
- otherwise a new version, and ``status`` and/or ``changed`` events;
- gone (404/410/soft-404) is evidence only: ``monitor.runs`` turns two consecutive successful runs
  of it into ``removed``; a document seen again after ``removed`` is ``restored``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from crawler.extraction import EXTRACTOR_VERSION, ExtractOptions, extract
from crawler.extraction.result import Extraction
from crawler.items import FetchedAttachment, ListPageResult, PageResult
from crawler.outcomes import FetchOutcome
from monitor.changes import Snapshot, compare
from monitor.config import SiteConfig
from monitor.fingerprint import fingerprint, text_sha256
from monitor.recheck import is_due, next_check
from monitor.store.db import Database
from monitor.store.records import DocumentRecord, RunRecord, VersionRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

RECENT_VERSIONS = 5  # content equal to one of these is a flap back, not a change


class Ingested(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REVERTED = "reverted"      # back to a recent version: no event
    REEXTRACTED = "reextracted"  # only the extractor differs: new version, no event
    GONE = "gone"
    FAILED = "failed"


def _attachments(item: PageResult, previous: VersionRecord | None) -> list[dict[str, Any]]:
    """Attachment records for a version. A download that failed this time keeps the hash the
    previous version had for the same URL, so a flaky download is not a change."""
    known = {a.get("url"): a for a in (previous.attachments if previous else [])}
    fetched = {a.url: a for a in item.attachments}
    assert item.extraction is not None
    out = []
    for attachment in item.extraction.attachments:
        got: FetchedAttachment | None = fetched.get(attachment.url)
        sha = got.sha256 if got and got.sha256 else None
        size = got.size if got and got.sha256 else None
        if sha is None and attachment.url in known:
            sha = known[attachment.url].get("sha256")
            size = known[attachment.url].get("size")
        record = {"name": attachment.name, "url": attachment.url, "sha256": sha, "size": size}
        # Validators for the next recheck's conditional request (crawler.spiders.portal).
        etag = got.etag if got and got.sha256 else known.get(attachment.url, {}).get("etag")
        modified = got.last_modified if got and got.sha256 else known.get(
            attachment.url, {}).get("last_modified")
        if etag or modified:
            record.update(etag=etag, last_modified=modified)
        out.append(record)
    return out


def _snapshot(version: VersionRecord) -> Snapshot:
    return Snapshot(version.title, version.text, version.metadata, version.attachments)


class Ingestor:
    """Applies one site's fetch results to the archive, one transaction per fetch."""

    def __init__(self, database: Database, site: SiteConfig, run: RunRecord) -> None:
        self.database = database
        self.site = site
        self.run = run
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
            version = Repository(session).get_version(doc.current_version_id)
        return {str(a.get("url")): a for a in (version.attachments if version else [])}

    def due_batch(self, after_id: int = 0, limit: int = 500) -> list[DocumentRecord]:
        """The next ``limit`` documents (by id, after ``after_id``) whose recheck was due when
        this run started; the spider walks them in batches (memory flat in the site's size)."""
        with self.database.session() as session:
            return Repository(session).documents_due_after(
                self.site.id, self.run.started_at, after_id=after_id, limit=limit)

    def due_documents(self, exclude: Iterable[str] = (), limit: int = 5000
                      ) -> list[DocumentRecord]:
        with self.database.session() as session:
            return Repository(session).documents_due(self.site.id, datetime.now(UTC),
                                                     exclude=list(exclude), limit=limit)

    # ---------------------------------------------------------------------------- lists

    def list_page(self, item: ListPageResult) -> None:
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
            repo.add_fetch(run_id=self.run.id, site_id=self.site.id,
                           document_id=doc.id if doc else None, url=item.fetched_url,
                           kind="detail", at=item.fetched_at, outcome=item.outcome.value,
                           http_status=item.http_status, duration_ms=item.duration_ms,
                           size=len(item.raw) if item.raw is not None else None,
                           detail=item.detail)
            if item.outcome.is_gone:
                if doc is not None:
                    repo.update_document(doc.id, gone_run_id=self.run.id,
                                         last_checked=item.fetched_at, next_check_at=None)
                return Ingested.GONE
            if item.outcome.is_failure or item.outcome == FetchOutcome.EMPTY:
                return Ingested.FAILED
            if item.outcome in (FetchOutcome.NOT_MODIFIED, FetchOutcome.UNCHANGED):
                if doc is None:
                    return Ingested.FAILED
                self._seen(repo, doc, item)
                return Ingested.UNCHANGED
            return self._content(repo, doc, item)

    def _content(self, repo: Repository, doc: DocumentRecord | None,
                 item: PageResult) -> Ingested:
        extraction = item.extraction
        assert extraction is not None
        current = repo.get_version(doc.current_version_id) if doc and doc.current_version_id \
            else None
        attachments = _attachments(item, current)
        fp = fingerprint(extraction.title, extraction.text, extraction.metadata, attachments)
        if doc is None:
            doc = repo.create_document(self.site.id, item.url, now=item.fetched_at,
                                       list_title=item.list_title, list_date=item.list_date)
            version = self._add_version(repo, doc, item, extraction, attachments, fp)
            repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                           kind="new", at=item.fetched_at, new_version=version.n,
                           baseline=self.run.baseline, summary=self._new_summary(extraction))
            self._seen(repo, repo.get_document(doc.id) or doc, item)
            return Ingested.NEW
        if current is not None and current.fingerprint == fp:
            self._seen(repo, doc, item)
            return Ingested.UNCHANGED
        for older in repo.versions(doc.id, newest_first=True, limit=RECENT_VERSIONS):
            if older.fingerprint == fp:
                log.info("%s: back to version %d (flapping), no event", item.url, older.n)
                repo.set_current_version(doc.id, older.id)
                self._seen(repo, doc, item)
                return Ingested.REVERTED
        if current is not None and self._extractor_only(repo, current, fp):
            self._add_version(repo, doc, item, extraction, attachments, fp, cause="reextract")
            self._seen(repo, doc, item)
            return Ingested.REEXTRACTED
        version = self._add_version(repo, doc, item, extraction, attachments, fp)
        if current is not None:
            self._change_events(repo, doc, current, version, item.fetched_at)
        self._seen(repo, repo.get_document(doc.id) or doc, item, edited=True)
        return Ingested.CHANGED

    def _extractor_only(self, repo: Repository, current: VersionRecord, fp: str) -> bool:
        """After an extractor upgrade: does the new extractor read the *old* page bytes the same
        way it read the new ones? Then the page did not change; the extractor did."""
        if current.extractor_version == EXTRACTOR_VERSION or not current.raw_sha256:
            return False
        raw = repo.get_blob(current.raw_sha256)
        if raw is None:
            return False
        again = extract(raw, current.url, content_type=current.content_type,
                        options=self.options)
        return fingerprint(again.title, again.text, again.metadata,
                           current.attachments) == fp

    def _add_version(self, repo: Repository, doc: DocumentRecord, item: PageResult,
                     extraction: Extraction, attachments: list[dict[str, Any]], fp: str,
                     cause: str = "crawl") -> VersionRecord:
        raw_sha = repo.put_blob(item.raw, item.fetched_at) if item.raw is not None else None
        for attachment in item.attachments:
            if attachment.body is not None:
                repo.put_blob(attachment.body, item.fetched_at)
        return repo.add_version(
            doc.id, now=item.fetched_at, url=item.fetched_url, title=extraction.title,
            metadata=dict(extraction.metadata), metadata_raw=dict(extraction.metadata_raw),
            text=extraction.text, text_sha256=text_sha256(extraction.text), fingerprint=fp,
            attachments=attachments, published=extraction.published, raw_sha256=raw_sha,
            http_status=item.http_status, content_type=item.content_type,
            encoding=extraction.encoding, extractor_version=extraction.extractor_version,
            cause=cause)

    def _change_events(self, repo: Repository, doc: DocumentRecord, old: VersionRecord,
                       new: VersionRecord, at: datetime) -> None:
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
        values = self._seen_values(doc, item, edited)
        if doc.state == "removed":
            values["state"] = "active"
            current = repo.get_document(doc.id)
            repo.add_event(site_id=self.site.id, document_id=doc.id, run_id=self.run.id,
                           kind="restored", at=item.fetched_at,
                           new_version=current.version_count if current else None)
        repo.update_document(doc.id, **values)

    @staticmethod
    def _new_summary(extraction: Extraction) -> dict[str, Any]:
        return {"excerpt_text": extraction.text[:200],
                "publisher": extraction.metadata.get("publisher"),
                "doc_no": extraction.metadata.get("doc_no"),
                "status": extraction.metadata.get("status"),
                "published": extraction.published}
