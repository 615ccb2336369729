"""The JSON API: the browser's data for programs, described at ``/openapi.json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request

from monitor.diff import diff_texts
from monitor.store.queries import Archive, ChangeFilters, DocumentFilters
from monitor.store.repository import Repository
from monitor.web import diffview
from monitor.web.deps import archive, change_filters, document_filters, not_found, state
from monitor.web.health import site_view, site_views
from monitor.web.routes.documents import METADATA_ORDER
from monitor.web.schemas import (
    ChangesOut,
    DiffOut,
    DocumentListOut,
    DocumentOut,
    EventOut,
    SiteOut,
    VersionOut,
    VersionSummaryOut,
)

router = APIRouter(prefix="/api/v1", tags=["archive"])


@router.get("/sites", summary="Sites and their health")
def api_sites(request: Request) -> list[SiteOut]:
    with archive(request) as session:
        healths = Archive(session).sites()
    return [SiteOut.of(v) for v in site_views(healths, state(request).sites)]


@router.get("/sites/{site_id}", summary="One site and its health")
def api_site(request: Request, site_id: str) -> SiteOut:
    config = state(request).sites.get(site_id)
    with archive(request) as session:
        health = Archive(session).site(site_id)
    if health is None and config is None:
        raise not_found(f"no site {site_id!r}")
    return SiteOut.of(site_view(site_id, health, config))


@router.get("/changes", summary="Recent changes, newest first")
def api_changes(request: Request, filters: Annotated[ChangeFilters, Depends(change_filters)],
                before: Annotated[int | None, Query(ge=1, description="event id cursor")]
                = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> ChangesOut:
    with archive(request) as session:
        result = Archive(session).changes(filters, before=before, limit=limit)
    return ChangesOut(items=[EventOut.of(r.event) for r in result.rows], older=result.older)


@router.get("/documents", summary="Documents, filtered and searched, newest first")
def api_documents(request: Request,
                  filters: Annotated[DocumentFilters, Depends(document_filters)],
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> DocumentListOut:
    with archive(request) as session:
        result = Archive(session).documents(filters, page=page, per_page=per_page)
    return DocumentListOut.of(result)


@router.get("/documents/{document_id}",
            summary="A document: its current version, version list and events")
def api_document(request: Request, document_id: int) -> DocumentOut:
    with archive(request) as session:
        repo = Repository(session)
        doc = repo.get_document(document_id)
        if doc is None:
            raise not_found(f"no document {document_id}")
        current = repo.get_version(doc.current_version_id) if doc.current_version_id else None
        reader = Archive(session)
        return DocumentOut.build(doc, current, reader.versions(document_id),
                                 reader.events_of([document_id]).get(document_id, []))


@router.get("/documents/{document_id}/versions", summary="A document's versions, newest first")
def api_versions(request: Request, document_id: int) -> list[VersionSummaryOut]:
    with archive(request) as session:
        if Repository(session).get_document(document_id) is None:
            raise not_found(f"no document {document_id}")
        versions = Archive(session).versions(document_id)
    return [VersionSummaryOut.of(document_id, v) for v in versions]


@router.get("/documents/{document_id}/versions/{n}", summary="One version, with its text")
def api_version(request: Request, document_id: int, n: int) -> VersionOut:
    with archive(request) as session:
        found = Repository(session).version_by_number(document_id, n)
    if found is None:
        raise not_found(f"document {document_id} has no version {n}")
    return VersionOut.of(found)


@router.get("/documents/{document_id}/diff", summary="What changed between two versions")
def api_diff(request: Request, document_id: int,
             a: Annotated[int, Query(ge=1, description="older version number")],
             b: Annotated[int, Query(ge=1, description="newer version number")],
             full: Annotated[bool, Query(description="include unchanged paragraphs")] = False
             ) -> DiffOut:
    with archive(request) as session:
        repo = Repository(session)
        old = repo.version_by_number(document_id, a)
        new = repo.version_by_number(document_id, b)
    if old is None or new is None:
        raise not_found(f"document {document_id} has no version {a if old is None else b}")
    fields = diffview.field_changes(old.metadata, new.metadata, METADATA_ORDER)
    return DiffOut.build(document_id, a, b, diff_texts(old.text, new.text), fields, full)
