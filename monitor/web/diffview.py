"""A ``TextDiff`` (``monitor.diff``) arranged for the diff page: rows for side by side, blocks
for inline, numbers marked. Data only; ``templates/web/_partials/diff_*.html`` draw it.

Long runs of unchanged paragraphs are folded (``Fold``) around the edits so that a two-character
change in a forty-paragraph plan is found at a glance; the fold keeps its paragraphs, and the
page shows them in a ``<details>`` (no JavaScript needed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.diff import NUMBER, ParagraphDiff, TextDiff

CONTEXT = 1  # unchanged paragraphs kept visible on each side of an edit


@dataclass(frozen=True)
class Piece:
    text: str
    mark: str = ""       # "" | "del" | "ins"
    number: bool = False  # a number (with its unit) inside an edit: the headline of plans


@dataclass(frozen=True)
class Row:
    """One paragraph: its old and new forms, edits marked on each side."""

    op: str  # equal | insert | delete | replace
    old: tuple[Piece, ...]
    new: tuple[Piece, ...]
    inline: tuple[Piece, ...]


@dataclass(frozen=True)
class Fold:
    """Unchanged paragraphs folded away."""

    rows: tuple[Row, ...]
    op: str = "fold"


def _split_numbers(text: str, mark: str) -> list[Piece]:
    if not text:
        return []
    if not mark:
        return [Piece(text)]
    pieces: list[Piece] = []
    pos = 0
    for m in NUMBER.finditer(text):
        if m.start() > pos:
            pieces.append(Piece(text[pos:m.start()], mark))
        pieces.append(Piece(m.group(0), mark, number=True))
        pos = m.end()
    if pos < len(text):
        pieces.append(Piece(text[pos:], mark))
    return pieces


def row(paragraph: ParagraphDiff) -> Row:
    if paragraph.op == "equal":
        plain = (Piece(paragraph.new),)
        return Row("equal", plain, plain, plain)
    if paragraph.op == "insert":
        added = tuple(_split_numbers(paragraph.new, "ins"))
        return Row("insert", (), added, added)
    if paragraph.op == "delete":
        removed = tuple(_split_numbers(paragraph.old, "del"))
        return Row("delete", removed, (), removed)
    old: list[Piece] = []
    new: list[Piece] = []
    inline: list[Piece] = []
    for segment in paragraph.segments:
        if segment.op == "equal":
            old.append(Piece(segment.old))
            new.append(Piece(segment.new))
            inline.append(Piece(segment.new))
            continue
        gone = _split_numbers(segment.old, "del")
        came = _split_numbers(segment.new, "ins")
        old.extend(gone)
        new.extend(came)
        inline.extend(gone + came)
    return Row("replace", tuple(old), tuple(new), tuple(inline))


def rows(diff: TextDiff, context: int = CONTEXT) -> list[Row | Fold]:
    """Every paragraph as a row, with unchanged runs beyond ``context`` of an edit folded."""
    all_rows = [row(p) for p in diff.paragraphs]
    near = {j for i, p in enumerate(diff.paragraphs) if p.op != "equal"
            for j in range(i - context, i + context + 1)}
    out: list[Row | Fold] = []
    pending: list[Row] = []
    for i, r in enumerate(all_rows):
        if r.op == "equal" and i not in near:
            pending.append(r)
            continue
        if pending:
            out.append(Fold(tuple(pending)))
            pending = []
        out.append(r)
    if pending:
        out.append(Fold(tuple(pending)))
    return out


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any

    @property
    def changed(self) -> bool:
        return bool(self.old != self.new)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any],
                  order: Sequence[str] = ()) -> list[FieldChange]:
    """Metadata keys of either version, known keys in ``order`` first, changed or not."""
    keys = [k for k in order if k in old or k in new]
    keys += sorted(k for k in {*old, *new} if k not in keys)
    return [FieldChange(k, old.get(k), new.get(k)) for k in keys]


@dataclass(frozen=True)
class AttachmentChange:
    name: str | None
    url: str | None
    change: str   # added | removed | changed | same


def attachment_changes(old: Sequence[Mapping[str, Any]],
                       new: Sequence[Mapping[str, Any]]) -> list[AttachmentChange]:
    before = {a.get("url"): a for a in old}
    after = {a.get("url"): a for a in new}
    out = []
    for url, a in after.items():
        if url not in before:
            out.append(AttachmentChange(a.get("name"), url, "added"))
        elif (before[url].get("sha256") != a.get("sha256")
              or before[url].get("name") != a.get("name")):
            out.append(AttachmentChange(a.get("name"), url, "changed"))
        else:
            out.append(AttachmentChange(a.get("name"), url, "same"))
    out.extend(AttachmentChange(a.get("name"), url, "removed")
               for url, a in before.items() if url not in after)
    return out
