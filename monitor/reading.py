"""A page as govwatch reads it today: an extraction turned into the content a version stores.

Shared by ingest (a fetch, or a stored version's raw bytes read again to tell an extractor
upgrade from an edit) and ``govwatch reextract``. Two rules keep a partial reading from looking
like an edit:

- an attachment whose download failed keeps the hash the previous version had for the same URL
  (or, if the URL changed, the same name): a flaky download is not a changed file;
- when the page's metadata table was not found at all, the previous version's canonical metadata
  is kept (and the fact noted in ``metadata_raw``): a table the extractor missed is not a
  publisher deleting 文号 and 效力状况 — that would be a false ``status`` event, the worst kind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.extraction import EXTRACTOR_VERSION, ExtractOptions, extract
from crawler.extraction.result import Attachment, Extraction
from crawler.items import FetchedAttachment
from crawler.outcomes import FetchOutcome
from monitor.fingerprint import fingerprint
from monitor.folding import fold
from monitor.store.records import VersionRecord

log = logging.getLogger(__name__)

CARRIED = "govwatch:carried"  # metadata_raw key noting kept metadata
MIN_CARRIED = 2  # fewer known fields than this is too little to say a table went missing


@dataclass(frozen=True)
class Reading:
    """What a version would store: the extraction plus resolved attachments and metadata."""

    title: str | None
    text: str
    metadata: dict[str, Any]
    metadata_raw: dict[str, Any]
    attachments: list[dict[str, Any]]
    published: str | None
    encoding: str
    extractor_version: str
    fingerprint: str


def current_extractor() -> str:
    return EXTRACTOR_VERSION


def resolve_attachments(listed: Iterable[Attachment], fetched: Iterable[FetchedAttachment],
                        previous: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    by_url = {a.get("url"): a for a in previous if a.get("sha256")}
    by_name = {fold(str(a.get("name") or "")): a for a in previous if a.get("sha256")}
    got = {a.url: a for a in fetched}
    out = []
    for attachment in listed:
        download = got.get(attachment.url)
        ok = download is not None and download.outcome == FetchOutcome.OK and download.sha256
        sha = download.sha256 if ok and download else attachment.sha256
        size = download.size if ok and download else attachment.size
        if not sha:
            known = by_url.get(attachment.url) or by_name.get(fold(attachment.name))
            if known is not None:
                sha, size = known.get("sha256"), known.get("size")
        record: dict[str, Any] = {"name": attachment.name, "url": attachment.url,
                                  "sha256": sha, "size": size}
        # Validators for the next recheck's conditional request (crawler.attachments): from
        # this download (a 304 carries the stored ones back), else from the previous version.
        fresh = download is not None and download.outcome in (
            FetchOutcome.OK, FetchOutcome.NOT_MODIFIED) and download.sha256
        source: Any = download if fresh else None
        before = by_url.get(attachment.url, {})
        etag = source.etag if source is not None else before.get("etag")
        modified = source.last_modified if source is not None else before.get("last_modified")
        if etag or modified:
            record.update(etag=etag, last_modified=modified)
        out.append(record)
    return out


def _table_found(extraction: Extraction) -> bool:
    return any(not key.startswith("meta:") for key in extraction.metadata_raw)


def resolve_metadata(extraction: Extraction, previous: VersionRecord | None
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(canonical metadata, metadata_raw) for a version made from this extraction."""
    metadata: dict[str, Any] = dict(extraction.metadata)
    raw: dict[str, Any] = dict(extraction.metadata_raw)
    if previous is None or _table_found(extraction):
        return metadata, raw
    known = {k: v for k, v in previous.metadata.items() if v is not None}
    if len(known) < MIN_CARRIED:
        return metadata, raw
    log.warning("%s: no metadata table found; keeping the metadata of version %d",
                extraction.url, previous.n)
    raw[CARRIED] = f"no metadata table found; canonical metadata of version {previous.n} kept"
    return {**metadata, **known}, raw


def reading(extraction: Extraction, attachments: list[dict[str, Any]],
            previous: VersionRecord | None) -> Reading:
    metadata, raw = resolve_metadata(extraction, previous)
    return Reading(
        title=extraction.title, text=extraction.text, metadata=metadata, metadata_raw=raw,
        attachments=attachments, published=extraction.published, encoding=extraction.encoding,
        extractor_version=extraction.extractor_version,
        fingerprint=fingerprint(extraction.title, extraction.text, metadata, attachments))


def with_attachments(version: VersionRecord, attachments: list[dict[str, Any]]) -> Reading:
    """A stored version with other attachment hashes: what an unchanged page whose files were
    downloaded again reads as."""
    return Reading(
        title=version.title, text=version.text, metadata=dict(version.metadata),
        metadata_raw=dict(version.metadata_raw), attachments=attachments,
        published=version.published, encoding=version.encoding or "",
        extractor_version=version.extractor_version,
        fingerprint=fingerprint(version.title, version.text, version.metadata, attachments))


def reread(raw: bytes, url: str, version: VersionRecord,
           options: ExtractOptions | None = None) -> Reading:
    """A stored version's raw bytes read by today's extractor, with that version's attachment
    hashes (the files were not downloaded again)."""
    again = extract(raw, url, content_type=version.content_type, options=options)
    attachments = resolve_attachments(again.attachments, (), version.attachments)
    return reading(again, attachments, version)
