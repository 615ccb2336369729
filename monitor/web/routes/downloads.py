"""CSV and JSON-lines downloads of the documents list, in ``govwatch export``'s format
(``monitor.export``): with no filter, exactly what the command prints."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import StreamingResponse

from monitor.export import document_object, iter_export, write_csv, write_jsonl
from monitor.store.db import Database
from monitor.store.queries import Archive, DocumentFilters
from monitor.store.repository import Repository
from monitor.web.deps import document_filters, state

router = APIRouter(tags=["downloads"])

BATCH = 200


def _rows(database: Database, filters: DocumentFilters,
          versions: bool) -> Iterator[list[dict[str, Any]]]:
    """Export objects of the matching documents, a batch at a time, in one transaction."""
    with database.session() as session:
        repo = Repository(session)
        batch: list[dict[str, Any]] = []
        for document_id in Archive(session).document_ids(filters):
            doc = repo.get_document(document_id)
            if doc is None:
                continue
            current = repo.get_version(doc.current_version_id) if doc.current_version_id \
                else None
            batch.append(document_object(doc, current,
                                         repo.versions(doc.id) if versions else None))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _batches(database: Database, filters: DocumentFilters, versions: bool,
             events: bool) -> Iterator[list[dict[str, Any]]]:
    if events:
        # The whole archive (or one site) with its events: the export command's own iterator.
        batch: list[dict[str, Any]] = []
        for row in iter_export(database, versions=versions, events=True, site_id=filters.site):
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    yield from _rows(database, filters, versions)


def _csv(batches: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    # A byte-order mark, so that Excel (what many readers open a CSV with) reads UTF-8 Chinese.
    yield "\ufeff".encode()
    first = True
    for batch in batches:
        out = io.StringIO()
        write_csv(iter(batch), out)
        text = out.getvalue()
        if not first:
            text = text.split("\r\n", 1)[1]   # write_csv starts every call with the header
        first = False
        yield text.encode("utf-8")
    if first:
        out = io.StringIO()
        write_csv(iter([]), out)
        yield out.getvalue().encode("utf-8")


def _jsonl(batches: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    for batch in batches:
        out = io.StringIO()
        write_jsonl(iter(batch), out)
        yield out.getvalue().encode("utf-8")


def _attachment(extension: str) -> dict[str, str]:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return {"content-disposition": f'attachment; filename="govwatch-{stamp}.{extension}"'}


@router.get("/documents.csv", summary="Download documents as CSV (the export's columns)",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def download_csv(request: Request,
                 filters: Annotated[DocumentFilters, Depends(document_filters)]
                 ) -> StreamingResponse:
    batches = _rows(state(request).database, filters, versions=False)
    return StreamingResponse(_csv(batches), media_type="text/csv; charset=utf-8",
                             headers=_attachment("csv"))


@router.get("/documents.jsonl", summary="Download documents as JSON lines (the export's format)",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def download_jsonl(request: Request,
                   filters: Annotated[DocumentFilters, Depends(document_filters)],
                   versions: Annotated[bool, Query(description="list every version")] = False,
                   events: Annotated[bool, Query(description="append the events (whole "
                                                             "archive or one site only)")]
                   = False) -> StreamingResponse:
    if events and (filters.q or (filters.narrowed and filters != DocumentFilters(
            site=filters.site))):
        raise HTTPException(400, "events can be downloaded for the whole archive or one site, "
                                 "not for a filtered list")
    batches = _batches(state(request).database, filters, versions, events)
    return StreamingResponse(_jsonl(batches), media_type="application/x-ndjson; charset=utf-8",
                             headers=_attachment("jsonl"))
