"""A page as govwatch reads it today: an extraction turned into the content a version stores.

Shared by ingest (a fetch, or a stored version's raw bytes read again to tell an extractor
upgrade from an edit) and ``govwatch reextract``. Two rules keep a partial reading from looking
like an edit:

- an attachment whose download failed keeps the hash the previous version had for the same URL
  (or, if the URL changed, the same name): a flaky download is not a changed file;
- when the page's metadata table was not found at all, the previous version's canonical metadata
  is kept (and the fact noted in ``metadata_raw``): a table the extractor missed is not a
  publisher deleting 文号 and 效力状况 — that would be a false ``status`` event, the worst kind.

``likeness`` says what a reading still shares with a stored version (its title, its text, its
metadata table's values, its files): ingest holds back a page that shares none of them — the
portal's 首页 or a login page served in the document's place — until it is seen again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.extraction import EXTRACTOR_VERSION, ExtractOptions, extract
from crawler.extraction.result import Attachment, Extraction
from crawler.items import FetchedAttachment
from crawler.outcomes import FetchOutcome
from monitor.fingerprint import file_url, fingerprint
from monitor.folding import fold, text_key
from monitor.store.records import VersionRecord

log = logging.getLogger(__name__)

CARRIED = "govwatch:carried"  # metadata_raw key noting kept metadata
MIN_CARRIED = 2  # fewer known fields than this is too little to say a table went missing
# Pairs of Chinese characters two readings of one document share, as a part of all the pairs
# either has (Jaccard). An edit short of a rewrite keeps many: a 办法 whose 40 articles were all
# rewritten around its unchanged opening keeps about 0.5, half of them 0.7; a portal's 首页 or
# login page served in the document's place keeps the few pairs all Chinese text shares (人民,
# 政府, 工作): under 0.03, as do two unrelated news items.
STRANGER_OVERLAP = 0.1
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


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


def _url_key(url: Any) -> str:
    """An attachment URL as matched: canonical (``fingerprint.file_url``), so that a version
    stored before extraction canonicalised its links (``downfile.jsp?filename=x.pdf&t=…``) and a
    download handed on under the URL as linked find the same file."""
    return file_url(str(url)) if url else ""


def resolve_attachments(listed: Iterable[Attachment], fetched: Iterable[FetchedAttachment],
                        previous: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    by_url = {_url_key(a.get("url")): a for a in previous if a.get("sha256")}
    by_name = {fold(str(a.get("name") or "")): a for a in previous if a.get("sha256")}
    got = {_url_key(a.url): a for a in fetched}
    out = []
    for attachment in listed:
        url = _url_key(attachment.url)
        download = got.get(url)
        ok = download is not None and download.outcome == FetchOutcome.OK and download.sha256
        sha = download.sha256 if ok and download else attachment.sha256
        size = download.size if ok and download else attachment.size
        if not sha:
            known = by_url.get(url) or by_name.get(fold(attachment.name))
            if known is not None:
                sha, size = known.get("sha256"), known.get("size")
        record: dict[str, Any] = {"name": attachment.name, "url": attachment.url,
                                  "sha256": sha, "size": size}
        # Validators for the next recheck's conditional request (crawler.attachments): from
        # this download (a 304 carries the stored ones back), else from the previous version.
        fresh = download is not None and download.outcome in (
            FetchOutcome.OK, FetchOutcome.NOT_MODIFIED) and download.sha256
        source: Any = download if fresh else None
        before = by_url.get(url, {})
        etag = source.etag if source is not None else before.get("etag")
        modified = source.last_modified if source is not None else before.get("last_modified")
        if etag or modified:
            record.update(etag=etag, last_modified=modified)
        out.append(record)
    return out


def table_found(extraction: Extraction) -> bool:
    """The page's own metadata table (or label lines) was read, not only its <meta> tags."""
    return any(not key.startswith("meta:") for key in extraction.metadata_raw)


def resolve_metadata(extraction: Extraction, previous: VersionRecord | None
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(canonical metadata, metadata_raw) for a version made from this extraction."""
    metadata: dict[str, Any] = dict(extraction.metadata)
    raw: dict[str, Any] = dict(extraction.metadata_raw)
    if previous is None or table_found(extraction):
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


@dataclass(frozen=True)
class Likeness:
    """What a fetched page still shares with a stored version of the document."""

    title: bool                 # the same title, or one holding the other (【已废止】…)
    overlap: float              # STRANGER_OVERLAP's measure, of the folded texts
    metadata: tuple[str, ...]   # fields of the page's own metadata table equal to the stored
    attachments: int            # files the stored version has too (same URL or same bytes)

    @property
    def strange(self) -> bool:
        """Nothing shared: not the document, or the whole document rewritten."""
        return not (self.title or self.overlap >= STRANGER_OVERLAP or self.metadata
                    or self.attachments)

    def describe(self, stored: VersionRecord, fetched: Reading) -> str:
        """What a page that shares nothing (``strange``) fails to share."""
        return (f"title {stored.title!r} → {fetched.title!r}, text overlap {self.overlap:.2f}, "
                f"no value of a metadata table and no file in common")


def _pairs(text: str) -> set[str]:
    # Chinese characters only: dates, numbers and Latin letters make the same pairs in any two
    # pages (2026-03-0… shares 20, 02, 26 with every dated document).
    key = _NOT_HAN.sub("", text_key(text))
    return {key[i:i + 2] for i in range(len(key) - 1)}


def overlap(a: str, b: str) -> float:
    """Jaccard of the two texts' pairs of Chinese characters, in the comparison form."""
    first, second = _pairs(a), _pairs(b)
    if not first or not second:
        return 1.0 if first == second else 0.0
    return len(first & second) / len(first | second)


def _same_title(a: str | None, b: str | None) -> bool:
    first, second = fold(a), fold(b)
    if not first or not second:
        return first == second
    return first in second or second in first


def likeness(stored: VersionRecord, fetched: Reading, extraction: Extraction) -> Likeness:
    """What ``fetched`` (read from ``extraction``) shares with ``stored``. Metadata counts only
    from the page's own table: a page without one was given the stored values (resolve_metadata)
    and shares them by construction."""
    own = extraction.metadata if table_found(extraction) else {}
    metadata = tuple(sorted(key for key, value in own.items()
                            if value and fold(str(value)) == fold(str(stored.metadata.get(key)
                                                                       or ""))))
    known = {_url_key(a.get("url")) for a in stored.attachments if a.get("url")} | {
        str(a["sha256"]) for a in stored.attachments if a.get("sha256")}
    files = sum(1 for a in fetched.attachments
                if (a.get("url") and _url_key(a["url"]) in known)
                or (a.get("sha256") and str(a["sha256"]) in known))
    return Likeness(_same_title(stored.title, fetched.title), overlap(stored.text, fetched.text),
                    metadata, files)
