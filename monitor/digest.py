"""What a subscriber is told: the undelivered events that match their filters, arranged for
reading (status changes and new documents first; a site's first crawl as one line; sites that
could not be checked at the end), and rendered through ``templates/email/``.

Every word a digest says lives in ``templates/email/strings.yaml`` (Chinese and English); the
templates ask for them with ``t("key", n=…)``, so one template serves both languages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import yaml

from crawler.extraction.text import normalize
from monitor.config import Config, Subscription
from monitor.links import absolute, diff_path, document_path, site_path
from monitor.store.records import DocumentRecord, EventRecord, RunRecord, VersionRecord
from monitor.store.repository import Repository
from monitor.templating import local_time, render, templates_dir

KIND_ORDER = ("status", "new", "changed", "removed", "restored")
HORIZON = timedelta(days=60)  # undelivered events older than this are history, not news
CHANNEL_EMAIL = "email"
# A site redesign can touch hundreds of documents: list some, count all. Gmail clips a message
# whose HTML passes 102 kB ("[Message clipped]"), and an entry with its inline styles takes about
# 2 kB, so a mail lists at most MAX_ENTRIES, given out in KIND_ORDER (status changes first).
MAX_ENTRIES = 40
CHAT_ENTRIES = 12
EXCERPT_PARAGRAPHS = 2
CONTEXT_CHARS = 24       # unchanged text kept either side of a change in an excerpt
FAILED = ("failed", "blocked")


# ----------------------------------------------------------------------------------- wording


@cache
def _catalog() -> dict[str, dict[str, Any]]:
    with (templates_dir() / "email" / "strings.yaml").open(encoding="utf-8") as fh:
        data: dict[str, dict[str, Any]] = yaml.safe_load(fh)
    return data


def translate(key: str, lang: str, **values: Any) -> str:
    """The catalog's wording for ``key`` in ``lang`` (falling back to Chinese), formatted."""
    entry = _catalog()[key]
    text = entry.get(lang, entry["zh"])
    if isinstance(text, dict):
        text = text["one"] if values.get("n") == 1 and "one" in text else text["other"]
    shown = {k: f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v
             for k, v in values.items()}
    return str(text).format(**shown)


# -------------------------------------------------------------------------------- the digest


