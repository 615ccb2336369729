"""What changed between two versions of a document, in the terms events use.

Everything is compared in the folded form of ``monitor.folding`` — the form the fingerprint
hashes — so a change set is empty exactly when the two versions have the same fingerprint, up to
attachment hashes learnt later (a download that failed once and worked the next time is not a
change to the attachment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.diff import ParagraphDiff, Segment, TextDiff, diff_texts
from monitor.fingerprint import file_url
from monitor.folding import display_form, fold, text_key

STATUS_KEYS = ("status", "abolished")  # 效力状况 and 废止日期: a `status` event, not `changed`
# Portals also mark an abolished document in its title ("【已废止】关于…", "…（已失效）").
STATUS_MARK = re.compile(
    r"[【\[(（〔]?\s*(?:已废止|已失效|已作废|已撤销|已修订|已修改|废止|失效|作废)\s*[】\])）〕]?")
STATUS_LABELS = {"status": "效力状况", "abolished": "废止日期", "title": "标题"}
# A 效力状况 that appears where there was none is news only when it says the document lost force.
NOT_IN_FORCE = re.compile(r"失效|废止|作废|撤销|停止执行|停止施行|修订|修改|部分有效")
EXCERPT_PARAGRAPHS = 3
EXCERPT_CHARS = 600
EXCERPT_CONTEXT = 30  # unchanged characters kept on each side of an edit in a summary excerpt
NUMBERS = 10


@dataclass(frozen=True)
class Snapshot:
    """The compared parts of a version."""

    title: str | None
    text: str
    metadata: Mapping[str, Any]
    attachments: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class ChangeSet:
    fields: dict[str, dict[str, Any]]          # metadata other than status: {key: {old, new}}
    status_fields: dict[str, dict[str, Any]]   # status / abolished / a status mark in the title
    text_changed: bool
    attachments: dict[str, list[str]] = field(default_factory=dict)  # added/removed/changed
    diff: TextDiff | None = None

    @property
    def is_change(self) -> bool:
        return bool(self.fields or self.text_changed or any(self.attachments.values()))

    @property
    def is_status_change(self) -> bool:
        return bool(self.status_fields)

    @property
    def similarity(self) -> float | None:
        return self.diff.similarity if self.diff else None

    def headline(self) -> str | None:
        """One line for the top of a notice: a status change first (the most important news for
        many users), then a changed number (for a plan, a changed target is the news)."""
        for key, change in self.status_fields.items():
            return (f"{STATUS_LABELS.get(key, key)}：{change['old'] or '—'} → "
                    f"{change['new'] or '—'}")
        if self.diff is not None and self.diff.numbers:
            return str(self.diff.numbers[0])
        return None

    def summary(self) -> dict[str, Any]:
        """What digests and the web page show without recomputing the diff."""
        out: dict[str, Any] = {"text_changed": self.text_changed}
        headline = self.headline()
        if headline:
            out["headline"] = headline
        if self.status_fields:
            out["status"] = self.status_fields
        if self.diff is not None:
            out["numbers"] = [{"context": n.context, "before": n.before, "after": n.after}
                              for n in self.diff.numbers[:NUMBERS]]
            changes = self.diff.changes()
            out["excerpt"] = [_excerpt(p) for p in changes[:EXCERPT_PARAGRAPHS]]
            out["changed_paragraphs"] = len(changes)
        if any(self.attachments.values()):
            out["attachments"] = self.attachments
        return out


def _trim(seg: Segment, first: bool, last: bool) -> list[str]:
    text = seg.new
    if seg.op != "equal" or len(text) <= 2 * EXCERPT_CONTEXT + 1:
        return [seg.op, seg.old, seg.new]
    if first and last:
        text = text[:EXCERPT_CONTEXT] + "…"
    elif first:
        text = "…" + text[-EXCERPT_CONTEXT:]
    elif last:
        text = text[:EXCERPT_CONTEXT] + "…"
    else:
        text = text[:EXCERPT_CONTEXT] + "…" + text[-EXCERPT_CONTEXT:]
    return ["equal", text, text]


def _excerpt(para: ParagraphDiff) -> dict[str, Any]:
    segments = para.segments[:80]
    return {"op": para.op, "old": para.old[:EXCERPT_CHARS], "new": para.new[:EXCERPT_CHARS],
            "segments": [_trim(s, i == 0, i == len(segments) - 1)
                         for i, s in enumerate(segments)]}


def _counts_when_added(key: str, value: Any) -> bool:
    # In simplified script: a traditional page says 已廢止.
    return key == "abolished" or (key == "status"
                                  and bool(NOT_IN_FORCE.search(display_form(str(value)))))


def compared_metadata(new: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The new metadata as it counts against the old.

    A value that changed counts. A field the page shows now and did not before (a redesign that
    prints 发布时间, an extractor that learnt a label) does not, nor one it no longer shows (a
    table read only in part): neither is the publisher editing the document — except a status
    that appears saying the document lost force, and a 废止日期 that appears, which are the news.
    """
    out = {k: v for k, v in old.items() if v is not None}
    for key, value in new.items():
        if value is None or (key not in out and not _counts_when_added(key, value)):
            continue
        out[key] = value
    return out


