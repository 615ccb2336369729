"""The JSON API's shapes (pydantic), from which FastAPI writes ``/openapi.json``.

Field names follow the export (DESIGN.md "Export") where they overlap: ``site``, ``url``,
``title``, ``metadata``, ``metadata_raw``, ``text``, ``attachments``, ``state``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from monitor import links
from monitor.diff import TextDiff
from monitor.store.queries import DocumentPage, DocumentRow, VersionSummary
from monitor.store.records import DocumentRecord, EventRecord, VersionRecord
from monitor.web.diffview import FieldChange
from monitor.web.health import SiteView


class SiteOut(BaseModel):
    id: str
    name: str
    state: str = Field(description="never | running | ok | partial | failed | blocked "
                                   "(the last run)")
    documents: int
    removed: int
    changed: int = Field(description="documents with more than one version")
    last_crawl: datetime | None
    last_success: datetime | None
    last_change: datetime | None
    failures: int = Field(description="failed fetches in the last run")
    blocked: int = Field(description="fetches refused by a WAF challenge or robots.txt in the "
                                     "last run")
    start_urls: list[str]
    html_url: str

    @classmethod
    def of(cls, view: SiteView) -> SiteOut:
        h = view.health
        return cls(id=view.id, name=view.name, state=view.state,
                   documents=h.documents if h else 0, removed=h.removed if h else 0,
                   changed=h.changed if h else 0, last_crawl=view.last_crawl,
                   last_success=h.last_success if h else None,
                   last_change=h.last_change if h else None, failures=view.failures,
                   blocked=view.blocked, start_urls=view.start_urls,
                   html_url=links.site_path(view.id))


class DocumentSummaryOut(BaseModel):
    id: int
    site: str
    url: str
    title: str | None
    publisher: str | None = Field(description="发布机构")
    category: str | None = Field(description="主题分类")
    status: str | None = Field(description="效力状况")
    doc_no: str | None = Field(description="文号")
    published: str | None = Field(description="发布日期, YYYY-MM-DD")
    state: str = Field(description="active | removed")
    versions: int
    first_seen: datetime
    last_changed: datetime | None
    snippet: str | None = Field(None, description="text around the first search hit")
    html_url: str

    @classmethod
    def of(cls, row: DocumentRow) -> DocumentSummaryOut:
        return cls(id=row.id, site=row.site_id, url=row.url, title=row.title,
                   publisher=row.publisher, category=row.category, status=row.status,
                   doc_no=row.doc_no, published=row.published, state=row.state,
                   versions=row.version_count, first_seen=row.first_seen,
                   last_changed=row.last_changed,
                   snippet="".join(p.text for p in row.snippet) or None,
                   html_url=links.document_path(row.id))


class DocumentListOut(BaseModel):
    items: list[DocumentSummaryOut]
    page: int
    per_page: int
    has_next: bool
    total: int | None = Field(description="matching documents; null for a broad search, "
                                          "which is not counted")
    at_least: int | None = Field(description="a broad search matches more than this many")

    @classmethod
    def of(cls, result: DocumentPage) -> DocumentListOut:
        return cls(items=[DocumentSummaryOut.of(r) for r in result.rows], page=result.page,
                   per_page=result.per_page, has_next=result.has_next, total=result.total,
                   at_least=result.at_least)


class AttachmentOut(BaseModel):
    name: str | None
    url: str | None
    sha256: str | None = Field(description="of the downloaded bytes; null if not downloaded")
    size: int | None = None


def _attachments(items: list[dict[str, Any]]) -> list[AttachmentOut]:
    return [AttachmentOut(name=a.get("name"), url=a.get("url"), sha256=a.get("sha256"),
                          size=a.get("size")) for a in items]


class VersionSummaryOut(BaseModel):
    n: int
    at: datetime
    title: str | None
    published: str | None
    cause: str = Field(description="crawl | reextract")
    extractor_version: str
    chars: int
    raw_kept: bool = Field(description="the page bytes as fetched are in the archive")
    html_url: str

    @classmethod
    def of(cls, document_id: int, v: VersionSummary) -> VersionSummaryOut:
        return cls(n=v.n, at=v.created_at, title=v.title, published=v.published, cause=v.cause,
                   extractor_version=v.extractor_version, chars=v.chars,
                   raw_kept=v.raw_sha256 is not None,
                   html_url=links.version_path(document_id, v.n))


class VersionOut(BaseModel):
    document_id: int
    n: int
    at: datetime
    url: str = Field(description="the address actually fetched")
    title: str | None
    metadata: dict[str, Any]
    metadata_raw: dict[str, Any]
    text: str
    attachments: list[AttachmentOut]
    published: str | None
    http_status: int | None
    content_type: str | None
    encoding: str | None
    extractor_version: str
    cause: str

    @classmethod
    def of(cls, v: VersionRecord) -> VersionOut:
        return cls(document_id=v.document_id, n=v.n, at=v.created_at, url=v.url, title=v.title,
                   metadata=v.metadata, metadata_raw=v.metadata_raw, text=v.text,
                   attachments=_attachments(v.attachments), published=v.published,
                   http_status=v.http_status, content_type=v.content_type, encoding=v.encoding,
                   extractor_version=v.extractor_version, cause=v.cause)


class EventOut(BaseModel):
    id: int
    kind: str = Field(description="new | changed | status | removed | restored")
    site: str
    document_id: int
    title: str | None
    url: str
    at: datetime
    old_version: int | None
    new_version: int | None
    fields: dict[str, Any] = Field(description="changed metadata keys, each {old, new}")
    similarity: float | None
    baseline: bool
    summary: dict[str, Any]
    html_url: str

    @classmethod
    def of(cls, e: EventRecord) -> EventOut:
        html = links.diff_path(e.document_id, e.old_version, e.new_version) \
            if e.old_version and e.new_version and e.old_version != e.new_version \
            else links.document_path(e.document_id)
        return cls(id=e.id, kind=e.kind, site=e.site_id, document_id=e.document_id,
                   title=e.title, url=e.url, at=e.at, old_version=e.old_version,
                   new_version=e.new_version, fields=e.fields, similarity=e.similarity,
                   baseline=e.baseline, summary=e.summary, html_url=html)


class ChangesOut(BaseModel):
    items: list[EventOut]
    older: int | None = Field(description="pass as `before` for the next, older page")


class DocumentOut(DocumentSummaryOut):
    current_version: int | None
    metadata: dict[str, Any]
    metadata_raw: dict[str, Any]
    text: str
    attachments: list[AttachmentOut]
    version_list: list[VersionSummaryOut]
    events: list[EventOut]

    @classmethod
    def build(cls, doc: DocumentRecord, current: VersionRecord | None,
              versions: list[VersionSummary], events: list[EventRecord]) -> DocumentOut:
        return cls(id=doc.id, site=doc.site_id, url=doc.url, title=doc.title or doc.list_title,
                   publisher=doc.publisher, category=doc.category, status=doc.status,
                   doc_no=doc.doc_no, published=doc.published, state=doc.state,
                   versions=doc.version_count, first_seen=doc.first_seen,
                   last_changed=doc.last_changed, html_url=links.document_path(doc.id),
                   current_version=current.n if current else None,
                   metadata=current.metadata if current else {},
                   metadata_raw=current.metadata_raw if current else {},
                   text=current.text if current else "",
                   attachments=_attachments(current.attachments) if current else [],
                   version_list=[VersionSummaryOut.of(doc.id, v) for v in versions],
                   events=[EventOut.of(e) for e in events])


class SegmentOut(BaseModel):
    op: str
    old: str
    new: str


class ParagraphOut(BaseModel):
    op: str = Field(description="equal | insert | delete | replace")
    old: str
    new: str
    segments: list[SegmentOut] = Field(description="character-level edits (replace only)")


class NumberChangeOut(BaseModel):
    context: str
    before: str
    after: str


class FieldChangeOut(BaseModel):
    key: str
    old: Any
    new: Any


class DiffOut(BaseModel):
    document_id: int
    a: int
    b: int
    similarity: float
    numbers: list[NumberChangeOut]
    fields: list[FieldChangeOut] = Field(description="metadata keys that differ")
    paragraphs: list[ParagraphOut] = Field(description="changed paragraphs (and, with "
                                                       "`full=true`, unchanged ones)")
    html_url: str

    @classmethod
    def build(cls, document_id: int, a: int, b: int, diff: TextDiff,
              fields: list[FieldChange], full: bool) -> DiffOut:
        return cls(
            document_id=document_id, a=a, b=b, similarity=diff.similarity,
            numbers=[NumberChangeOut(context=n.context, before=n.before, after=n.after)
                     for n in diff.numbers],
            fields=[FieldChangeOut(key=f.key, old=f.old, new=f.new)
                    for f in fields if f.changed],
            paragraphs=[ParagraphOut(op=p.op, old=p.old, new=p.new,
                                     segments=[SegmentOut(op=s.op, old=s.old, new=s.new)
                                               for s in p.segments])
                        for p in diff.paragraphs if full or p.op != "equal"],
            html_url=links.diff_path(document_id, a, b))
