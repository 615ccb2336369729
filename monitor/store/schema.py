"""The database schema. Only ``monitor.store`` imports this module.

Times are stored as UTC. Versions are append-only: nothing in govwatch updates or deletes a row of
``versions`` or ``blobs``. Raw page bytes and attachment bytes live in ``blobs``, once per distinct
content (keyed by SHA-256), compressed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Objects that migration 0004 creates with dialect-specific DDL and the ORM can't describe: FTS5
# virtual tables (and the shadow tables SQLite makes for them), pg_trgm and tsvector indexes, an
# index sorted NULLS LAST. Schema comparisons (tests/monitor/test_migrations.py, autogenerate)
# pass ``include_name`` so that they neither expect nor drop them.
UNMODELLED_PREFIX = "search_"


# Tables in govwatch's database that a library creates and owns, with a layout that belongs to its
# version: APScheduler's job store (monitor.scheduler). Neither models nor migrations describe
# them, and Alembic's autogenerate must leave them alone (monitor/migrations/env.py).
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: leave the search objects (``UNMODELLED_PREFIX``) and the
    tables libraries own (``FOREIGN_TABLES``) alone."""
    name = name or ""
    return not (name.startswith(UNMODELLED_PREFIX) or name in FOREIGN_TABLES)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(),
                                                     dict[str, Any]: JSON}


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    baseline_at: Mapped[datetime | None] = mapped_column(
        doc="end of the site's first successful crawl; events before it are baseline events")
    last_run_id: Mapped[int | None] = mapped_column(Integer)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), doc="running | ok | partial | failed | blocked")
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    list_complete: Mapped[bool] = mapped_column(
        Boolean, default=False, doc="every list page up to the last was fetched")
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200), doc="host:pid that ran it")


class Blob(Base):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    codec: Mapped[str] = mapped_column(String(16), doc="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("site_id", "url"),
        Index("ix_documents_site_next_check", "site_id", "next_check_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    state: Mapped[str] = mapped_column(String(16), default="active", doc="active | removed")
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime | None] = mapped_column(doc="last fetch that returned the document")
    last_checked: Mapped[datetime | None]
    last_changed: Mapped[datetime | None] = mapped_column(doc="time of the newest version")
    next_check_at: Mapped[datetime | None]
    current_version_id: Mapped[int | None] = mapped_column(Integer,
                                                           doc="version the page shows now")
    current_since: Mapped[datetime | None] = mapped_column(
        doc="when the page began to show it (a flap back to an older version counts)")
    flapped_at: Mapped[datetime | None] = mapped_column(
        doc="last time the page went back to an older version without an edit")
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    # Conditional-request state from the last successful fetch.
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    # Removal bookkeeping: consecutive successful runs that found the document gone.
    gone_runs: Mapped[int] = mapped_column(Integer, default=0)
    gone_run_id: Mapped[int | None] = mapped_column(Integer)
    listed_run_id: Mapped[int | None] = mapped_column(
        Integer, doc="last run whose list showed it")
    unlisted_runs: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0",
        doc="consecutive corroborated whole walks that no longer listed it, dated after the "
            "oldest document still listed: withdrawn from the middle of its column")
    # Denormalised from the current version for listing and filtering.
    title: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(200), index=True)
    category: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str | None] = mapped_column(String(100), index=True)
    doc_no: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(10), index=True, doc="YYYY-MM-DD")
    list_title: Mapped[str | None] = mapped_column(Text, doc="title as shown on the list page")
    list_date: Mapped[str | None] = mapped_column(String(10))


class ColumnWalk(Base):
    """What the crawler knows of one column (栏目: a configured start URL) of a site: how far its
    last walk went, and when a list page of it last failed. A run may stop paginating at a page
    of known documents (``stop_after_known_pages``) only once a walk of the whole column has
    succeeded since its last list failure, and not longer ago than the full-walk period: a page
    that failed, or a document back-dated onto page 3, is otherwise never reached again."""

    __tablename__ = "column_walks"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(String(2048), doc="the start URL, as configured")
    walked_at: Mapped[datetime | None] = mapped_column(
        doc="start of the last run that walked the whole column (to its end, corroborated, or "
            "to max_list_pages) without a list page failing")
    walked_run_id: Mapped[int | None] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(
        Boolean, default=False, doc="that walk reached the column's end, not max_list_pages")
    links: Mapped[int | None] = mapped_column(Integer, doc="documents that walk listed")
    pages: Mapped[int | None] = mapped_column(Integer, doc="list pages that walk read")
    stated_total: Mapped[int | None] = mapped_column(
        Integer, doc="what the pager said then: TRS countPage, Hanweb totalRecord")
    stated_unit: Mapped[str | None] = mapped_column(String(16), doc="pages | records")
    failed_at: Mapped[datetime | None] = mapped_column(
        doc="start of the last run in which a list page of the column failed")
    short_walks: Mapped[int] = mapped_column(
        Integer, default=0, doc="walks in a row that ended listing far fewer documents than "
                                "the last complete one (a pager no longer read?)")


