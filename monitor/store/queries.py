"""Read-only queries of the archive browser: lists with filters and pages, site health, version
timelines, raw snapshots. ``Repository`` stays the writer's interface; this is the reader's.

Every list is sorted so that an index serves it (newest first, undated last; see migration
0004) and fetches one row more than a page to know whether another page follows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.orm import Session

from monitor.store import blobs, search
from monitor.store.records import EventRecord, RunRecord
from monitor.store.repository import _event, _run
from monitor.store.schema import Blob, Document, Event, Run, Site, Version

FACET_LIMIT = 300   # values offered per filter drop-down


@dataclass(frozen=True)
class DocumentFilters:
    site: str | None = None
    publisher: str | None = None
    category: str | None = None
    status: str | None = None
    date_from: str | None = None     # YYYY-MM-DD, on the 发布日期
    date_to: str | None = None
    changed: bool = False            # only documents with more than one version
    state: str | None = None         # active | removed
    q: str = ""

    @property
    def narrowed(self) -> bool:
        """Anything other than the search text restricts the list."""
        return any((self.site, self.publisher, self.category, self.status, self.date_from,
                    self.date_to, self.changed, self.state))


@dataclass(frozen=True)
class DocumentRow:
    id: int
    site_id: str
    site_name: str
    url: str
    title: str | None
    publisher: str | None
    category: str | None
    status: str | None
    doc_no: str | None
    published: str | None
    state: str
    version_count: int
    first_seen: datetime
    last_changed: datetime | None
    snippet: tuple[search.Piece, ...] = ()


@dataclass(frozen=True)
class DocumentPage:
    rows: tuple[DocumentRow, ...]
    page: int
    per_page: int
    has_next: bool
    total: int | None = None       # None when not counted (a broad search)
    at_least: int | None = None    # a broad search without other filters: more than this
    terms: tuple[str, ...] = ()
    max_page: int | None = None    # pages beyond this are not offered (broad searches)

    @property
    def pages(self) -> int | None:
        if self.total is None:
            return self.max_page
        return max((self.total + self.per_page - 1) // self.per_page, 1)


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    publishers: tuple[Facet, ...] = ()
    categories: tuple[Facet, ...] = ()
    statuses: tuple[Facet, ...] = ()


@dataclass(frozen=True)
class ChangeFilters:
    kinds: tuple[str, ...] = ()
    site: str | None = None
    baseline: bool = False     # include the first crawl's `new` events
    q: str = ""


@dataclass(frozen=True)
class ChangeRow:
    event: EventRecord
    site_name: str
    publisher: str | None
    state: str


@dataclass(frozen=True)
class ChangePage:
    rows: tuple[ChangeRow, ...]
    older: int | None          # cursor (event id) of the next, older page
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteHealth:
    id: str
    name: str
    baseline_at: datetime | None
    documents: int = 0
    removed: int = 0
    changed: int = 0
    last_run: RunRecord | None = None
    last_success: datetime | None = None
    last_change: datetime | None = None
    recent_runs: tuple[RunRecord, ...] = field(default=())


@dataclass(frozen=True)
class VersionSummary:
    """A version without its text, for timelines."""

    id: int
    n: int
    created_at: datetime
    url: str
    title: str | None
    published: str | None
    cause: str
    extractor_version: str
    raw_sha256: str | None
    http_status: int | None
    content_type: str | None
    encoding: str | None
    text_sha256: str
    chars: int


@dataclass(frozen=True)
class RawSnapshot:
    data: bytes
    content_type: str | None
    encoding: str | None
    url: str
    fetched_at: datetime


def _title(doc: Document) -> str | None:
    return doc.title or doc.list_title


class Archive:
    """The browser's questions, inside one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ------------------------------------------------------------------------------ documents

    def _where(self, filters: DocumentFilters) -> list[Any]:
        where: list[Any] = []
        if filters.site:
            where.append(Document.site_id == filters.site)
        if filters.publisher:
            where.append(Document.publisher == filters.publisher)
        if filters.category:
            where.append(Document.category == filters.category)
        if filters.status:
            where.append(Document.status == filters.status)
        if filters.date_from:
            where.append(Document.published >= filters.date_from)
        if filters.date_to:
            where.append(Document.published <= filters.date_to)
        if filters.changed:
            where.append(Document.version_count > 1)
        if filters.state:
            where.append(Document.state == filters.state)
        return where

    @staticmethod
    def _newest_first(query: Any) -> Any:
        return query.order_by(Document.published.desc().nulls_last(), Document.id.desc())

    def documents(self, filters: DocumentFilters, *, page: int = 1,
                  per_page: int = 50) -> DocumentPage:
        page = max(page, 1)
        where = self._where(filters)
        plan = search.plan(self.session, filters.q) if filters.q.strip() else None
        if plan is not None:
            where.append(plan.where(_id(Document.id)))
        max_page = None
        if plan is not None and not plan.selective:
            # A broad search walks documents checking texts: keep it to the first matches.
            max_page = max(search.PROBE_LIMIT // per_page, 1)
            page = min(page, max_page)
        query = self._newest_first(select(Document, Site.name).join(Site)
                                   .where(and_(true(), *where))).offset((page - 1) * per_page) \
            .limit(per_page + 1)
        found = self.session.execute(query).all()
        rows = [self._row(doc, site_name) for doc, site_name in found[:per_page]]
        if plan is not None and rows:
            texts = search.bodies(self.session, (r.id for r in rows))
            rows = [replace(r, snippet=search.snippet(texts.get(r.id, ""), plan.terms))
                    for r in rows]
        total: int | None = None
        at_least: int | None = None
        if plan is None or plan.selective:
            total = int(self.session.scalar(
                select(func.count()).select_from(Document).where(and_(true(), *where))) or 0)
        elif not filters.narrowed:
            at_least = search.PROBE_LIMIT
        return DocumentPage(tuple(rows), page, per_page, has_next=len(found) > per_page,
                            total=total, at_least=at_least,
                            terms=plan.terms if plan else (), max_page=max_page)

    @staticmethod
    def _row(doc: Document, site_name: str) -> DocumentRow:
        return DocumentRow(
            id=doc.id, site_id=doc.site_id, site_name=site_name, url=doc.url, title=_title(doc),
            publisher=doc.publisher, category=doc.category, status=doc.status,
            doc_no=doc.doc_no, published=doc.published, state=doc.state,
            version_count=doc.version_count, first_seen=doc.first_seen,
            last_changed=doc.last_changed)

    def document_ids(self, filters: DocumentFilters, *, batch: int = 500) -> Iterator[int]:
        """Every matching document id, in id order (downloads)."""
        where = self._where(filters)
        if filters.q.strip():
            plan = search.plan(self.session, filters.q)
            if plan is not None:
                where.append(plan.where(_id(Document.id)))
        last = 0
        while True:
            ids = list(self.session.scalars(
                select(Document.id).where(Document.id > last, *where)
                .order_by(Document.id).limit(batch)))
            if not ids:
                return
            yield from ids
            last = ids[-1]

    def facets(self, site: str | None = None) -> Facets:
        def values(column: Any) -> tuple[Facet, ...]:
            count = func.count().label("n")
            query = select(column, count).where(column.is_not(None)).group_by(column) \
                .order_by(count.desc(), column).limit(FACET_LIMIT)
            if site:
                query = query.where(Document.site_id == site)
            return tuple(Facet(str(v), int(n)) for v, n in self.session.execute(query) if v)

        return Facets(values(Document.publisher), values(Document.category),
                      values(Document.status))

    # -------------------------------------------------------------------------------- changes

    def changes(self, filters: ChangeFilters, *, before: int | None = None,
                limit: int = 50) -> ChangePage:
        query = (select(Event, Document, Site.name)
                 .join(Document, Document.id == Event.document_id)
                 .join(Site, Site.id == Event.site_id))
        if filters.kinds:
            query = query.where(Event.kind.in_(filters.kinds))
        if filters.site:
            query = query.where(Event.site_id == filters.site)
        if not filters.baseline:
            query = query.where(Event.baseline.is_(False))
        if before is not None:
            query = query.where(Event.id < before)
        plan = search.plan(self.session, filters.q) if filters.q.strip() else None
        if plan is not None:
            query = query.where(plan.where(_id(Event.document_id)))
        found = self.session.execute(query.order_by(Event.id.desc()).limit(limit + 1)).all()
        rows = tuple(ChangeRow(_event(e, d), name, d.publisher, d.state)
                     for e, d, name in found[:limit])
        older = rows[-1].event.id if len(found) > limit and rows else None
        return ChangePage(rows, older, plan.terms if plan else ())

    # ---------------------------------------------------------------------------------- sites

    def sites(self, site_id: str | None = None) -> list[SiteHealth]:
        site_query = select(Site).order_by(Site.id)
        if site_id is not None:
            site_query = site_query.where(Site.id == site_id)
        sites = list(self.session.scalars(site_query))
        if not sites:
            return []
        ids = [s.id for s in sites]
        counts = {sid: (int(n), int(removed or 0), int(changed or 0))
                  for sid, n, removed, changed in self.session.execute(
                      select(Document.site_id, func.count(),
                             func.sum(case((Document.state == "removed", 1), else_=0)),
                             func.sum(case((Document.version_count > 1, 1), else_=0)))
                      .where(Document.site_id.in_(ids)).group_by(Document.site_id))}
        last_runs = {r.id: _run(r) for r in self.session.scalars(
            select(Run).where(Run.id.in_([s.last_run_id for s in sites if s.last_run_id])))}
        successes = dict(self.session.execute(
            select(Run.site_id, func.max(Run.finished_at))
            .where(Run.site_id.in_(ids), Run.status.in_(("ok", "partial")))
            .group_by(Run.site_id)).all())
        changes = dict(self.session.execute(
            select(Event.site_id, func.max(Event.at)).where(Event.site_id.in_(ids))
            .group_by(Event.site_id)).all())
        recent: dict[str, tuple[RunRecord, ...]] = {}
        if site_id is not None:
            recent[site_id] = tuple(_run(r) for r in self.session.scalars(
                select(Run).where(Run.site_id == site_id)
                .order_by(Run.started_at.desc(), Run.id.desc()).limit(20)))
        out = []
        for site in sites:
            n, removed, changed = counts.get(site.id, (0, 0, 0))
            out.append(SiteHealth(
                id=site.id, name=site.name, baseline_at=site.baseline_at, documents=n,
                removed=removed, changed=changed,
                last_run=last_runs.get(site.last_run_id) if site.last_run_id else None,
                last_success=_aware(successes.get(site.id)),
                last_change=_aware(changes.get(site.id)),
                recent_runs=recent.get(site.id, ())))
        return out

    def site(self, site_id: str) -> SiteHealth | None:
        found = self.sites(site_id)
        return found[0] if found else None

    def site_names(self) -> dict[str, str]:
        return dict(self.session.execute(select(Site.id, Site.name)).all())

    # ------------------------------------------------------------------------------- versions

    def versions(self, document_id: int) -> list[VersionSummary]:
        query = select(Version.id, Version.n, Version.created_at, Version.url, Version.title,
                       Version.published, Version.cause, Version.extractor_version,
                       Version.raw_sha256, Version.http_status, Version.content_type,
                       Version.encoding, Version.text_sha256, func.length(Version.text)) \
            .where(Version.document_id == document_id).order_by(Version.n.desc())
        return [VersionSummary(
            id=r[0], n=r[1], created_at=r[2], url=r[3], title=r[4], published=r[5], cause=r[6],
            extractor_version=r[7], raw_sha256=r[8], http_status=r[9], content_type=r[10],
            encoding=r[11], text_sha256=r[12], chars=int(r[13] or 0))
            for r in self.session.execute(query)]

    def raw(self, document_id: int, n: int) -> RawSnapshot | None:
        """The page bytes of a version as fetched (decompressed), if they were kept."""
        row = self.session.execute(
            select(Version.url, Version.created_at, Version.content_type, Version.encoding,
                   Blob.data, Blob.codec)
            .join(Blob, Blob.sha256 == Version.raw_sha256)
            .where(Version.document_id == document_id, Version.n == n)).first()
        if row is None:
            return None
        url, at, content_type, encoding, data, codec = row
        return RawSnapshot(blobs.decompress(data, codec), content_type, encoding, url, at)

    def blob(self, digest: str) -> bytes | None:
        row = self.session.execute(select(Blob.data, Blob.codec)
                                   .where(Blob.sha256 == digest)).first()
        return blobs.decompress(row[0], row[1]) if row else None

    def events_of(self, document_ids: Sequence[int]) -> dict[int, list[EventRecord]]:
        if not document_ids:
            return {}
        out: dict[int, list[EventRecord]] = {}
        for event, doc in self.session.execute(
                select(Event, Document).join(Document, Document.id == Event.document_id)
                .where(Event.document_id.in_(list(document_ids))).order_by(Event.id)):
            out.setdefault(event.document_id, []).append(_event(event, doc))
        return out


def _id(column: Any) -> ColumnElement[int]:
    expression: ColumnElement[int] = column.expression
    return expression


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates (max) bypass the UTCDateTime type on SQLite: make them aware UTC again."""
    from datetime import UTC

    if value is None or not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