def _same(a: Any, b: Any) -> bool:
    return fold(None if a is None else str(a)) == fold(None if b is None else str(b))


def _marks(title: str | None) -> list[str]:
    # In simplified script, as STATUS_MARK is written: 【已廢止】 is the same mark.
    return sorted(fold(m.group(0)) for m in STATUS_MARK.finditer(display_form(title or "")))


def _title_changes(old: str | None, new: str | None,
                   fields: dict[str, dict[str, Any]], status: dict[str, dict[str, Any]]) -> None:
    if _same(old, new):
        return
    change = {"old": old, "new": new}
    if _marks(old) != _marks(new):
        status.setdefault("title", change)
    bare_old = STATUS_MARK.sub("", display_form(old or ""))
    bare_new = STATUS_MARK.sub("", display_form(new or ""))
    if not _same(bare_old, bare_new):
        fields.setdefault("title", change)


def _identity(attachment: Mapping[str, Any]) -> str:
    return str(attachment.get("sha256") or file_url(str(attachment.get("url") or "")))


def _label(attachment: Mapping[str, Any]) -> str:
    return str(attachment.get("name") or attachment.get("url"))


def _match(item: Mapping[str, Any], pool: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The old attachment a new one is: same bytes, else same URL, else same name."""
    # URLs compared as the fingerprint compares them: canonical (a version stored before
    # attachment URLs were canonical holds the link with its cache-busting token).
    sha, name = item.get("sha256"), fold(str(item.get("name") or ""))
    url = file_url(str(item.get("url") or ""))
    tests = ((lambda c: bool(sha) and c.get("sha256") == sha),
             (lambda c: bool(url) and file_url(str(c.get("url") or "")) == url),
             (lambda c: bool(name) and fold(str(c.get("name") or "")) == name))
    for test in tests:
        for candidate in pool:
            if test(candidate):
                pool.remove(candidate)
                return candidate
    return None


def _attachments(old: Sequence[Mapping[str, Any]],
                 new: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Added, removed and changed attachments. Matched by content hash first (a renamed download
    path is the same file), then by URL, then by name; "changed" needs both hashes known (a hash
    learnt after a failed download is not a change). A file linked twice counts once."""
    pool = list({_identity(a): a for a in old}.values())
    added: list[str] = []
    changed: list[str] = []
    for item in {_identity(a): a for a in new}.values():
        match = _match(item, pool)
        if match is None:
            added.append(_label(item))
        elif item.get("sha256") and match.get("sha256") and \
                match.get("sha256") != item.get("sha256"):
            changed.append(_label(item))
    return {"added": added, "removed": [_label(a) for a in pool], "changed": changed}


def compare(old: Snapshot, new: Snapshot) -> ChangeSet:
    fields: dict[str, dict[str, Any]] = {}
    status: dict[str, dict[str, Any]] = {}
    counted = compared_metadata(new.metadata, old.metadata)
    for key in sorted(set(counted) - {"title"}):
        before, after = old.metadata.get(key), counted[key]
        if _same(before, after):
            continue
        (status if key in STATUS_KEYS else fields)[key] = {"old": before, "new": after}
    # The title as the metadata table gives it (信息名称), then as the page shows it.
    _title_changes(old.metadata.get("title"), counted.get("title"), fields, status)
    _title_changes(old.title, new.title, fields, status)
    text_changed = text_key(old.text) != text_key(new.text)
    diff = diff_texts(old.text, new.text) if text_changed else None
    return ChangeSet(fields, status, text_changed, _attachments(old.attachments, new.attachments),
                     diff)
