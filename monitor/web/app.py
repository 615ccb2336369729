"""The archive browser as an ASGI application: ``create_app(database, settings, sites)``.

Pages are server-rendered jinja2 (``templates/web/``) and readable without JavaScript; the same
data is served as JSON under ``/api/v1`` (described at ``/openapi.json``), as Atom feeds and as
CSV / JSON-lines downloads. ``monitor.web.security`` explains what keeps it safe.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI

from monitor.config import SiteConfig
from monitor.store.db import Database
from monitor.web import errors
from monitor.web.deps import AppState, FacetCache
from monitor.web.routes import (
    api,
    assets,
    changes,
    documents,
    downloads,
    feeds,
    sites,
    versions,
)
from monitor.web.security import Guard, SecurityHeaders
from monitor.web.settings import WebSettings


def create_app(database: Database, settings: WebSettings | None = None, *,
               sites_config: Iterable[SiteConfig] = ()) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(
        title="govwatch archive",
        summary="New and changed policy documents of Chinese government portals, every version "
                "kept",
        version="1",
        # The interactive docs pages load scripts from a CDN, which neither the CSP nor an
        # offline machine allows; the OpenAPI document itself is served.
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.govwatch = AppState(database=database, settings=settings,
                                  sites={s.id: s for s in sites_config},
                                  facets=FacetCache(ttl=settings.facet_ttl))
    errors.install(app)
    # Added last is outermost: the headers go on everything, the guard's refusals included.
    app.add_middleware(Guard, settings=settings)
    app.add_middleware(SecurityHeaders)
    for module in (changes, sites, documents, downloads, versions, feeds, api, assets):
        app.include_router(module.router)
    return app