@dataclass(frozen=True)
class Piece:
    """A run of excerpt text: ``same`` (context), ``del``, ``ins`` or ``gap`` (elided)."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class NumberChange:
    context: str
    before: str
    after: str


@dataclass(frozen=True)
class DigestEntry:
    event_ids: tuple[int, ...]
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
    status_changes: tuple[FieldChange, ...]
    field_changes: tuple[FieldChange, ...]
    numbers: tuple[NumberChange, ...]
    excerpt: tuple[tuple[Piece, ...], ...]
    changed_paragraphs: int
    attachments: Mapping[str, Sequence[str]]
    similarity: float | None
    snippet: str | None
    archive_url: str
    diff_url: str | None
    # how a removal was seen: None (its page is gone), "unlisted" (withdrawn from its column),
    # "unlisted_online" (withdrawn from its column, its page still answering)
    removal: str | None = None

    @property
    def link(self) -> str:
        return self.diff_url or self.archive_url


@dataclass(frozen=True)
class SiteProblem:
    site_id: str
    site_name: str
    status: str               # failed | blocked (the latest failure)
    message: str | None
    at: datetime              # the latest failure
    failures: int             # failed runs since the last digest
    recovered: bool           # the site's latest run went well
    failing_since: datetime | None   # start of the current failure streak
    new: bool                 # the streak began after the last digest: worth a message alone
    site_url: str


@dataclass(frozen=True)
class Digest:
    subscription: Subscription
    channel: str
    entries: tuple[DigestEntry, ...]
    baselines: tuple[tuple[str, int], ...]   # (site name, documents archived)
    problems: tuple[SiteProblem, ...]
    event_ids: tuple[int, ...]               # events this digest carries
    skipped_ids: tuple[int, ...]             # events considered that did not match the filters
    since: datetime
    generated_at: datetime
    base_url: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.entries and not self.baselines and not self.problems

    @property
    def worth_sending(self) -> bool:
        """Something to say: news, or a site that started failing since the last digest (a site
        still failing is mentioned alongside news, not on its own every run)."""
        return bool(self.entries or self.baselines or any(p.new for p in self.problems))

    def by_kind(self, kind: str) -> list[DigestEntry]:
        return [e for e in self.entries if e.kind == kind]

    def shown(self, kind: str, total: int = MAX_ENTRIES) -> list[DigestEntry]:
        """The entries of ``kind`` a message lists when it lists ``total`` at most, the more
        important kinds first."""
        budget = total
        for k in KIND_ORDER:
            entries = self.by_kind(k)
            if k == kind:
                return entries[:max(budget, 0)]
            budget -= len(entries)
        return self.by_kind(kind)[:max(budget, 0)]

    def hidden(self, kind: str, total: int = MAX_ENTRIES) -> int:
        return len(self.by_kind(kind)) - len(self.shown(kind, total))

    def sites(self) -> list[str]:
        names = [e.site_name for e in self.entries] + [n for n, _ in self.baselines]
        return list(dict.fromkeys(names))

    @property
    def failing(self) -> list[SiteProblem]:
        return [p for p in self.problems if not p.recovered]


# ---------------------------------------------------------------------------------- building


def _event_version(event: EventRecord) -> int | None:
    # ``removed`` names the last version it had; the others the version they are about.
    return event.new_version or event.old_version


def matches(sub: Subscription, title: str, text: str, publisher: str | None) -> bool:
    """The keyword (title or text) and publisher filters; sites and kinds are applied by the
    query. Compared after normalisation, so 补贴 also finds 補貼 and full-width forms."""
    if sub.publishers and not any(normalize(p) in normalize(publisher or "")
                                  for p in sub.publishers):
        return False
    if sub.keywords:
        haystack = normalize(title + "\n" + text)
        return any(normalize(k) in haystack for k in sub.keywords)
    return True


def _trim(text: str, *, head: bool, tail: bool) -> list[Piece]:
    """Unchanged text around a change: keep what gives context, elide the rest."""
    if len(text) <= 2 * CONTEXT_CHARS + 4 or (not head and not tail):
        return [Piece("same", text)]
    out = []
    if head:
        out.append(Piece("same", text[:CONTEXT_CHARS]))
    out.append(Piece("gap", "…"))
    if tail:
        out.append(Piece("same", text[-CONTEXT_CHARS:]))
    return out


def excerpt_pieces(paragraph: Mapping[str, Any]) -> tuple[Piece, ...]:
    """One paragraph of ``summary.excerpt`` as pieces for the templates to mark up."""
    op = paragraph.get("op")
    if op == "insert":
        return (Piece("ins", str(paragraph.get("new") or "")[:200]),)
    if op == "delete":
        return (Piece("del", str(paragraph.get("old") or "")[:200]),)
    segments = list(paragraph.get("segments") or [])
    pieces: list[Piece] = []
    for i, (seg_op, old, new) in enumerate(segments):
        if seg_op == "equal":
            pieces += _trim(old, head=i > 0, tail=i < len(segments) - 1)
            continue
        if old and seg_op in ("replace", "delete"):
            pieces.append(Piece("del", old))
        if new and seg_op in ("replace", "insert"):
            pieces.append(Piece("ins", new))
    return tuple(pieces)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _changes(fields: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, v.get("old"), v.get("new")) for k, v in fields.items()
                 if isinstance(v, Mapping))


@dataclass
class _Candidate:
    events: list[EventRecord]
    doc: DocumentRecord
    version: VersionRecord | None


def build_digest(repo: Repository, events: Sequence[EventRecord], sub: Subscription,
                 config: Config, *, documents: Mapping[int, DocumentRecord],
                 versions: Mapping[tuple[int, int], VersionRecord], since: datetime,
                 now: datetime | None = None, channel: str = CHANNEL_EMAIL) -> Digest:
    """Arrange ``events`` (already narrowed to the subscriber's sites and kinds) for one
    subscriber. ``documents`` and ``versions`` hold what they refer to; ``since`` is the start
    of the period (the last digest), for the section on failing sites."""
    now = now or datetime.now(UTC)
    names = {s.id: s.display_name for s in config.sites}
    base = config.web.base_url
    baselines: Counter[str] = Counter()
    included: list[int] = []
    skipped: list[int] = []
    # A status change that also edited the text is two events about one pair of versions:
    # the reader sees one entry, under status.
    grouped: dict[tuple[int, int | None, int | None], _Candidate] = {}
    for event in events:
        doc = documents.get(event.document_id)
        n = _event_version(event)
        version = versions.get((event.document_id, n)) if n else None
        if doc is None:
            skipped.append(event.id)
            continue
        title = (version.title if version else None) or doc.title or doc.list_title or ""
        publisher = (version.metadata.get("publisher") if version else None) or doc.publisher
        if not matches(sub, title, version.text if version else "", publisher):
            skipped.append(event.id)
            continue
        included.append(event.id)
        if event.kind == "new" and event.baseline:
            baselines[names.get(event.site_id, event.site_id)] += 1
            continue
        key = (doc.id, event.old_version, event.new_version) \
            if event.kind in ("status", "changed") else (doc.id, event.id, None)
        grouped.setdefault(key, _Candidate([], doc, version)).events.append(event)
    entries = [_entry(c, names, base) for c in grouped.values()]
    entries.sort(key=lambda e: (KIND_ORDER.index(e.kind) if e.kind in KIND_ORDER else 9,
                                e.site_id, e.at, e.event_ids))
    problems = site_problems(repo, sub, config, since)
    return Digest(sub, channel, tuple(entries), tuple(sorted(baselines.items())),
                  tuple(problems), tuple(included), tuple(skipped), since, now, base,
                  dict(Counter(e.kind for e in entries)))


def _entry(candidate: _Candidate, names: Mapping[str, str], base: str) -> DigestEntry:
    events = sorted(candidate.events, key=lambda e: KIND_ORDER.index(e.kind)
                    if e.kind in KIND_ORDER else 9)
    first, doc, version = events[0], candidate.doc, candidate.version
    meta = version.metadata if version else {}
    status_fields: dict[str, Any] = {}
    other_fields: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for event in events:
        (status_fields if event.kind == "status" else other_fields).update(event.fields)
        summary = summary or event.summary
    numbers = tuple(NumberChange(str(n.get("context", "")), str(n.get("before", "")),
                                 str(n.get("after", "")))
                    for n in summary.get("numbers", [])[:5])
    excerpt = tuple(excerpt_pieces(p) for p in summary.get("excerpt", [])[:EXCERPT_PARAGRAPHS])
    snippet = summary.get("excerpt_text") if first.kind == "new" else None
    if first.kind == "new" and not snippet and version:
        snippet = version.text[:200]
    return DigestEntry(
        event_ids=tuple(e.id for e in events), kind=first.kind, site_id=first.site_id,
        site_name=names.get(first.site_id, first.site_id), document_id=doc.id, url=doc.url,
        title=(version.title if version and version.title else None) or doc.title
        or doc.list_title or doc.url,
        at=first.at, publisher=meta.get("publisher") or doc.publisher,
        doc_no=meta.get("doc_no") or doc.doc_no,
        published=(version.published if version else None) or doc.published,
        status_changes=_changes(status_fields), field_changes=_changes(other_fields),
        numbers=numbers, excerpt=tuple(p for p in excerpt if p),
        changed_paragraphs=int(summary.get("changed_paragraphs") or len(excerpt)),
        attachments={k: list(v) for k, v in (summary.get("attachments") or {}).items() if v},
        similarity=first.similarity,
        snippet=_shorten(str(snippet), 160) if snippet else None,
        archive_url=absolute(base, document_path(doc.id)),
        diff_url=absolute(base, diff_path(doc.id, first.old_version, first.new_version))
        if first.old_version and first.new_version else None,
        removal=_removal(first.kind, summary))


def _removal(kind: str, summary: Mapping[str, Any]) -> str | None:
    if kind != "removed" or not summary.get("unlisted"):
        return None
    return "unlisted_online" if summary.get("online") else "unlisted"


def site_problems(repo: Repository, sub: Subscription, config: Config,
                  since: datetime) -> list[SiteProblem]:
    """Sites of this subscription with failed or blocked runs since ``since``."""
    names = {s.id: s.display_name for s in config.sites}
    wanted = set(sub.sites) if sub.sites is not None else set(names)
    by_site: dict[str, list[RunRecord]] = defaultdict(list)
    for run in repo.runs(since=since, limit=10000):   # newest first
        if run.site_id in wanted and run.status != "running":
            by_site[run.site_id].append(run)
    problems = []
    for site_id, runs in sorted(by_site.items()):
        failures = [r for r in runs if r.status in FAILED]
        if not failures:
            continue
        recovered = runs[0].status not in FAILED
        streak: list[RunRecord] = []
        for run in runs:
            if run.status not in FAILED:
                break
            streak.append(run)
        new = False
        if streak and len(streak) == len(runs):
            # Every run in the period failed: the streak is new unless the run before the
            # period failed too.
            earlier = [r for r in repo.runs(site_id, limit=len(runs) + 5)
                       if r.status != "running" and r.started_at < since]
            new = not earlier or earlier[0].status not in FAILED
        elif streak:
            new = True
        latest = failures[0]
        problems.append(SiteProblem(
            site_id, names.get(site_id, site_id), latest.status, latest.message,
            latest.finished_at or latest.started_at, len(failures), recovered,
            streak[-1].started_at if streak else None, new,
            absolute(config.web.base_url, site_path(site_id))))
    return problems


# --------------------------------------------------------------------------------- rendering


def _watching(digest: Digest, config: Config | None) -> str:
    """The subscription's filters in words, for the footer ("why am I getting this")."""
    sub, lang = digest.subscription, digest.subscription.language
    sep = translate("footer.list_sep", lang)
    names = {s.id: s.display_name for s in config.sites} if config else {}
    parts = [translate("footer.sites", lang, list=sep.join(names.get(s, s) for s in sub.sites))
             if sub.sites is not None else translate("footer.all_sites", lang)]
    if sub.keywords:
        parts.append(translate("footer.keywords", lang, list=sep.join(sub.keywords)))
    if sub.publishers:
        parts.append(translate("footer.publishers", lang, list=sep.join(sub.publishers)))
    return translate("subject.sep", lang).join(parts)


def context(digest: Digest, config: Config | None = None) -> dict[str, Any]:
    """What every digest template (mail, chat, subject) is given."""
    lang = digest.subscription.language

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    def field_label(key: str) -> str:
        return t(f"field.{key}") if f"field.{key}" in _catalog() else key

    ctx: dict[str, Any] = {
        "digest": digest, "lang": lang, "t": t, "field_label": field_label, "kinds": KIND_ORDER,
        "chat_entries": CHAT_ENTRIES, "sub": digest.subscription,
        "watching": _watching(digest, config),
        "period_start": local_time(digest.since), "period_end": local_time(digest.generated_at)}
    ctx["summary"] = " ".join(render("email/summary.txt", **ctx).split())
    ctx["preheader"] = ctx["summary"]
    return ctx


def subject(digest: Digest, config: Config | None = None) -> str:
    return " ".join(render("email/subject.txt", **context(digest, config)).split())


def render_digest(digest: Digest, config: Config | None = None) -> tuple[str, str, str]:
    """(subject, plain text, HTML)."""
    ctx = context(digest, config)
    return (" ".join(render("email/subject.txt", **ctx).split()),
            render("email/digest.txt", **ctx), render("email/digest.html", **ctx))
