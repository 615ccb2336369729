"""Queries for outlet matching: text anchors (sampled shingle hashes) and links between
documents that carry the same text. Derived data: unlike versions, these rows are replaced when
a document's text changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from monitor.store.records import LinkedDocumentRecord
from monitor.store.schema import Document, OutletLink, TextAnchor, TextAnchorCount, TextIndex

_CHUNK = 500  # bound parameters per statement (SQLite allows 32,766; PostgreSQL 65,535)


class OutletStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ------------------------------------------------------------------------------ anchors

    def indexed_version(self, document_id: int) -> int | None:
        row = self.session.get(TextIndex, document_id)
        return row.version_id if row else None

    def indexed_chars(self, document_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """document id → (folded characters, anchors)."""
        ids = list(document_ids)
        if not ids:
            return {}
        rows = self.session.execute(select(TextIndex.document_id, TextIndex.chars,
                                           TextIndex.anchors)
                                    .where(TextIndex.document_id.in_(ids)))
        return {doc: (chars, anchors) for doc, chars, anchors in rows}

    def replace_anchors(self, document_id: int, version_id: int, chars: int,
                        hashes: Iterable[int], now: datetime) -> None:
        values = sorted(set(hashes))
        old = set(self.session.scalars(select(TextAnchor.hash).where(
            TextAnchor.document_id == document_id)))
        self.session.execute(delete(TextAnchor).where(TextAnchor.document_id == document_id))
        for i in range(0, len(values), _CHUNK):
            self.session.execute(insert(TextAnchor), [
                {"hash": h, "document_id": document_id} for h in values[i:i + _CHUNK]])
        self._count(sorted(set(values) - old), +1)
        self._count(sorted(old - set(values)), -1)
        row = self.session.get(TextIndex, document_id)
        if row is None:
            self.session.add(TextIndex(document_id=document_id, version_id=version_id,
                                       chars=chars, anchors=len(values), indexed_at=now))
        else:
            row.version_id, row.chars, row.anchors, row.indexed_at = (
                version_id, chars, len(values), now)
        self.session.flush()

    def _count(self, hashes: list[int], delta: int) -> None:
        """Add ``delta`` to the document frequency of each hash (sorted, so that two workers
        indexing at once lock the rows in one order). An upsert, atomic on both databases."""
        dialect = self.session.get_bind().dialect.name
        for i in range(0, len(hashes), _CHUNK):
            chunk = hashes[i:i + _CHUNK]
            if delta < 0:
                self.session.execute(update(TextAnchorCount)
                                     .where(TextAnchorCount.hash.in_(chunk))
                                     .values(documents=TextAnchorCount.documents + delta))
                continue
            upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(TextAnchorCount)
            self.session.execute(
                upsert.values([{"hash": h, "documents": delta} for h in chunk])
                .on_conflict_do_update(index_elements=["hash"], set_={
                    "documents": TextAnchorCount.documents + delta}))

    def candidates(self, document_id: int, hashes: Iterable[int], *, min_shared: int,
                   limit: int, sample: int, max_documents: int
                   ) -> tuple[list[tuple[int, int]], int]:
        """Documents sharing this document's rarest shared anchors: ``(other document id,
        anchors shared)`` most shared first, and how many anchors were asked about.

        Only anchors some other document carries, and no more than ``max_documents`` do, are
        asked about, the ``sample`` rarest of them: the cost of a lookup is bounded however large
        the archive and however common its stock phrases."""
        values = sorted(set(hashes))
        frequency: dict[int, int] = {}
        for i in range(0, len(values), _CHUNK):
            rows = self.session.execute(
                select(TextAnchorCount.hash, TextAnchorCount.documents)
                .where(TextAnchorCount.hash.in_(values[i:i + _CHUNK]),
                       TextAnchorCount.documents >= 2,
                       TextAnchorCount.documents <= max_documents))
            frequency.update((int(h), int(n)) for h, n in rows)
        rare = sorted(frequency, key=lambda h: (frequency[h], h))[:sample]
        if not rare:
            return [], 0
        rows = self.session.execute(
            select(TextAnchor.document_id, func.count())
            .where(TextAnchor.hash.in_(rare), TextAnchor.document_id != document_id)
            .group_by(TextAnchor.document_id))
        found = [(int(other), int(n)) for other, n in rows if n >= min_shared]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:limit], len(rare)

    # -------------------------------------------------------------------------------- links

    def save_link(self, a: int, b: int, *, similarity: float, overlap: float,
                  shared_chars: int, a_version: int, b_version: int, now: datetime) -> None:
        if a > b:
            a, b, a_version, b_version = b, a, b_version, a_version
        row = self.session.scalar(select(OutletLink).where(OutletLink.document_id == a,
                                                           OutletLink.other_id == b))
        if row is None:
            self.session.add(OutletLink(
                document_id=a, other_id=b, similarity=similarity, overlap=overlap,
                shared_chars=shared_chars, document_version=a_version, other_version=b_version,
                detected_at=now, checked_at=now))
        else:
            row.similarity, row.overlap, row.shared_chars = similarity, overlap, shared_chars
            row.document_version, row.other_version, row.checked_at = a_version, b_version, now
        self.session.flush()

    def drop_link(self, a: int, b: int) -> None:
        a, b = min(a, b), max(a, b)
        self.session.execute(delete(OutletLink).where(OutletLink.document_id == a,
                                                      OutletLink.other_id == b))

    def linked_ids(self, document_id: int) -> list[int]:
        rows = self.session.execute(select(OutletLink.document_id, OutletLink.other_id).where(
            or_(OutletLink.document_id == document_id, OutletLink.other_id == document_id)))
        return sorted({b if a == document_id else a for a, b in rows})

    def links(self, document_id: int) -> list[LinkedDocumentRecord]:
        """The documents linked to one, most similar first."""
        rows = self.session.scalars(select(OutletLink).where(
            or_(OutletLink.document_id == document_id, OutletLink.other_id == document_id)))
        out = []
        for row in rows:
            mine = row.document_id == document_id
            other_id = row.other_id if mine else row.document_id
            doc = self.session.get(Document, other_id)
            if doc is None:
                continue
            out.append(LinkedDocumentRecord(
                document_id=doc.id, site_id=doc.site_id, url=doc.url,
                title=doc.title or doc.list_title, publisher=doc.publisher,
                published=doc.published, state=doc.state, similarity=row.similarity,
                overlap=row.overlap, shared_chars=row.shared_chars,
                version=row.other_version if mine else row.document_version,
                own_version=row.document_version if mine else row.other_version,
                detected_at=row.detected_at, checked_at=row.checked_at))
        return sorted(out, key=lambda r: (-r.similarity, -r.shared_chars, r.document_id))

    def documents_to_index(self, after_id: int, limit: int) -> list[tuple[int, int]]:
        """(document id, current version id) of documents whose anchors are missing or were
        taken from another version, in id order from ``after_id``."""
        query = (select(Document.id, Document.current_version_id)
                 .outerjoin(TextIndex, TextIndex.document_id == Document.id)
                 .where(Document.id > after_id, Document.current_version_id.is_not(None),
                        or_(TextIndex.version_id.is_(None),
                            TextIndex.version_id != Document.current_version_id))
                 .order_by(Document.id).limit(limit))
        return [(doc, int(version)) for doc, version in self.session.execute(query)
                if version is not None]
