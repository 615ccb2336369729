"""Documents: the filtered, searchable list, and a document's page (any of its versions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from monitor.store.queries import Archive, DocumentFilters
from monitor.store.repository import Repository
from monitor.web.deps import archive, document_filters, not_found, state
from monitor.web.outlets import other_outlets
from monitor.web.render import page, with_query

router = APIRouter(include_in_schema=False)

# Canonical metadata keys in the order the page lists them (DESIGN.md).
METADATA_ORDER = ("title", "index_no", "doc_no", "publisher", "category", "created",
                  "published", "status", "abolished", "keywords", "summary",
                  "disclosure_mode", "disclosure_scope", "disclosure_term")


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request,
              filters: Annotated[DocumentFilters, Depends(document_filters)],
              page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1
              ) -> HTMLResponse:
    settings = state(request).settings
    with archive(request) as session:
        reader = Archive(session)
        result = reader.documents(filters, page=page_no, per_page=settings.page_size)
        facets = state(request).facets.get(reader, filters.site)
        sites = reader.site_names()
    return page(request, "documents.html", result=result, filters=filters, facets=facets,
                sites=sites)


@router.get("/search")
def search(q: Annotated[str, Query(max_length=200)] = "") -> RedirectResponse:
    """The search box's address: the documents list does the searching."""
    return RedirectResponse(with_query("/documents", {"q": q}), status_code=303)


def document_page(request: Request, document_id: int, n: int | None) -> HTMLResponse:
    database = state(request).database
    with archive(request) as session:
        repo = Repository(session)
        doc = repo.get_document(document_id)
        if doc is None:
            raise not_found(f"no document {document_id} in the archive")
        reader = Archive(session)
        versions = reader.versions(document_id)
        if n is None:
            version = repo.get_version(doc.current_version_id) if doc.current_version_id \
                else None
        else:
            version = repo.version_by_number(document_id, n)
            if version is None:
                raise not_found(f"document {document_id} has no version {n}")
        events = reader.events_of([document_id]).get(document_id, [])
        site = reader.site(doc.site_id)
        site_names = reader.site_names()
    current_n = next((v.n for v in versions if v.id == doc.current_version_id), None)
    return page(request, "document.html", doc=doc, version=version, versions=versions,
                events=list(reversed(events)), site=site, current_n=current_n,
                outlets=other_outlets(database, document_id, doc.site_id), site_names=site_names,
                metadata_order=METADATA_ORDER)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document(request: Request, document_id: int) -> HTMLResponse:
    return document_page(request, document_id, None)
