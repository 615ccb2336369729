"""Plain frozen records handed out by the store, so that no other module touches ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SiteRecord:
    id: str
    name: str
    baseline_at: datetime | None
    last_run_id: int | None


@dataclass(frozen=True)
class RunRecord:
    id: int
    site_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    baseline: bool
    list_complete: bool
    stats: dict[str, Any]
    message: str | None


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    site_id: str
    url: str
    state: str
    first_seen: datetime
    last_seen: datetime | None
    last_checked: datetime | None
    last_changed: datetime | None
    next_check_at: datetime | None
    current_version_id: int | None
    version_count: int
    etag: str | None
    last_modified: str | None
    raw_sha256: str | None
    gone_runs: int
    title: str | None
    publisher: str | None
    category: str | None
    status: str | None
    doc_no: str | None
    published: str | None
    list_title: str | None = None
    list_date: str | None = None
    unlisted_runs: int = 0


@dataclass(frozen=True)
class VersionRecord:
    id: int
    document_id: int
    n: int
    created_at: datetime
    url: str
    title: str | None
    metadata: dict[str, Any]
    metadata_raw: dict[str, Any]
    text: str
    text_sha256: str
    fingerprint: str
    attachments: list[dict[str, Any]]
    published: str | None
    raw_sha256: str | None
    http_status: int | None
    content_type: str | None
    encoding: str | None
    extractor_version: str
    cause: str = "crawl"


@dataclass(frozen=True)
class EventRecord:
    id: int
    site_id: str
    document_id: int
    run_id: int | None
    kind: str
    at: datetime
    old_version: int | None
    new_version: int | None
    fields: dict[str, Any]
    similarity: float | None
    baseline: bool
    summary: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    title: str | None = None


@dataclass(frozen=True)
class FetchRecord:
    id: int
    run_id: int | None
    site_id: str
    document_id: int | None
    url: str
    kind: str
    at: datetime
    outcome: str
    http_status: int | None
    duration_ms: int | None
    size: int | None
    detail: str | None


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    subscription_id: str
    channel: str
    created_at: datetime
    message_id: str
    subject: str
    body: bytes
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    claimed_by: str | None = None
    lease_until: datetime | None = None


@dataclass(frozen=True)
class LinkedDocumentRecord:
    """A document that carries the same text as another (``monitor.outlets``), as seen from
    that other document."""

    document_id: int
    site_id: str
    url: str
    title: str | None
    publisher: str | None
    published: str | None
    state: str
    similarity: float
    overlap: float
    shared_chars: int
    version: int        # the linked document's version that was compared
    own_version: int    # the version of the document asked about that was compared
    detected_at: datetime
    checked_at: datetime


@dataclass(frozen=True)
class ColumnWalkRecord:
    """How far a column's last whole walk went (``schema.ColumnWalk``)."""

    url: str
    walked_at: datetime | None
    walked_run_id: int | None
    complete: bool
    links: int | None
    pages: int | None
    stated_total: int | None
    stated_unit: str | None
    failed_at: datetime | None
    short_walks: int


@dataclass(frozen=True)
class PendingRecord:
    """A listed URL whose fetch has not brought the document yet (``schema.PendingDocument``)."""

    id: int
    url: str
    list_title: str | None
    list_date: str | None
    first_listed_at: datetime
    tries: int
    gone_tries: int
    outcome: str