class PendingDocument(Base):
    """A listed URL whose fetch has not brought the document yet (a timeout, a 5xx, a page the
    CMS had not generated yet). Asked for again on every run until it does: the list page that
    showed it may never be walked again, once the pages before it hold only known documents."""

    __tablename__ = "pending_documents"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(String(2048), doc="canonical, as listed")
    list_title: Mapped[str | None] = mapped_column(Text)
    list_date: Mapped[str | None] = mapped_column(String(10))
    first_listed_at: Mapped[datetime]
    tried_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(Integer, default=1)
    gone_tries: Mapped[int] = mapped_column(
        Integer, default=0, doc="tries in a row that answered 404/410/soft-404")
    outcome: Mapped[str] = mapped_column(String(32), doc="what the last try came to")


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "n"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    n: Mapped[int]
    created_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(String(2048), doc="URL actually fetched")
    title: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    meta_raw: Mapped[dict[str, Any]] = mapped_column("metadata_raw", JSON, default=dict)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    published: Mapped[str | None] = mapped_column(String(10))
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    http_status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(40))
    extractor_version: Mapped[str] = mapped_column(String(100))
    cause: Mapped[str] = mapped_column(
        String(16), default="crawl",
        doc="crawl | reextract (same page bytes read by a newer extractor: never an event)")


class Fetch(Base):
    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    site_id: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16), doc="list | detail | attachment")
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int | None]
    duration_ms: Mapped[int | None]
    size: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    old_version: Mapped[int | None]
    new_version: Mapped[int | None]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    similarity: Mapped[float | None] = mapped_column(Float)
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, doc="what digests show: numeric headline, excerpt, reason")


class TextIndex(Base):
    """Which version of a document its text anchors were taken from (monitor.outlets)."""

    __tablename__ = "text_index"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    chars: Mapped[int] = mapped_column(Integer, doc="length of the folded text")
    anchors: Mapped[int] = mapped_column(Integer, doc="number of anchors stored")
    indexed_at: Mapped[datetime]


class TextAnchor(Base):
    """Sampled shingle hashes of a document's current text. Two documents that share many are
    candidates for "the same text at two outlets"; derived data, replaced when the text changes."""

    __tablename__ = "text_anchors"

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True,
                                             index=True)


class TextAnchorCount(Base):
    """How many documents carry each anchor (a document frequency). Candidate lookup uses a
    document's rarest shared anchors: a stock phrase carried by thousands of documents would make
    every lookup read thousands of rows, and says nothing about which of them is the same text."""

    __tablename__ = "text_anchor_counts"

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)


class OutletLink(Base):
    """Two documents that carry the same text (the same plan at the issuing department and in
    the newspaper). Stored once per pair, ``document_id < other_id``."""

    __tablename__ = "outlet_links"
    __table_args__ = (UniqueConstraint("document_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float, doc="0..1 within the shared passage")
    overlap: Mapped[float] = mapped_column(Float, doc="share of the shorter text in the passage")
    shared_chars: Mapped[int] = mapped_column(Integer)
    document_version: Mapped[int] = mapped_column(Integer, doc="version n compared")
    other_version: Mapped[int] = mapped_column(Integer)
    detected_at: Mapped[datetime]
    checked_at: Mapped[datetime]


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(300), doc="email | apprise URL digest")
    created_at: Mapped[datetime]
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary, doc="the RFC 5322 message, or JSON")
    state: Mapped[str] = mapped_column(
        String(16), index=True,
        doc="pending | sending | uncertain | sent | failed (see monitor.outbox)")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(
        String(200), doc="host:pid:token of the sender holding it while 'sending'")
    lease_until: Mapped[datetime | None] = mapped_column(
        doc="after this a 'sending' claim is stale and the message goes back to 'pending'")


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    channel: Mapped[str] = mapped_column(String(300))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id"), index=True,
        doc="the message that carried it; NULL: the event was considered and did not match "
            "the subscription's keywords or publishers, so it is never looked at again")


class SubscriptionRecord(Base):
    """When a subscription (defined in YAML) was first seen: it receives events from then on,
    not the archive's whole history."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen: Mapped[datetime]


class Channel(Base):
    """One way a subscription is reached: ``email``, or ``apprise:<scheme>:<hash>`` for a notify
    URL (a hash, because the URL holds the webhook's secret token). A channel receives events
    from its first-seen time on, so a rotated webhook token does not replay the backlog."""

    __tablename__ = "channels"

    subscription_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(300), primary_key=True)
    first_seen: Mapped[datetime]
    served_at: Mapped[datetime | None] = mapped_column(
        doc="the daily/weekly schedule time last served, even when there was nothing to say")


class Lock(Base):
    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
