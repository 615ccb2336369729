"""What the spider hands to the item pipeline: frozen records, one per fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.extraction.result import Extraction
from crawler.outcomes import FetchOutcome


@dataclass(frozen=True)
class FetchedAttachment:
    """An attachment download. ``NOT_MODIFIED`` (a 304 to a conditional request) carries the
    previous version's hash and no body; ``OK`` carries the bytes to store."""

    name: str
    url: str
    outcome: FetchOutcome
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None
    body: bytes | None = field(default=None, repr=False)
    etag: str | None = None           # validators, sent back on the next recheck
    last_modified: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ListPageResult:
    """A list page (栏目 page) fetch."""

    site_id: str
    url: str
    page: int
    outcome: FetchOutcome
    fetched_at: datetime
    http_status: int | None = None
    duration_ms: int | None = None
    size: int | None = None
    links: int = 0
    new_links: int = 0
    detail: str | None = None
    # title and date of each document link, as the list shows them (canonical URL → …)
    listed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class PageResult:
    """A document page fetch, with its extraction when the outcome is OK."""

    site_id: str
    url: str                      # canonical
    fetched_url: str
    outcome: FetchOutcome
    fetched_at: datetime
    http_status: int | None = None
    duration_ms: int | None = None
    raw: bytes | None = field(default=None, repr=False)
    raw_sha256: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    extraction: Extraction | None = None
    attachments: tuple[FetchedAttachment, ...] = ()
    list_title: str | None = None
    list_date: str | None = None
    detail: str | None = None
    # asked for because a list showed it (this run's lists, or a pending URL an earlier run's
    # showed): a fetch that does not archive it leaves it pending (monitor.ingest)
    listed: bool = False
