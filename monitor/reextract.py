"""``govwatch reextract``: read stored page bytes again with the current extractor.

After an extractor upgrade the same bytes may extract a little differently; left alone, the next
crawl would report every such document as changed. Re-extraction appends a version marked
``reextract`` where the output differs, makes it current, and records no event: users are told
about edits to documents, not about govwatch's upgrades. Versions stay append-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.extraction import EXTRACTOR_VERSION, ExtractOptions, extract
from monitor.config import Config
from monitor.fingerprint import fingerprint, text_sha256
from monitor.store.db import Database
from monitor.store.repository import Repository


@dataclass
class ReextractReport:
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_raw: int = 0


def reextract_all(database: Database, config: Config, *,
                  site_id: str | None = None) -> ReextractReport:
    report = ReextractReport()
    sites = {s.id: s for s in config.sites}
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
            if current.extractor_version == EXTRACTOR_VERSION:
                report.unchanged += 1
                continue
            raw = repo.get_blob(current.raw_sha256) if current.raw_sha256 else None
            if raw is None:
                report.missing_raw += 1
                continue
            again = extract(raw, current.url, content_type=current.content_type,
                            options=options)
            fp = fingerprint(again.title, again.text, again.metadata, current.attachments)
            if fp == current.fingerprint and again.text == current.text:
                report.unchanged += 1
                continue
            repo.add_version(
                doc.id, now=datetime.now(UTC), url=current.url, title=again.title,
                metadata=dict(again.metadata), metadata_raw=dict(again.metadata_raw),
                text=again.text, text_sha256=text_sha256(again.text), fingerprint=fp,
                attachments=current.attachments, published=again.published,
                raw_sha256=current.raw_sha256, http_status=current.http_status,
                content_type=current.content_type, encoding=again.encoding,
                extractor_version=again.extractor_version, cause="reextract")
            report.updated += 1
    return report
