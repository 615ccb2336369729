"""Atom feeds of changes: everything, one site, or the changes to documents matching a search.

Entries carry plain-text content (``type="text"``): a feed reader shows what changed, and no
markup from a portal ever reaches a reader that might render it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from monitor import links
from monitor.store.queries import Archive, ChangeFilters
from monitor.web.deps import archive, change_filters, not_found, state
from monitor.web.render import render, with_query

router = APIRouter(tags=["feeds"])

ATOM = "application/atom+xml; charset=utf-8"


def _feed(request: Request, filters: ChangeFilters, html_path: str, title: str) -> Response:
    settings = state(request).settings
    with archive(request) as session:
        reader = Archive(session)
        result = reader.changes(filters, limit=settings.feed_size)
        sites = reader.site_names()
    base = settings.base_url.rstrip("/")
    host = urlsplit(base).hostname or "localhost"
    updated = result.rows[0].event.at if result.rows else datetime.now(UTC)
    body = render("web/feed.xml", title=title, rows=result.rows, sites=sites, base=base,
                  host=host, updated=updated,
                  self_url=base + with_query(request.url.path, dict(request.query_params)),
                  html_url=base + html_path, absolute=links.absolute)
    return Response(body, media_type=ATOM)


def _title(filters: ChangeFilters, site_name: str | None = None) -> str:
    parts = ["govwatch"]
    if site_name:
        parts.append(site_name)
    if filters.q:
        parts.append(f"“{filters.q}”")
    parts.append("最近变化")
    return " · ".join(parts)


@router.get("/changes.atom", summary="Atom feed of changes",
            response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def changes_feed(request: Request,
                 filters: Annotated[ChangeFilters, Depends(change_filters)]) -> Response:
    """Changes, newest first; ``q`` keeps those of documents matching a search, ``site`` and
    ``kind`` narrow further."""
    html = with_query("/", {"kind": filters.kinds[0] if filters.kinds else None,
                            "site": filters.site, "q": filters.q,
                            "baseline": filters.baseline})
    return _feed(request, filters, html, _title(filters))


@router.get("/sites/{site_id}/changes.atom", summary="Atom feed of one site's changes",
            response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def site_feed(request: Request, site_id: str,
              filters: Annotated[ChangeFilters, Depends(change_filters)]) -> Response:
    with archive(request) as session:
        health = Archive(session).site(site_id)
    if health is None:
        raise not_found(f"no site {site_id!r} in the archive")
    filters = replace(filters, site=site_id)
    return _feed(request, filters, links.site_path(site_id), _title(filters, health.name))
