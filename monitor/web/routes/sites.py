"""Sites and their health: last crawl, documents, failures, blocking."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse

from monitor.store.queries import Archive
from monitor.web.deps import archive, not_found, state
from monitor.web.health import site_view, site_views
from monitor.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/sites", response_class=HTMLResponse)
def sites(request: Request) -> HTMLResponse:
    with archive(request) as session:
        healths = Archive(session).sites()
    return page(request, "sites.html", sites=site_views(healths, state(request).sites))


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site(request: Request, site_id: str) -> HTMLResponse:
    config = state(request).sites.get(site_id)
    with archive(request) as session:
        reader = Archive(session)
        health = reader.site(site_id)
        if health is None and config is None:
            raise not_found(f"no site {site_id!r} in the archive or the configuration")
        facets = state(request).facets.get(reader, site_id) if health else None
    return page(request, "site.html", site=site_view(site_id, health, config), facets=facets)
