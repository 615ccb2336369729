"""A document's versions: one version, the diff between any two, the page as fetched
(in a sandboxed frame), and its attachments as downloaded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from crawler.extraction.files import file_format
from monitor.diff import diff_texts
from monitor.outlets import outlet_diff
from monitor.store.queries import Archive
from monitor.store.repository import Repository
from monitor.web import diffview
from monitor.web.deps import archive, not_found, state
from monitor.web.render import page
from monitor.web.routes.documents import METADATA_ORDER, document_page
from monitor.web.security import SNAPSHOT_HEADERS
from monitor.web.snapshot import decode, download_name

router = APIRouter(include_in_schema=False)


@router.get("/documents/{document_id}/versions/{n}", response_class=HTMLResponse)
def version(request: Request, document_id: int, n: int) -> HTMLResponse:
    return document_page(request, document_id, n)


@router.get("/documents/{document_id}/diff", response_class=HTMLResponse)
def diff(request: Request, document_id: int,
         a: Annotated[int | None, Query(ge=1, description="older version number")] = None,
         b: Annotated[int | None, Query(ge=1, description="newer version number")] = None,
         view: Annotated[str, Query(pattern=r"^(side|inline)$")] = "side") -> HTMLResponse:
    with archive(request) as session:
        repo = Repository(session)
        doc = repo.get_document(document_id)
        if doc is None:
            raise not_found(f"no document {document_id} in the archive")
        versions = Archive(session).versions(document_id)
        latest = versions[0].n if versions else 0
        b = b or latest
        a = a or max(b - 1, 1)
        old = repo.version_by_number(document_id, a)
        new = repo.version_by_number(document_id, b)
        if old is None or new is None:
            missing = a if old is None else b
            raise not_found(f"document {document_id} has no version {missing}")
    text = diff_texts(old.text, new.text)
    title = diff_texts(old.title or "", new.title or "")
    return page(request, "diff.html", doc=doc, old=old, new=new, versions=versions,
                view=view, text=text, rows=diffview.rows(text),
                title_rows=diffview.rows(title, context=0) if title.changed else [],
                fields=diffview.field_changes(old.metadata, new.metadata, METADATA_ORDER),
                attachments=diffview.attachment_changes(old.attachments, new.attachments))


@router.get("/documents/{document_id}/outlets/{other_id}", response_class=HTMLResponse)
def outlet(request: Request, document_id: int, other_id: int,
           view: Annotated[str, Query(pattern=r"^(side|inline)$")] = "side") -> HTMLResponse:
    """What differs between this document and the same text at another outlet: their shared
    passage, this document on the left."""
    with archive(request) as session:
        repo = Repository(session)
        doc, other = repo.get_document(document_id), repo.get_document(other_id)
        if doc is None or other is None:
            raise not_found(f"no document {document_id if doc is None else other_id} in the "
                            "archive")
        site_names = Archive(session).site_names()
    match = outlet_diff(state(request).database, document_id, other_id)
    if match is None:
        raise not_found(f"document {document_id} or {other_id} has no text to compare")
    return page(request, "outlet.html", doc=doc, other=other, match=match, view=view,
                rows=diffview.rows(match.passage), site_names=site_names)


@router.get("/documents/{document_id}/versions/{n}/snapshot", response_class=HTMLResponse)
def snapshot(request: Request, document_id: int, n: int) -> HTMLResponse:
    """Our page around the raw one: the frame is sandboxed without allow-scripts, and the raw
    route adds its own CSP sandbox, so the portal's markup runs nothing."""
    with archive(request) as session:
        repo = Repository(session)
        doc = repo.get_document(document_id)
        found = repo.version_by_number(document_id, n)
        if doc is None or found is None:
            raise not_found(f"document {document_id} has no version {n}")
    return page(request, "snapshot.html", doc=doc, version=found)


@router.get("/documents/{document_id}/versions/{n}/raw")
def raw(request: Request, document_id: int, n: int,
        source: Annotated[bool, Query(description="show the HTML source as text")] = False
        ) -> Response:
    with archive(request) as session:
        snap = Archive(session).raw(document_id, n)
        # A document that is a file (crawler.extraction.files) is its own attachment 0.
        found = Repository(session).version_by_number(document_id, n) \
            if snap is not None and file_format(snap.data) is not None else None
    if snap is None:
        raise not_found(f"the page bytes of document {document_id} version {n} were not kept")
    if found is not None:
        # A file is downloaded, never rendered.
        return _download(snap.data, found.attachments[0] if found.attachments else {}, 0)
    text, charset = decode(snap.data, snap.encoding, snap.content_type)
    media = "text/plain" if source else "text/html"
    return Response(text.encode("utf-8"), media_type=f"{media}; charset=utf-8",
                    headers={**SNAPSHOT_HEADERS, "x-govwatch-source-charset": charset})


@router.get("/documents/{document_id}/versions/{n}/attachments/{index}")
def attachment(request: Request, document_id: int, n: int, index: int) -> Response:
    """An attachment's bytes as downloaded at that version, never rendered by the browser."""
    with archive(request) as session:
        found = Repository(session).version_by_number(document_id, n)
        item = found.attachments[index] if found and 0 <= index < len(found.attachments) \
            else None
        digest = item.get("sha256") if item else None
        data = Archive(session).blob(digest) if isinstance(digest, str) else None
    if item is None or data is None:
        raise not_found("this attachment was not downloaded")
    return _download(data, item, index)


def _download(data: bytes, item: Mapping[str, Any], index: int) -> Response:
    """A file's bytes as a download named as the portal named it, in the snapshot sandbox."""
    return Response(data, media_type="application/octet-stream", headers={
        **SNAPSHOT_HEADERS,
        "content-disposition": download_name(item.get("name"), item.get("url"), index)})
