"""What every route needs from the application: the database, settings, configured sites, and
the parsing of the filter parameters that lists, feeds, downloads and the API share."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import Lock
from typing import Annotated

from fastapi import Query
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request

from monitor.config import EventKind, SiteConfig
from monitor.store.db import Database
from monitor.store.queries import Archive, ChangeFilters, DocumentFilters, Facets
from monitor.web.settings import WebSettings

DATE = r"^(\d{4}-\d{2}-\d{2})?$"   # empty allowed: a GET form sends empty fields
KINDS = tuple(k.value for k in EventKind)
_DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class FacetCache:
    """The filter drop-downs' values, counted over the whole archive: cached for a while, since
    they change only when crawls add documents."""

    ttl: float
    _entries: dict[str | None, tuple[float, Facets]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def get(self, archive: Archive, site: str | None) -> Facets:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(site)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        facets = archive.facets(site)
        with self._lock:
            self._entries[site] = (now, facets)
        return facets


@dataclass(frozen=True)
class AppState:
    database: Database
    settings: WebSettings
    sites: dict[str, SiteConfig]
    facets: FacetCache


def state(request: Request) -> AppState:
    found: AppState = request.app.state.govwatch
    return found


@contextmanager
def archive(request: Request) -> Iterator[Session]:
    with state(request).database.session() as session:
        yield session


def not_found(what: str) -> HTTPException:
    return HTTPException(404, what)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def document_filters(
        site: Annotated[str | None, Query(max_length=64, description="site id")] = None,
        publisher: Annotated[str | None, Query(max_length=200, description="发布机构")] = None,
        category: Annotated[str | None, Query(max_length=200, description="主题分类")] = None,
        status: Annotated[str | None, Query(max_length=100, description="效力状况")] = None,
        date_from: Annotated[str | None, Query(pattern=DATE,
                                               description="发布日期 from, YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(pattern=DATE,
                                             description="发布日期 to, YYYY-MM-DD")] = None,
        changed: Annotated[bool, Query(description="only documents with several versions")]
        = False,
        state: Annotated[str | None, Query(pattern=r"^(active|removed)?$")] = None,
        q: Annotated[str, Query(max_length=200, description="full-text search (Chinese: any "
                                                            "length, 发展 finds 發展 too)")]
        = "") -> DocumentFilters:
    return DocumentFilters(site=_text(site), publisher=_text(publisher),
                           category=_text(category), status=_text(status),
                           date_from=_text(date_from), date_to=_text(date_to), changed=changed,
                           state=_text(state), q=q.strip())


def change_filters(
        kind: Annotated[str | None, Query(pattern=r"^(new|changed|status|removed|restored)?$",
                                          description="event kind")] = None,
        site: Annotated[str | None, Query(max_length=64)] = None,
        baseline: Annotated[bool, Query(description="include the first crawl's documents")]
        = False,
        q: Annotated[str, Query(max_length=200, description="full-text search")] = "",
) -> ChangeFilters:
    return ChangeFilters(kinds=(kind,) if kind else (), site=_text(site), baseline=baseline,
                         q=q.strip())
