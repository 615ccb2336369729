"""The home page: recent changes, newest first, filterable by kind, site and search text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse

from monitor.store.queries import Archive, ChangeFilters
from monitor.web.deps import KINDS, archive, change_filters, state
from monitor.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def recent_changes(request: Request,
                   filters: Annotated[ChangeFilters, Depends(change_filters)],
                   before: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    settings = state(request).settings
    with archive(request) as session:
        reader = Archive(session)
        result = reader.changes(filters, before=before, limit=settings.page_size)
        sites = reader.site_names()
    return page(request, "changes.html", result=result, filters=filters, sites=sites,
                kinds=KINDS, before=before)
