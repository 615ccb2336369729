"""Chinese-aware diff: paragraphs aligned first, then changed paragraphs diffed token by token.

Chinese has no spaces, so a line diff marks whole paragraphs and a word diff has no words. Tokens
here are single characters, except numbers (with their decimals, % and units), which stay whole:
``7%`` → ``6.5%`` is one replacement, and it becomes the headline ("地区生产总值增长 7% → 6.5%"),
since for a plan a changed target is the news.

rapidfuzz's ``Levenshtein.opcodes`` gives difflib-compatible opcodes without difflib's autojunk
(which garbles long Chinese texts) and without ``Indel.opcodes``' full matrix. Paragraphs are
compared in normalised form (``crawler.extraction.text.normalize``) so that a script switch or
re-spacing is "equal"; what is shown is the simplified-script text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from crawler.extraction.text import normalize, paragraphs, remove_debris, to_simplified

NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:\s*(?:%|％|‰|个百分点|百分点|万亿|亿|万|千|倍))?")
_CONTEXT_STOP = re.compile(r"[，,。；;：:！!？?、\n（）()“”\"]")
PAIR_THRESHOLD = 50.0  # % similarity for two paragraphs in a replaced block to be "the same one"


@dataclass(frozen=True)
class Segment:
    op: str  # equal | insert | delete | replace
    old: str
    new: str


@dataclass(frozen=True)
class NumberChange:
    context: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.context} {self.before} → {self.after}".strip()


@dataclass(frozen=True)
class ParagraphDiff:
    op: str  # equal | insert | delete | replace
    old: str
    new: str
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class TextDiff:
    paragraphs: tuple[ParagraphDiff, ...]
    similarity: float  # 0..1 over the normalised texts
    numbers: tuple[NumberChange, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return any(p.op != "equal" for p in self.paragraphs)

    def changes(self) -> list[ParagraphDiff]:
        return [p for p in self.paragraphs if p.op != "equal"]


def display_form(text: str) -> str:
    return to_simplified(remove_debris(text))


def tokens(text: str) -> list[str]:
    """Characters, except that each number (with unit) is one token."""
    out: list[str] = []
    pos = 0
    for m in NUMBER.finditer(text):
        out.extend(text[pos:m.start()])
        out.append(m.group(0))
        pos = m.end()
    out.extend(text[pos:])
    return out


def _context(before: Sequence[str]) -> str:
    """The few characters before a changed number that say what it measures."""
    text = "".join(before)[-16:]
    parts = _CONTEXT_STOP.split(text)
    return parts[-1].strip() if parts else ""


def diff_paragraph(old: str, new: str) -> tuple[tuple[Segment, ...], list[NumberChange]]:
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []
    numbers: list[NumberChange] = []
    for op in Levenshtein.opcodes(a, b):
        old_part = "".join(a[op.src_start:op.src_end])
        new_part = "".join(b[op.dest_start:op.dest_end])
        segments.append(Segment(op.tag, old_part, new_part))
        if op.tag == "replace":
            olds = [t for t in a[op.src_start:op.src_end] if NUMBER.fullmatch(t)]
            news = [t for t in b[op.dest_start:op.dest_end] if NUMBER.fullmatch(t)]
            for before, after in zip(olds, news, strict=False):
                if before != after:
                    numbers.append(NumberChange(_context(b[:op.dest_start]), before, after))
    return _merge(segments), numbers


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Join neighbouring edits, and swallow one-character equal runs between edits, so that a
    rewritten phrase reads as one replacement rather than confetti."""
    merged: list[Segment] = []
    for seg in segments:
        if merged and seg.op != "equal" and merged[-1].op != "equal":
            prev = merged.pop()
            merged.append(Segment("replace", prev.old + seg.old, prev.new + seg.new))
        elif (len(merged) >= 2 and seg.op != "equal" and merged[-1].op == "equal"
              and len(merged[-1].old) == 1 and merged[-2].op != "equal"):
            glue = merged.pop()
            prev = merged.pop()
            merged.append(Segment("replace", prev.old + glue.old + seg.old,
                                  prev.new + glue.new + seg.new))
        else:
            merged.append(seg)
    return tuple(Segment("replace" if s.op != "equal" and s.old and s.new else s.op, s.old, s.new)
                 for s in merged)


def _pair_block(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Pair paragraphs of a replaced block in order, each with its most similar partner."""
    pairs: list[tuple[int | None, int | None]] = []
    j = 0
    for i, paragraph in enumerate(old):
        best, best_score = None, PAIR_THRESHOLD
        for k in range(j, len(new)):
            score = fuzz.ratio(normalize(paragraph), normalize(new[k]))
            if score >= best_score:
                best, best_score = k, score
        if best is None:
            pairs.append((i, None))
            continue
        pairs.extend((None, k) for k in range(j, best))
        pairs.append((i, best))
        j = best + 1
    pairs.extend((None, k) for k in range(j, len(new)))
    return pairs


def diff_texts(old_text: str, new_text: str) -> TextDiff:
    old_paras = [display_form(p) for p in paragraphs(old_text)]
    new_paras = [display_form(p) for p in paragraphs(new_text)]
    old_keys = [normalize(p) for p in old_paras]
    new_keys = [normalize(p) for p in new_paras]
    result: list[ParagraphDiff] = []
    numbers: list[NumberChange] = []
    for op in Levenshtein.opcodes(old_keys, new_keys):
        old_block = old_paras[op.src_start:op.src_end]
        new_block = new_paras[op.dest_start:op.dest_end]
        if op.tag == "equal":
            result.extend(ParagraphDiff("equal", o, n) for o, n in zip(old_block, new_block,
                                                                        strict=True))
        elif op.tag == "delete":
            result.extend(ParagraphDiff("delete", o, "") for o in old_block)
        elif op.tag == "insert":
            result.extend(ParagraphDiff("insert", "", n) for n in new_block)
        else:
            for i, k in _pair_block(old_block, new_block):
                if i is not None and k is not None:
                    segments, found = diff_paragraph(old_block[i], new_block[k])
                    result.append(ParagraphDiff("replace", old_block[i], new_block[k], segments))
                    numbers.extend(found)
                elif i is not None:
                    result.append(ParagraphDiff("delete", old_block[i], ""))
                elif k is not None:
                    result.append(ParagraphDiff("insert", "", new_block[k]))
    similarity = fuzz.ratio("".join(old_keys), "".join(new_keys)) / 100.0
    return TextDiff(tuple(result), round(similarity, 4), tuple(numbers))


def render_text(diff: TextDiff, *, context: int = 0) -> str:
    """Plain-text rendering: ``[-removed-]{+added+}`` inside changed paragraphs, ``- ``/``+ ``
    for whole paragraphs; ``context`` unchanged paragraphs are kept around each change."""
    lines: list[str] = []
    keep = {i for i, p in enumerate(diff.paragraphs) if p.op != "equal"}
    keep = {j for i in keep for j in range(i - context, i + context + 1)}
    for i, para in enumerate(diff.paragraphs):
        if i not in keep:
            continue
        if para.op == "equal":
            lines.append("  " + para.new)
        elif para.op == "delete":
            lines.append("- " + para.old)
        elif para.op == "insert":
            lines.append("+ " + para.new)
        else:
            parts = []
            for seg in para.segments:
                if seg.op == "equal":
                    parts.append(seg.new)
                else:
                    if seg.old:
                        parts.append(f"[-{seg.old}-]")
                    if seg.new:
                        parts.append(f"{{+{seg.new}+}}")
            lines.append("~ " + "".join(parts))
    return "\n".join(lines)
