"""``govwatch export``: the archive as JSON lines or CSV (DESIGN.md "Export")."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from monitor.store.db import Database
from monitor.store.records import DocumentRecord, EventRecord, VersionRecord
from monitor.store.repository import Repository

CSV_FIELDS = ("site", "url", "title", "state", "first_seen", "last_seen", "versions",
              "index_no", "publisher", "doc_no", "created", "published", "status", "category",
              "attachments", "text")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def document_object(doc: DocumentRecord, current: VersionRecord | None,
                    versions: list[VersionRecord] | None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "document",
        "site": doc.site_id,
        "url": doc.url,
        # A document that is a file (crawler.extraction.files) is titled by its list.
        "title": (current.title if current else doc.title) or doc.list_title,
        "metadata": current.metadata if current else {},
        "metadata_raw": current.metadata_raw if current else {},
        "text": current.text if current else "",
        "attachments": [{"name": a.get("name"), "url": a.get("url"), "sha256": a.get("sha256")}
                        for a in (current.attachments if current else [])],
        "first_seen": _iso(doc.first_seen),
        "last_seen": _iso(doc.last_seen),
        "state": doc.state,
        "versions": doc.version_count,
    }
    if versions is not None:
        obj["versions"] = [{
            "n": v.n, "at": _iso(v.created_at), "title": v.title, "metadata": v.metadata,
            "attachments": [{"name": a.get("name"), "url": a.get("url"),
                             "sha256": a.get("sha256")} for a in v.attachments],
            "text_sha256": v.text_sha256, "extractor_version": v.extractor_version,
            "cause": v.cause,
        } for v in versions]
    return obj


def event_object(event: EventRecord) -> dict[str, Any]:
    obj = {"type": "event", "kind": event.kind, "site": event.site_id, "url": event.url,
           "at": _iso(event.at), "old_version": event.old_version,
           "new_version": event.new_version, "fields": event.fields,
           "similarity": event.similarity, "baseline": event.baseline}
    if event.kind == "removed":
        # How the removal was seen (monitor.runs): its page gone, or withdrawn from its column
        # (``still_online``: its page answered in that run).
        unlisted = bool(event.summary.get("unlisted"))
        obj["removal"] = "unlisted" if unlisted else "gone"
        obj["still_online"] = bool(event.summary.get("online")) if unlisted else False
    return obj


def iter_export(database: Database, *, versions: bool = False, events: bool = False,
                site_id: str | None = None) -> Iterator[dict[str, Any]]:
    with database.session() as session:
        repo = Repository(session)
        for doc in repo.iter_documents(site_id):
            current = repo.get_version(doc.current_version_id) if doc.current_version_id \
                else None
            yield document_object(doc, current, repo.versions(doc.id) if versions else None)
        if events:
            last = 0
            while True:
                batch = repo.events(site_id=site_id, after_id=last, limit=1000)
                if not batch:
                    break
                for event in batch:
                    yield event_object(event)
                last = batch[-1].id


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Documents only, one row each, metadata flattened; attachments as 'name <url>' lines."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        if row["type"] != "document":
            continue
        meta = row["metadata"]
        versions = row["versions"]
        writer.writerow({
            "site": row["site"], "url": row["url"], "title": row["title"], "state": row["state"],
            "first_seen": row["first_seen"], "last_seen": row["last_seen"],
            "versions": len(versions) if isinstance(versions, list) else versions,
            **{k: meta.get(k) for k in ("index_no", "publisher", "doc_no", "created",
                                        "published", "status", "category")},
            "attachments": "\n".join(f"{a['name']} <{a['url']}>" for a in row["attachments"]),
            "text": row["text"],
        })
        n += 1
    return n
