"""What changed between two versions of a document, in the terms events use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.extraction.text import normalize
from monitor.diff import TextDiff, diff_texts
from monitor.fingerprint import attachment_key

STATUS_KEYS = ("status", "abolished")  # 效力状况 and 废止日期: a `status` event, not `changed`
EXCERPT_PARAGRAPHS = 3
EXCERPT_CHARS = 600


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
    status_fields: dict[str, dict[str, Any]]   # status / abolished
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

    def summary(self) -> dict[str, Any]:
        """What digests and the web page show without recomputing the diff."""
        out: dict[str, Any] = {"text_changed": self.text_changed}
        if self.diff is not None:
            out["numbers"] = [{"context": n.context, "before": n.before, "after": n.after}
                              for n in self.diff.numbers[:10]]
            excerpt = []
            for para in self.diff.changes()[:EXCERPT_PARAGRAPHS]:
                excerpt.append({
                    "op": para.op,
                    "old": para.old[:EXCERPT_CHARS], "new": para.new[:EXCERPT_CHARS],
                    "segments": [[s.op, s.old, s.new] for s in para.segments][:80],
                })
            out["excerpt"] = excerpt
            out["changed_paragraphs"] = len(self.diff.changes())
        if any(self.attachments.values()):
            out["attachments"] = self.attachments
        return out


def _same(a: Any, b: Any) -> bool:
    return normalize(str(a)) == normalize(str(b)) if a is not None and b is not None else a == b


def compare(old: Snapshot, new: Snapshot) -> ChangeSet:
    fields: dict[str, dict[str, Any]] = {}
    status: dict[str, dict[str, Any]] = {}
    keys = sorted(set(old.metadata) | set(new.metadata))
    for key in keys:
        before, after = old.metadata.get(key), new.metadata.get(key)
        if _same(before, after):
            continue
        (status if key in STATUS_KEYS else fields)[key] = {"old": before, "new": after}
    if not _same(old.title, new.title) and "title" not in fields:
        fields["title"] = {"old": old.title, "new": new.title}
    text_changed = normalize(old.text) != normalize(new.text)
    diff = diff_texts(old.text, new.text) if text_changed else None
    old_att = {a.get("url"): a for a in old.attachments}
    new_att = {a.get("url"): a for a in new.attachments}
    attachments = {
        "added": [str(new_att[u].get("name")) for u in new_att if u not in old_att],
        "removed": [str(old_att[u].get("name")) for u in old_att if u not in new_att],
        "changed": [str(new_att[u].get("name")) for u in new_att if u in old_att
                    and attachment_key(new_att[u]) != attachment_key(old_att[u])],
    }
    return ChangeSet(fields, status, text_changed, attachments, diff)
