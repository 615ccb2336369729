"""What a subscriber is told: the undelivered events that match their filters, arranged for
reading (status changes and new documents first; a site's first crawl as one line).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.extraction.text import normalize
from monitor.config import Config, EventKind, Subscription
from monitor.links import absolute, diff_path, document_path, site_path
from monitor.store.records import EventRecord, RunRecord
from monitor.store.repository import Repository
from monitor.templating import local_time, render

KIND_ORDER = ("status", "new", "changed", "removed", "restored")
HORIZON = timedelta(days=60)  # undelivered events older than this are history, not news
CHANNEL_EMAIL = "email"


@dataclass(frozen=True)
class DigestEntry:
    event_id: int
    kind: str
    site_id: str
    site_name: str
    document_id: int
    url: str
    title: str
    at: datetime
    publisher: str | None
    doc_no: str | None
    published: str | None
    fields: dict[str, Any]
    summary: dict[str, Any]
    similarity: float | None
    archive_url: str
    diff_url: str | None


@dataclass(frozen=True)
class SiteProblem:
    site_id: str
    site_name: str
    status: str
    message: str | None
    at: datetime


@dataclass(frozen=True)
class Digest:
    subscription: Subscription
    entries: tuple[DigestEntry, ...]
    baselines: tuple[tuple[str, int], ...]   # (site name, documents archived)
    problems: tuple[SiteProblem, ...]
    event_ids: tuple[int, ...]               # every event this digest accounts for
    generated_at: datetime
    base_url: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.entries and not self.baselines and not self.problems

    def by_kind(self, kind: str) -> list[DigestEntry]:
        return [e for e in self.entries if e.kind == kind]

    def sites(self) -> list[str]:
        names = [e.site_name for e in self.entries] + [n for n, _ in self.baselines]
        return list(dict.fromkeys(names))


def _matches(sub: Subscription, event: EventRecord, text: str, publisher: str | None) -> bool:
    if sub.publishers and not any(normalize(p) in normalize(publisher or "")
                                  for p in sub.publishers):
        return False
    if sub.keywords:
        haystack = normalize((event.title or "") + "\n" + text)
        return any(normalize(k) in haystack for k in sub.keywords)
    return True


def build_digest(repo: Repository, events: Sequence[EventRecord], sub: Subscription,
                 config: Config, *, since: datetime, now: datetime | None = None) -> Digest:
    """Arrange events for one subscriber. Events that fail the keyword/publisher filters are
    left out of the digest but still accounted for in ``event_ids`` only when included."""
    now = now or datetime.now(UTC)
    names = {s.id: s.display_name for s in config.sites}
    base = config.web.base_url
    entries: list[DigestEntry] = []
    baselines: Counter[str] = Counter()
    included: list[int] = []
    for event in events:
        doc = repo.get_document(event.document_id)
        if doc is None:
            continue
        version = None
        if event.new_version:
            version = repo.version_by_number(doc.id, event.new_version)
        text = version.text if version else ""
        if not _matches(sub, event, text, doc.publisher):
            continue
        included.append(event.id)
        site_name = names.get(event.site_id, event.site_id)
        if event.kind == "new" and event.baseline:
            baselines[site_name] += 1
            continue
        meta = version.metadata if version else {}
        entries.append(DigestEntry(
            event_id=event.id, kind=event.kind, site_id=event.site_id, site_name=site_name,
            document_id=doc.id, url=doc.url,
            title=(version.title if version and version.title else None) or doc.title
            or doc.list_title or doc.url,
            at=event.at, publisher=meta.get("publisher") or doc.publisher,
            doc_no=meta.get("doc_no") or doc.doc_no,
            published=(version.published if version else None) or doc.published,
            fields=event.fields, summary=event.summary, similarity=event.similarity,
            archive_url=absolute(base, document_path(doc.id)),
            diff_url=absolute(base, diff_path(doc.id, event.old_version, event.new_version))
            if event.old_version and event.new_version else None))
    entries.sort(key=lambda e: (KIND_ORDER.index(e.kind) if e.kind in KIND_ORDER else 9,
                                e.site_id, e.event_id))
    problems = _problems(repo, sub, config, since)
    counts = Counter(e.kind for e in entries)
    return Digest(sub, tuple(entries), tuple(sorted(baselines.items())), tuple(problems),
                  tuple(included), now, base, dict(counts))


def _problems(repo: Repository, sub: Subscription, config: Config,
              since: datetime) -> list[SiteProblem]:
    names = {s.id: s.display_name for s in config.sites}
    wanted = set(sub.sites) if sub.sites is not None else set(names)
    latest: dict[str, RunRecord] = {}
    for run in repo.runs(since=since, limit=1000):
        if run.site_id in wanted and run.site_id not in latest:
            latest[run.site_id] = run  # newest first: a site that recovered is not a problem
    return [SiteProblem(r.site_id, names.get(r.site_id, r.site_id), r.status, r.message,
                        r.finished_at or r.started_at)
            for r in latest.values() if r.status in ("failed", "blocked")]


def subject(digest: Digest) -> str:
    counts = digest.counts
    zh = digest.subscription.language == "zh"
    parts = []
    labels = {"status": ("项效力变更", "status changes"), "new": ("篇新文件", "new"),
              "changed": ("篇修改", "changed"), "removed": ("篇撤下", "removed"),
              "restored": ("篇恢复", "restored")}
    for kind in KIND_ORDER:
        if counts.get(kind):
            zh_label, en_label = labels[kind]
            parts.append(f"{counts[kind]} {zh_label}" if zh else f"{counts[kind]} {en_label}")
    for name, n in digest.baselines:
        parts.append(f"{name} 已建档 {n:,} 篇" if zh else f"{name}: {n:,} archived")
    if digest.problems:
        parts.append(f"{len(digest.problems)} 个网站抓取失败" if zh
                     else f"{len(digest.problems)} sites failing")
    sites = digest.sites()
    where = ""
    if sites:
        where = sites[0] if len(sites) == 1 else (
            f"{sites[0]}等 {len(sites)} 个网站" if zh else f"{sites[0]} and {len(sites) - 1} more")
    day = local_time(digest.generated_at, "%Y-%m-%d")
    body = "，".join(parts) if zh else ", ".join(parts)
    return f"[govwatch] {body}" + (f" — {where}" if where else "") + f" · {day}"


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """(subject, plain text, HTML)."""
    context = {"digest": digest, "lang": digest.subscription.language,
               "site_url": lambda site_id: absolute(digest.base_url, site_path(site_id)),
               "kinds": KIND_ORDER, "EventKind": EventKind}
    return (subject(digest), render("email/digest.txt", **context),
            render("email/digest.html", **context))
