"""Reads and writes of the crawl archive, inside one session's transaction.

``Repository(session)`` is the only code that builds queries over the schema; the rest of govwatch
speaks to it in records (``monitor.store.records``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crawler.outcomes import FetchOutcome
from crawler.urls import scheme_variants
from monitor.store import blobs, search
from monitor.store.records import (
    ColumnWalkRecord,
    DocumentRecord,
    EventRecord,
    FetchRecord,
    PendingRecord,
    RunRecord,
    SiteRecord,
    VersionRecord,
)
from monitor.store.schema import (
    Blob,
    ColumnWalk,
    Document,
    Event,
    Fetch,
    Lock,
    PendingDocument,
    Run,
    Site,
    SubscriptionRecord,
    Version,
)

# Document fields copied from the current version's canonical metadata, for listing and filters.
DENORMALISED = ("publisher", "category", "status", "doc_no")

# Fetches that answered with the document's content (``FetchOutcome.is_content``).
_CONTENT_OUTCOMES = tuple(o.value for o in FetchOutcome if o.is_content)


def _site(row: Site) -> SiteRecord:
    return SiteRecord(row.id, row.name, row.baseline_at, row.last_run_id)


def _run(row: Run) -> RunRecord:
    return RunRecord(row.id, row.site_id, row.started_at, row.finished_at, row.status,
                     row.baseline, row.list_complete, dict(row.stats or {}), row.message)


def _document(row: Document) -> DocumentRecord:
    return DocumentRecord(
        id=row.id, site_id=row.site_id, url=row.url, state=row.state, first_seen=row.first_seen,
        last_seen=row.last_seen, last_checked=row.last_checked, last_changed=row.last_changed,
        next_check_at=row.next_check_at, current_version_id=row.current_version_id,
        version_count=row.version_count, etag=row.etag, last_modified=row.last_modified,
        raw_sha256=row.raw_sha256, gone_runs=row.gone_runs, title=row.title,
        publisher=row.publisher, category=row.category, status=row.status, doc_no=row.doc_no,
        published=row.published, list_title=row.list_title, list_date=row.list_date,
        unlisted_runs=row.unlisted_runs or 0)


def _version(row: Version) -> VersionRecord:
    return VersionRecord(
        id=row.id, document_id=row.document_id, n=row.n, created_at=row.created_at, url=row.url,
        title=row.title, metadata=dict(row.meta or {}), metadata_raw=dict(row.meta_raw or {}),
        text=row.text, text_sha256=row.text_sha256, fingerprint=row.fingerprint,
        attachments=list(row.attachments or []), published=row.published,
        raw_sha256=row.raw_sha256, http_status=row.http_status, content_type=row.content_type,
        encoding=row.encoding, extractor_version=row.extractor_version, cause=row.cause)


def _event(row: Event, doc: Document | None = None) -> EventRecord:
    return EventRecord(
        id=row.id, site_id=row.site_id, document_id=row.document_id, run_id=row.run_id,
        kind=row.kind, at=row.at, old_version=row.old_version, new_version=row.new_version,
        fields=dict(row.fields or {}), similarity=row.similarity, baseline=row.baseline,
        summary=dict(row.summary or {}), url=doc.url if doc else "",
        title=(doc.title or doc.list_title) if doc else None)


def _fetch(row: Fetch) -> FetchRecord:
    return FetchRecord(row.id, row.run_id, row.site_id, row.document_id, row.url, row.kind,
                       row.at, row.outcome, row.http_status, row.duration_ms, row.size, row.detail)


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -------------------------------------------------------------------------------- sites

    def sync_site(self, site_id: str, name: str, now: datetime) -> SiteRecord:
        row = self.session.get(Site, site_id)
        if row is None:
            row = Site(id=site_id, name=name, created_at=now)
            self.session.add(row)
        elif row.name != name:
            row.name = name
        self.session.flush()
        return _site(row)

    def get_site(self, site_id: str) -> SiteRecord | None:
        row = self.session.get(Site, site_id)
        return _site(row) if row else None

    def sites(self) -> list[SiteRecord]:
        return [_site(r) for r in self.session.scalars(select(Site).order_by(Site.id))]

    def set_baseline(self, site_id: str, at: datetime) -> None:
        self.session.execute(update(Site).where(Site.id == site_id, Site.baseline_at.is_(None))
                             .values(baseline_at=at))

    def sync_subscriptions(self, ids: Iterable[str], now: datetime) -> dict[str, datetime]:
        """Register subscriptions not seen before; returns each one's first-seen time."""
        ids = list(ids)
        rows = {r.id: r.first_seen for r in self.session.scalars(
            select(SubscriptionRecord).where(SubscriptionRecord.id.in_(ids)))} if ids else {}
        for sub_id in ids:
            if sub_id not in rows:
                self.session.add(SubscriptionRecord(id=sub_id, first_seen=now))
                rows[sub_id] = now
        self.session.flush()
        return rows

    # --------------------------------------------------------------------------------- runs

    def start_run(self, site_id: str, *, baseline: bool, now: datetime,
                  worker: str | None = None) -> RunRecord:
        row = Run(site_id=site_id, started_at=now, status="running", baseline=baseline,
                  list_complete=False, stats={}, worker=worker)
        self.session.add(row)
        self.session.flush()
        self.session.execute(update(Site).where(Site.id == site_id).values(last_run_id=row.id))
        return _run(row)

    def finish_run(self, run_id: int, *, status: str, now: datetime, list_complete: bool,
                   stats: dict[str, Any], message: str | None = None) -> RunRecord:
        row = self.session.get_one(Run, run_id)
        row.status = status
        row.finished_at = now
        row.list_complete = list_complete
        row.stats = stats
        row.message = message
        self.session.flush()
        return _run(row)

    def get_run(self, run_id: int) -> RunRecord | None:
        row = self.session.get(Run, run_id)
        return _run(row) if row else None

    def runs(self, site_id: str | None = None, *, since: datetime | None = None,
             limit: int = 50) -> list[RunRecord]:
        query = select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
        if site_id:
            query = query.where(Run.site_id == site_id)
        if since:
            query = query.where(Run.started_at >= since)
        return [_run(r) for r in self.session.scalars(query)]

    # -------------------------------------------------------------------------------- blobs

    def put_blob(self, data: bytes, now: datetime) -> str:
        """Store bytes once per distinct content; returns their SHA-256."""
        digest = blobs.sha256(data)
        if self.session.get(Blob, digest) is None:
            self.session.add(Blob(sha256=digest, size=len(data), codec=blobs.CODEC,
                                  data=blobs.compress(data), created_at=now))
            self.session.flush()
        return digest

    def get_blob(self, digest: str) -> bytes | None:
        row = self.session.get(Blob, digest)
        return blobs.decompress(row.data, row.codec) if row else None

    def has_blob(self, digest: str) -> bool:
        return self.session.scalar(select(func.count()).where(Blob.sha256 == digest)) == 1

    # ---------------------------------------------------------------------------- documents

    def find_documents(self, site_id: str, urls: Iterable[str]) -> dict[str, DocumentRecord]:
        """The stored documents of ``urls``, keyed by the URL asked for. A URL not stored as such
        finds the document stored under another spelling of it (``crawler.urls.scheme_variants``:
        http or https, with or without ``www.``), in one more query for those URLs only: a
        portal that moves to https, or links its documents by its bare host, keeps their
        history instead of making each one "new" (the record's ``url`` stays the stored one;
        each version records the URL it was fetched from)."""
        urls = list(dict.fromkeys(urls))
        found: dict[str, DocumentRecord] = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            rows = self.session.scalars(
                select(Document).where(Document.site_id == site_id, Document.url.in_(chunk)))
            found.update({r.url: _document(r) for r in rows})
        missing = [url for url in urls if url not in found]
        if missing:
            found.update(self._find_respelled(site_id, missing))
        return found

    def _find_respelled(self, site_id: str, urls: list[str]) -> dict[str, DocumentRecord]:
        """Documents stored under another spelling of ``urls``: the nearest spelling (the same
        host by the other scheme first), then the oldest document, when several are stored."""
        asked: dict[str, list[tuple[str, int]]] = {}
        for url in urls:
            for rank, spelling in enumerate(scheme_variants(url)):
                asked.setdefault(spelling, []).append((url, rank))
        spellings = list(asked)
        best: dict[str, tuple[int, int, Document]] = {}
        for i in range(0, len(spellings), 500):
            rows = self.session.scalars(select(Document).where(
                Document.site_id == site_id, Document.url.in_(spellings[i:i + 500])))
            for row in rows:
                for url, rank in asked[row.url]:
                    held = best.get(url)
                    if held is None or (rank, row.id) < held[:2]:
                        best[url] = (rank, row.id, row)
        return {url: _document(row) for url, (_, _, row) in best.items()}

    def find_document(self, site_id: str, url: str) -> DocumentRecord | None:
        """The document at ``url``, or stored under another spelling of it (``find_documents``)."""
        return self.find_documents(site_id, [url]).get(url)

    def get_document(self, document_id: int) -> DocumentRecord | None:
        row = self.session.get(Document, document_id)
        return _document(row) if row else None

    def create_document(self, site_id: str, url: str, *, now: datetime,
                        list_title: str | None = None, list_date: str | None = None,
                        listed_run_id: int | None = None) -> DocumentRecord:
        row = Document(site_id=site_id, url=url, state="active", first_seen=now,
                       version_count=0, gone_runs=0, list_title=list_title, list_date=list_date,
                       listed_run_id=listed_run_id)
        self.session.add(row)
        self.session.flush()
        return _document(row)

    def update_document(self, document_id: int, **values: Any) -> None:
        if values:
            self.session.execute(update(Document).where(Document.id == document_id)
                                 .values(**values))

    def update_documents(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update many documents at once, each row a dict with its ``id`` (executemany)."""
        if rows:
            self.session.execute(update(Document), list(rows))

    def note_listed(self, site_id: str, run_id: int,
                    listed: dict[str, tuple[str | None, str | None]]) -> None:
        """Mark known documents as listed in this run, with their title and date as the list
        page shows them."""
        found = self.find_documents(site_id, listed)
        if found:
            self.session.execute(update(Document).where(
                Document.id.in_([d.id for d in found.values()])).values(listed_run_id=run_id))
        for url, doc in found.items():  # keyed by the listed URL (doc.url may be http://)
            title, date = listed[url]
            if (title and title != doc.list_title) or (date and date != doc.list_date):
                self.update_document(doc.id, list_title=title or doc.list_title,
                                     list_date=date or doc.list_date)

    def unlisted_after(self, site_id: str, run_id: int, *, listed_since_run: int,
                       after_id: int = 0, limit: int = 500) -> list[DocumentRecord]:
        """Active documents a list showed in run ``listed_since_run`` or later (or counted as
        unlisted since) but not in run ``run_id``, in id order after ``after_id``: those that
        left the lists since the last whole walk, which a run that walked every column whole
        asks for again: their own answers say whether they are gone, and whether a document
        withdrawn from its column (``monitor.runs``) is still online."""
        query = (select(Document)
                 .where(Document.site_id == site_id, Document.state == "active",
                        (Document.listed_run_id >= listed_since_run)
                        | (Document.unlisted_runs > 0),
                        Document.listed_run_id != run_id, Document.id > after_id)
                 .order_by(Document.id).limit(limit))
        return [_document(r) for r in self.session.scalars(query)]

    def documents_due(self, site_id: str, now: datetime, *, exclude: Sequence[str] = (),
                      limit: int = 1000) -> list[DocumentRecord]:
        """Known documents whose recheck time has come, oldest check first."""
        query = (select(Document)
                 .where(Document.site_id == site_id, Document.next_check_at <= now)
                 .order_by(Document.next_check_at).limit(limit + len(exclude)))
        skip = set(exclude)
        return [_document(r) for r in self.session.scalars(query) if r.url not in skip][:limit]

    def documents_due_after(self, site_id: str, now: datetime, *, after_id: int = 0,
                            limit: int = 500) -> list[DocumentRecord]:
        """Known documents due for a recheck at ``now``, in id order after ``after_id``: a
        cursor, so that a run walks its due documents once, a batch at a time."""
        query = (select(Document)
                 .where(Document.site_id == site_id, Document.next_check_at <= now,
                        Document.id > after_id)
                 .order_by(Document.id).limit(limit))
        return [_document(r) for r in self.session.scalars(query)]

    def iter_documents(self, site_id: str | None = None,
                       batch: int = 500) -> Iterator[DocumentRecord]:
        last = 0
        while True:
            query = select(Document).where(Document.id > last).order_by(Document.id).limit(batch)
            if site_id:
                query = query.where(Document.site_id == site_id)
            rows = list(self.session.scalars(query))
            if not rows:
                return
            for row in rows:
                yield _document(row)
            last = rows[-1].id

    def count_documents(self, site_id: str | None = None, state: str | None = None) -> int:
        query = select(func.count()).select_from(Document)
        if site_id:
            query = query.where(Document.site_id == site_id)
        if state:
            query = query.where(Document.state == state)
        return int(self.session.scalar(query) or 0)

    def gone_in_run(self, site_id: str, run_id: int) -> list[DocumentRecord]:
        rows = self.session.scalars(select(Document).where(
            Document.site_id == site_id, Document.gone_run_id == run_id))
        return [_document(r) for r in rows]

    def listed_again(self, site_id: str, run_id: int) -> list[DocumentRecord]:
        """Documents counted as gone before that this run's lists showed again."""
        rows = self.session.scalars(select(Document).where(
            Document.site_id == site_id, Document.gone_runs > 0,
            Document.listed_run_id == run_id))
        return [_document(r) for r in rows]

    def unlisted_since(self, site_id: str, run_id: int, *, listed_since_run: int,
                       dated_after: str) -> list[DocumentRecord]:
        """Active documents this run's lists did not show, dated after ``dated_after`` (the
        oldest date the lists still show: they left the middle of the column, not its end),
        that the last whole walk (run ``listed_since_run``) or later listed, or that earlier
        runs already counted as unlisted."""
        rows = self.session.scalars(select(Document).where(
            Document.site_id == site_id, Document.state == "active",
            Document.listed_run_id.is_not(None), Document.listed_run_id != run_id,
            Document.list_date > dated_after,
            (Document.unlisted_runs > 0) | (Document.listed_run_id >= listed_since_run)))
        return [_document(r) for r in rows]

    def listed_once_more(self, site_id: str, run_id: int) -> None:
        """Documents this run's lists showed are no longer counted as unlisted."""
        self.session.execute(update(Document).where(
            Document.site_id == site_id, Document.listed_run_id == run_id,
            Document.unlisted_runs > 0).values(unlisted_runs=0))

    def mark_gone(self, document_id: int, run_id: int) -> None:
        self.update_document(document_id, gone_run_id=run_id)

    # ----------------------------------------------------------------- column walks, pending

    def column_walks(self, site_id: str) -> dict[str, ColumnWalkRecord]:
        rows = self.session.scalars(select(ColumnWalk).where(ColumnWalk.site_id == site_id))
        return {r.url: ColumnWalkRecord(r.url, r.walked_at, r.walked_run_id, r.complete,
                                        r.links, r.pages, r.stated_total, r.stated_unit,
                                        r.failed_at, r.short_walks) for r in rows}

    def save_column_walk(self, site_id: str, url: str, **values: Any) -> None:
        """Create or update a column's walk record with ``values`` (``schema.ColumnWalk``)."""
        row = self.session.scalar(select(ColumnWalk).where(ColumnWalk.site_id == site_id,
                                                           ColumnWalk.url == url))
        if row is None:
            row = ColumnWalk(site_id=site_id, url=url, complete=False, short_walks=0)
            self.session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        self.session.flush()

    def pending_after(self, site_id: str, *, after_id: int = 0,
                      limit: int = 500) -> list[PendingRecord]:
        query = (select(PendingDocument)
                 .where(PendingDocument.site_id == site_id, PendingDocument.id > after_id)
                 .order_by(PendingDocument.id).limit(limit))
        return [PendingRecord(r.id, r.url, r.list_title, r.list_date, r.first_listed_at, r.tries,
                              r.gone_tries, r.outcome) for r in self.session.scalars(query)]

    def note_pending(self, site_id: str, url: str, *, at: datetime, outcome: str, gone: bool,
                     list_title: str | None = None, list_date: str | None = None,
                     gone_limit: int | None = None) -> None:
        """A listed URL's fetch did not bring the document: remember it, or count one more
        try. One that answered gone ``gone_limit`` times in a row is forgotten (a dead link; a
        list still showing it brings it back)."""
        row = self.session.scalar(select(PendingDocument).where(
            PendingDocument.site_id == site_id, PendingDocument.url == url))
        if row is None:
            row = PendingDocument(site_id=site_id, url=url, first_listed_at=at, tries=0,
                                  gone_tries=0)
            self.session.add(row)
        row.tried_at, row.outcome = at, outcome
        row.tries += 1
        row.gone_tries = row.gone_tries + 1 if gone else 0
        row.list_title = list_title or row.list_title
        row.list_date = list_date or row.list_date
        self.session.flush()
        if gone_limit is not None and row.gone_tries >= gone_limit:
            self.session.delete(row)
            self.session.flush()

    def drop_pending(self, site_id: str, url: str) -> None:
        self.session.execute(delete(PendingDocument).where(PendingDocument.site_id == site_id,
                                                           PendingDocument.url == url))

    # ----------------------------------------------------------------------------- versions

    def add_version(self, document_id: int, *, now: datetime, url: str, title: str | None,
                    metadata: dict[str, Any], metadata_raw: dict[str, Any], text: str,
                    text_sha256: str, fingerprint: str, attachments: list[dict[str, Any]],
                    published: str | None, raw_sha256: str | None, http_status: int | None,
                    content_type: str | None, encoding: str | None,
                    extractor_version: str, cause: str = "crawl") -> VersionRecord:
        """Append a version and make it the document's current one."""
        doc = self.session.get_one(Document, document_id, with_for_update=True)
        row = Version(document_id=document_id, n=doc.version_count + 1, created_at=now, url=url,
                      title=title, meta=metadata, meta_raw=metadata_raw, text=text,
                      text_sha256=text_sha256, fingerprint=fingerprint, attachments=attachments,
                      published=published, raw_sha256=raw_sha256, http_status=http_status,
                      content_type=content_type, encoding=encoding,
                      extractor_version=extractor_version, cause=cause)
        self.session.add(row)
        self.session.flush()
        doc.version_count = row.n
        doc.last_changed = now
        self._make_current(doc, row, now)
        return _version(row)

    def flap_back(self, document_id: int, version_id: int, now: datetime) -> None:
        """The page shows an older version again without an edit: make it current, and
        remember that the page flaps."""
        doc = self.session.get_one(Document, document_id)
        doc.flapped_at = now
        self._make_current(doc, self.session.get_one(Version, version_id), now)

    def flapped_since(self, document_id: int, since: datetime) -> bool:
        flapped = self.session.scalar(select(Document.flapped_at).where(
            Document.id == document_id))
        return flapped is not None and flapped >= since

    def content_fetches_of_current(self, document_id: int) -> int:
        """How many fetches answered with the current version's content since the page began
        to show it (the fetch that brought it included): one for a state seen once, as a page
        flapping between two states shows each."""
        doc = self.session.get_one(Document, document_id)
        since = doc.current_since
        if since is None and doc.current_version_id is not None:
            since = self.session.scalar(select(Version.created_at).where(
                Version.id == doc.current_version_id))
        if since is None:
            return 0
        return int(self.session.scalar(
            select(func.count()).select_from(Fetch).where(
                Fetch.document_id == document_id, Fetch.kind == "detail", Fetch.at >= since,
                Fetch.outcome.in_(_CONTENT_OUTCOMES))) or 0)

    def _make_current(self, doc: Document, version: Version, now: datetime) -> None:
        doc.current_version_id = version.id
        doc.current_since = now
        doc.title = version.title
        doc.published = version.published
        meta = version.meta or {}
        for key in DENORMALISED:
            value = meta.get(key)
            setattr(doc, key, str(value)[:200] if value is not None else None)
        self.session.flush()
        # Every change of current version passes here, so the search index can't fall behind.
        # A document that is a file has no title of its own: its list's is searched.
        search.index_document(self.session, doc.id,
                              search.body_of(version.title or doc.list_title, meta,
                                             version.text))

    def get_version(self, version_id: int) -> VersionRecord | None:
        row = self.session.get(Version, version_id)
        return _version(row) if row else None

    def version_attachments(self, version_id: int) -> list[dict[str, Any]]:
        """A version's attachments alone: asked for every document a recheck finds unchanged,
        where loading the whole version (its text) would be most of the cost."""
        found = self.session.scalar(select(Version.attachments).where(Version.id == version_id))
        return list(found or [])

    def version_by_number(self, document_id: int, n: int) -> VersionRecord | None:
        row = self.session.scalar(select(Version).where(Version.document_id == document_id,
                                                        Version.n == n))
        return _version(row) if row else None

    def versions(self, document_id: int, *, newest_first: bool = False,
                 limit: int | None = None) -> list[VersionRecord]:
        order = Version.n.desc() if newest_first else Version.n
        query = select(Version).where(Version.document_id == document_id).order_by(order)
        if limit:
            query = query.limit(limit)
        return [_version(r) for r in self.session.scalars(query)]

    # ------------------------------------------------------------------------------ fetches

    def add_fetch(self, *, run_id: int | None, site_id: str, document_id: int | None, url: str,
                  kind: str, at: datetime, outcome: str, http_status: int | None = None,
                  duration_ms: int | None = None, size: int | None = None,
                  detail: str | None = None) -> None:
        self.session.add(Fetch(run_id=run_id, site_id=site_id, document_id=document_id, url=url,
                               kind=kind, at=at, outcome=outcome, http_status=http_status,
                               duration_ms=duration_ms, size=size, detail=detail))

    def fetch_outcomes(self, run_id: int) -> dict[str, int]:
        rows = self.session.execute(select(Fetch.outcome, func.count()).where(
            Fetch.run_id == run_id).group_by(Fetch.outcome))
        return {outcome: int(n) for outcome, n in rows}

    def fetches(self, *, run_id: int | None = None, document_id: int | None = None,
                limit: int = 200) -> list[FetchRecord]:
        query = select(Fetch).order_by(Fetch.at.desc(), Fetch.id.desc()).limit(limit)
        if run_id is not None:
            query = query.where(Fetch.run_id == run_id)
        if document_id is not None:
            query = query.where(Fetch.document_id == document_id)
        return [_fetch(r) for r in self.session.scalars(query)]

    # ------------------------------------------------------------------------------- events

    def add_event(self, *, site_id: str, document_id: int, run_id: int | None, kind: str,
                  at: datetime, old_version: int | None = None, new_version: int | None = None,
                  fields: dict[str, Any] | None = None, similarity: float | None = None,
                  baseline: bool = False, summary: dict[str, Any] | None = None) -> EventRecord:
        row = Event(site_id=site_id, document_id=document_id, run_id=run_id, kind=kind, at=at,
                    old_version=old_version, new_version=new_version, fields=fields or {},
                    similarity=similarity, baseline=baseline, summary=summary or {})
        self.session.add(row)
        self.session.flush()
        return _event(row, self.session.get(Document, document_id))

    def events(self, *, site_id: str | None = None, since: datetime | None = None,
               kinds: Sequence[str] | None = None, document_id: int | None = None,
               after_id: int | None = None, limit: int | None = None,
               newest_first: bool = False) -> list[EventRecord]:
        query = select(Event, Document).join(Document, Document.id == Event.document_id)
        if site_id:
            query = query.where(Event.site_id == site_id)
        if since:
            query = query.where(Event.at >= since)
        if kinds:
            query = query.where(Event.kind.in_(list(kinds)))
        if document_id is not None:
            query = query.where(Event.document_id == document_id)
        if after_id is not None:
            query = query.where(Event.id > after_id)
        query = query.order_by(Event.id.desc() if newest_first else Event.id)
        if limit:
            query = query.limit(limit)
        return [_event(e, d) for e, d in self.session.execute(query)]

    def count_events(self, run_id: int) -> dict[str, int]:
        rows = self.session.execute(select(Event.kind, func.count()).where(
            Event.run_id == run_id).group_by(Event.kind))
        return {kind: int(n) for kind, n in rows}

    # -------------------------------------------------------------------------------- locks

    def try_lock(self, name: str, owner: str, now: datetime, expires_at: datetime,
                 holder_gone: Callable[[str], bool] | None = None) -> bool:
        """Take the named lock unless someone else holds an unexpired one (``holder_gone``
        tells whether a holder is known to have ended, so its lock can be taken over)."""
        self.session.execute(delete(Lock).where(Lock.name == name, Lock.expires_at < now))
        row = self.session.get(Lock, name)
        if row is not None and row.owner != owner and holder_gone and holder_gone(row.owner):
            self.session.execute(delete(Lock).where(Lock.name == name,
                                                    Lock.owner == row.owner))
            self.session.flush()
            row = None
        if row is not None:
            return row.owner == owner
        self.session.add(Lock(name=name, owner=owner, acquired_at=now, expires_at=expires_at))
        self.session.flush()
        return True

    def release_lock(self, name: str, owner: str) -> None:
        self.session.execute(delete(Lock).where(Lock.name == name, Lock.owner == owner))
