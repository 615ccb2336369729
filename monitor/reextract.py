"""``govwatch reextract``: read stored page bytes again with the current extractor.

After an extractor upgrade the same bytes may extract a little differently; left alone, every
such document would need its old bytes read again at its next changed fetch (ingest does that, so
no false event is raised either way — this command just does it once, ahead of time). Where the
output differs, re-extraction appends a version marked ``reextract`` and makes it current, and
records no event: users are told about edits to documents, not about govwatch's upgrades.
Versions stay append-only; the attachments keep their known hashes (files are not downloaded
again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.extraction import ExtractOptions
from monitor import reading as readings
from monitor.config import Config
from monitor.fingerprint import text_sha256
from monitor.store.db import Database
from monitor.store.records import VersionRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)


@dataclass
class ReextractReport:
    checked: int = 0
    updated: int = 0       # a reextract version was appended
    unchanged: int = 0     # current extractor already, or the same output
    missing_raw: int = 0   # no stored bytes to read again
    compared_differently: int = 0  # of ``updated``: the fingerprint moved (the upgrade would
    #                                have looked like an edit without this command)


def _same_output(stored: VersionRecord, again: readings.Reading) -> bool:
    return (stored.fingerprint == again.fingerprint and stored.text == again.text
            and stored.title == again.title and stored.metadata == again.metadata
            and stored.attachments == again.attachments)


def reextract_all(database: Database, config: Config, *, site_id: str | None = None,
                  now: datetime | None = None) -> ReextractReport:
    report = ReextractReport()
    now = now or datetime.now(UTC)
    sites = {s.id: s for s in config.sites}
    extractor = readings.current_extractor()
    with database.session() as session:
        ids = [(d.id, d.site_id) for d in Repository(session).iter_documents(site_id)]
    for document_id, doc_site in ids:
        site = sites.get(doc_site)
        options = ExtractOptions(encoding=site.encoding, metadata_selector=site.metadata_selector,
                                 body_selector=site.body_selector) if site else ExtractOptions()
        with database.session() as session:
            repo = Repository(session)
            doc = repo.get_document(document_id)
            if doc is None or doc.current_version_id is None:
                continue
            current = repo.get_version(doc.current_version_id)
            if current is None:
                continue
            report.checked += 1
            if current.extractor_version == extractor:
                report.unchanged += 1
                continue
            raw = repo.get_blob(current.raw_sha256) if current.raw_sha256 else None
            if raw is None:
                report.missing_raw += 1
                continue
            again = readings.reread(raw, doc.url, current, options)
            if _same_output(current, again):
                report.unchanged += 1
                continue
            if again.fingerprint != current.fingerprint:
                report.compared_differently += 1
            repo.add_version(
                doc.id, now=now, url=current.url, title=again.title, metadata=again.metadata,
                metadata_raw=again.metadata_raw, text=again.text,
                text_sha256=text_sha256(again.text), fingerprint=again.fingerprint,
                attachments=again.attachments, published=again.published,
                raw_sha256=current.raw_sha256, http_status=current.http_status,
                content_type=current.content_type, encoding=again.encoding,
                extractor_version=again.extractor_version, cause="reextract")
            report.updated += 1
    log.info("reextract: %d checked, %d updated (%d would have compared differently), "
             "%d unchanged, %d without stored bytes", report.checked, report.updated,
             report.compared_differently, report.unchanged, report.missing_raw)
    return report
