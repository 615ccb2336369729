"""Renderings of a ``TextDiff``: side by side (web), inline HTML (mail) and text.

The markup lives in ``templates/_diff.html`` (macros ``inline``, ``numbers``, ``side_by_side``) so
that the mail digests and the archive browser import the same macros; this module builds the
side-by-side rows and offers one-call renderings for code that has no template of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from monitor.diff import ParagraphDiff, TextDiff, render_text
from monitor.templating import environment

__all__ = ["Piece", "SideRow", "render_inline_html", "render_side_by_side_html", "render_text",
           "side_by_side"]


@dataclass(frozen=True)
class Piece:
    text: str
    mark: str = ""  # "" (unchanged) | "del" | "ins"


@dataclass(frozen=True)
class SideRow:
    """One row of the side-by-side table: a paragraph on each side, or a run of ``skipped``
    unchanged paragraphs folded away (``op == "skip"``)."""

    op: str  # equal | replace | insert | delete | skip
    left: tuple[Piece, ...] = ()
    right: tuple[Piece, ...] = ()
    skipped: int = 0


def _row(para: ParagraphDiff) -> SideRow:
    if para.op == "equal":
        return SideRow("equal", (Piece(para.old),), (Piece(para.new),))
    if para.op == "insert":
        return SideRow("insert", (), (Piece(para.new, "ins"),))
    if para.op == "delete":
        return SideRow("delete", (Piece(para.old, "del"),), ())
    left: list[Piece] = []
    right: list[Piece] = []
    for seg in para.segments:
        if seg.op == "equal":
            left.append(Piece(seg.old))
            right.append(Piece(seg.new))
            continue
        if seg.old:
            left.append(Piece(seg.old, "del"))
        if seg.new:
            right.append(Piece(seg.new, "ins"))
    return SideRow("replace", tuple(left), tuple(right))


def side_by_side(diff: TextDiff, *, context: int | None = 1) -> list[SideRow]:
    """Rows for the side-by-side view; unchanged paragraphs further than ``context`` from a
    change fold into ``skip`` rows (``context=None`` keeps them all)."""
    paragraphs = diff.paragraphs
    if context is None:
        return [_row(p) for p in paragraphs]
    changed = [i for i, p in enumerate(paragraphs) if p.op != "equal"]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    rows: list[SideRow] = []
    skipped = 0
    for i, para in enumerate(paragraphs):
        if i in keep:
            if skipped:
                rows.append(SideRow("skip", skipped=skipped))
                skipped = 0
            rows.append(_row(para))
        else:
            skipped += 1
    if skipped:
        rows.append(SideRow("skip", skipped=skipped))
    return rows


def _macro(call: str, **context: object) -> Markup:
    template = environment().from_string('{% import "_diff.html" as diff %}' + call)
    return Markup(template.render(**context).strip())


def render_inline_html(diff: TextDiff, *, keep: int = 30) -> Markup:
    """Changed paragraphs with edits marked, inline styles only (for mail)."""
    return _macro("{{ diff.numbers(numbers) }}{{ diff.inline(paragraphs, keep) }}",
                  numbers=list(diff.numbers), paragraphs=list(diff.paragraphs), keep=keep)


def render_side_by_side_html(diff: TextDiff, *, context: int | None = 1) -> Markup:
    """The side-by-side table (for the web)."""
    return _macro("{{ diff.side_by_side(rows) }}", rows=side_by_side(diff, context=context))
