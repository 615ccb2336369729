"""Chinese-aware diff: paragraphs aligned first, then changed paragraphs diffed token by token.

Chinese has no spaces, so a line diff marks whole paragraphs and a word diff has no words. Tokens
here are single characters, except numbers with their unit or counter (``7%``, ``6.5%``, ``24所``,
``13.5万人``, ``8%—8.5%``, ``0.5个百分点``) and Latin words, which stay whole: ``7%`` → ``6.5%`` is
one replacement, and it becomes the headline ("地区生产总值增长 7% → 6.5%"), since for a plan a
changed target is the news.

Everything is compared in the comparison form of ``monitor.folding`` — the same form the
fingerprint hashes — so a script switch, re-spacing, ``、`` for ``,`` or a re-flowed paragraph is
"equal" here exactly when it made no new version. What is shown is the simplified display form.

rapidfuzz's ``Levenshtein.opcodes`` gives difflib-compatible opcodes without difflib's autojunk
(which garbles long Chinese texts: frequent characters are "junk" and never match), and with
Hirschberg's algorithm underneath, in bounded memory — ``Indel.opcodes`` keeps the whole matrix
(~300 MB for two 50,000-character texts).

Two levels keep it fast on long documents: paragraphs equal as displayed are matched first, and
only the blocks in between are folded and diffed (``benchmarks/diff.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein, Opcode

from monitor.folding import compared_lines, fold_display, line_key

_NUM = r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"
_SCALE = r"(?:万亿|亿|万|千)"
# Units and counters a number carries: "24所" → "30所" is one change, not "24" → "30" plus "所".
_UNIT = (r"(?:%|％|‰|个百分点|百分点|倍|亿美元|万美元|美元|亿元|万元|元|平方公里|平方米|公里|"
         r"千米|米|公顷|亩|万吨|吨|千瓦|兆瓦|万人次|人次|万人|人|名|个|所|家|项|件|条|座|台|套|户|"
         r"辆|艘|架|处|批|次|场|届|张|间|栋|幢|床|篇|部|册|本|块|片|位|岁|天|年|月|日|小时|分钟)")
# White space inside a number token, never a tab: a table row's cells are separate tokens.
_SP = r"[^\S\t]*"
_ONE = rf"{_NUM}{_SP}{_SCALE}?{_SP}{_UNIT}?"
# Chinese numerals count only with a counter after them ("九个方面" → "十个方面"): alone they are
# words (十四五, 一体化).
_HAN = rf"[〇零一二两三四五六七八九十百千万亿]+{_UNIT}"
# Ranges stay one token too: "8%—8.5%", "8-8.5%", "5～10个".
NUMBER = re.compile(rf"{_ONE}(?:{_SP}[—–\-~～至到]{_SP}{_ONE})?|{_HAN}")
# A tab is a token of its own: it separates a table row's cells, and the key keeps it, so that a
# value moved to another column shows as the cell boundary moving.
_SPECIAL = re.compile(rf"({NUMBER.pattern}|[A-Za-z]+|\t|[^\S\t]+)")
_CONTEXT_STOP = re.compile(r"[，,。；;：:！!？?\n（）()“”\"《》]")
_CONTEXT_CHARS = 20
PAIR_THRESHOLD = 50.0  # % similarity for two paragraphs in a replaced block to be "the same one"
UNIT_THRESHOLD = 60.0  # % similarity for a small replaced block to be diffed as one run of text
UNIT_MAX_CHARS = 4000  # ... and how large such a block may be
PAIR_WINDOW = 30       # paragraphs looked ahead when pairing a large replaced block


class Segment(NamedTuple):
    """A run of a changed paragraph. A tuple so that templates can unpack it like the
    ``[op, old, new]`` lists stored in event summaries."""

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
    numbers: tuple[NumberChange, ...] = ()


@dataclass(frozen=True)
class TextDiff:
    paragraphs: tuple[ParagraphDiff, ...]
    similarity: float  # 0..1: 2 × matched / (old + new), in folded characters
    numbers: tuple[NumberChange, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return any(p.op != "equal" for p in self.paragraphs)

    def changes(self) -> list[ParagraphDiff]:
        return [p for p in self.paragraphs if p.op != "equal"]

    def edits(self) -> list[Segment]:
        """Every change as (op, old, new), whole paragraphs included: what golden tables list."""
        out: list[Segment] = []
        for para in self.changes():
            if para.op == "replace":
                out.extend(s for s in para.segments if s.op != "equal")
            else:
                out.append(Segment(para.op, para.old, para.new))
        return out


# ----------------------------------------------------------------------------------- tokens

_char_keys: dict[str, str] = {}


def _char_key(char: str) -> str:
    key = _char_keys.get(char)
    if key is None:
        key = _char_keys[char] = fold_display(char)
    return key


@lru_cache(maxsize=4096)
def _special_key(token: str) -> str:
    return fold_display(token)


def tokens(text: str) -> tuple[list[str], list[str]]:
    """Display tokens and their comparison keys. Characters, except that a number with its unit
    and a Latin word are one token each, and a tab between table cells is one (its key is the
    tab); other white space and keyless characters ride on the token after them (they are
    shown, never compared)."""
    parts = _SPECIAL.split(text)
    plain = parts[0::2]
    # One fold for all the plain runs of the paragraph (NUL survives folding and separates them).
    folded = fold_display("\0".join(plain)).split("\0")
    if len(folded) != len(plain):
        folded = [fold_display(part) for part in plain]
    shown: list[str] = []
    keys: list[str] = []
    pending = ""
    for i, part in enumerate(parts):
        if not part:
            continue
        if i % 2:
            key = _special_key(part)
            if not key:
                pending += part
                continue
            shown.append(pending + part)
            keys.append(key)
            pending = ""
            continue
        chars = list(part)
        key_run = folded[i // 2]
        # Folding maps one character to one character for all but rare compatibility forms
        # (①, ㎡) and zero-width characters; then the keys are the folded run's characters.
        part_keys = list(key_run) if len(key_run) == len(chars) \
            else [_char_key(c) for c in chars]
        if pending or "" in part_keys:
            for char, key in zip(chars, part_keys, strict=True):
                if not key:
                    pending += char
                    continue
                shown.append(pending + char)
                keys.append(key)
                pending = ""
        else:
            shown.extend(chars)
            keys.extend(part_keys)
    if pending:
        if shown:
            shown[-1] += pending
        else:
            shown.append(pending)
            keys.append("")
    return shown, keys


def _is_number(key: str) -> bool:
    return key[:1].isnumeric() and NUMBER.fullmatch(key) is not None  # "7%", "九个"; not "四"


def _context(shown: Sequence[str], end: int, before: str = "") -> str:
    """The few characters before a changed number that say what it measures; in a table row,
    the row's label. ``before``: the paragraph's text ahead of ``shown``."""
    text = "".join(shown[max(0, end - _CONTEXT_CHARS):end])
    if "\t" in text or "\t" in before:
        label = _row_label((before + "".join(shown[:end])).rsplit("\n", 1)[-1])
        if label:
            return label
    context = _CONTEXT_STOP.split(text)[-1].strip()
    if not context:
        # A figure right after its label's colon (政府网站总访问量：1234567次): the label says
        # what it measures (the paragraph's unchanged head, just ahead of ``shown``, may hold it).
        ahead = ((before[-_CONTEXT_CHARS:] if end <= _CONTEXT_CHARS else "") + text).rstrip()
        if ahead.endswith((":", "：")):
            context = _CONTEXT_STOP.split(ahead[:-1])[-1].strip()
    return context


def _row_label(row: str) -> str:
    """The first cell with words among those before the last one (the changed number's) of a
    table row: ``专项资金（万元）`` in ``专项资金（万元）|120|0``, not a 序号 or another figure,
    which the few characters before the number would give."""
    for cell in row.split("\t")[:-1]:
        cell = cell.strip()
        if any(char.isalpha() for char in cell):
            return cell[:_CONTEXT_CHARS]
    return ""


# ------------------------------------------------------------------------------- paragraph

def _merged(ops: Iterable[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Join edits that touch into one replacement, and swallow a one-token equal run between
    two substitutions, so that a rewritten phrase reads as one change rather than confetti; a
    pure insertion or deletion next to a substitution stays its own change (the added 市 in
    ``培育市市级产业园区`` must stay visible)."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        tag, _, i2, _, j2 = op
        if out and tag != "equal" and out[-1][0] != "equal":
            _, a1, _, b1, _ = out.pop()
            out.append(("replace", a1, i2, b1, j2))
        elif (len(out) >= 2 and tag == "replace" and out[-1][0] == "equal"
              and out[-1][2] - out[-1][1] == 1 and out[-2][0] == "replace"):
            out.pop()
            _, a1, _, b1, _ = out.pop()
            out.append(("replace", a1, i2, b1, j2))
        else:
            out.append(op)
    return [(("replace" if i2 > i1 and j2 > j1 else tag) if tag != "equal" else tag,
             i1, i2, j1, j2) for tag, i1, i2, j1, j2 in out]


@dataclass(frozen=True)
class _Run:
    segments: tuple[Segment, ...]
    numbers: tuple[NumberChange, ...]
    matched: int  # folded characters in equal runs
    old_chars: int
    new_chars: int


_CLAUSE_END = frozenset("，。；：、！？；\n")


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search over C-level slice comparisons
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _clause_end(text: str, at: int) -> bool:
    """Is ``text[at]`` punctuation that ends a clause and belongs to no token? Full-width marks
    never do; an ASCII comma or semicolon does unless it sits between digits (1,200)."""
    char = text[at]
    if char in _CLAUSE_END:
        return True
    if char in ",;":
        return not (text[at - 1:at].isdigit() and text[at + 1:at + 2].isdigit())
    return False


def _trim(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common head and tail of two paragraphs, cut back to clause ends, so that
    only the changed clauses are tokenized: a one-character edit in a 2,000-character paragraph
    costs one clause."""
    head = _common_prefix(old, new)
    while head and not _clause_end(old, head - 1):
        head -= 1
    limit = min(len(old), len(new)) - head
    tail = _common_suffix(old, new, limit)
    while tail and not _clause_end(old, len(old) - tail - 1):
        tail -= 1
    return head, tail


def _diff_run(old: str, new: str, old_key: str | None = None,
              new_key: str | None = None) -> _Run:
    """Token diff of two paragraphs; their folded keys, when the caller has them, spare folding
    the unchanged head and tail again (they only count towards the similarity)."""
    head, tail = _trim(old, new)
    a, ka = tokens(old[head:len(old) - tail])
    b, kb = tokens(new[head:len(new) - tail])
    segments: list[Segment] = []
    numbers: list[NumberChange] = []
    matched = 0
    raw = ((op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
           for op in Levenshtein.opcodes(ka, kb))
    for tag, i1, i2, j1, j2 in _merged(raw):
        segments.append(Segment(tag, "".join(a[i1:i2]), "".join(b[j1:j2])))
        if tag == "equal":
            matched += len("".join(kb[j1:j2]))
        elif tag == "replace":
            olds = [i for i in range(i1, i2) if _is_number(ka[i])]
            news = [j for j in range(j1, j2) if _is_number(kb[j])]
            if len(olds) == len(news):
                for i, j in zip(olds, news, strict=True):
                    if ka[i] != kb[j]:
                        numbers.append(NumberChange(_context(b, j, new[:head]), a[i].strip(),
                                                    b[j].strip()))
    old_chars, new_chars = len("".join(ka)), len("".join(kb))
    if old_key is not None and new_key is not None:
        same = max(0, (len(old_key) - old_chars + len(new_key) - new_chars) // 2)
    else:
        same = len(fold_display(old[:head])) + len(fold_display(old[len(old) - tail:]))
    if head:
        segments.insert(0, Segment("equal", old[:head], new[:head]))
    if tail:
        segments.append(Segment("equal", old[len(old) - tail:], new[len(new) - tail:]))
    return _Run(tuple(_joined(segments)), tuple(numbers), matched + same, old_chars + same,
                new_chars + same)


def _joined(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if out and seg.op == "equal" and out[-1].op == "equal":
            prev = out.pop()
            out.append(Segment("equal", prev.old + seg.old, prev.new + seg.new))
        elif seg.op != "equal" or seg.old or seg.new:
            out.append(seg)
    return out


def diff_paragraph(old: str, new: str) -> tuple[tuple[Segment, ...], list[NumberChange]]:
    """Two versions of one paragraph (display form), token by token."""
    run = _diff_run(old, new)
    return run.segments, list(run.numbers)


# ---------------------------------------------------------------------------------- texts

class _Builder:
    def __init__(self) -> None:
        self.paragraphs: list[ParagraphDiff] = []
        self.numbers: list[NumberChange] = []
        self.matched = 0
        self.total = 0

    def equal(self, old: str, new: str, key: str) -> None:
        self.paragraphs.append(ParagraphDiff("equal", old, new))
        self.matched += 2 * len(key)
        self.total += 2 * len(key)

    def delete(self, old: str, key: str) -> None:
        self.paragraphs.append(ParagraphDiff("delete", old, ""))
        self.total += len(key)

    def insert(self, new: str, key: str) -> None:
        self.paragraphs.append(ParagraphDiff("insert", "", new))
        self.total += len(key)

    def replace(self, old: str, new: str, old_key: str, new_key: str) -> None:
        run = _diff_run(old, new, old_key, new_key)
        if all(s.op == "equal" for s in run.segments):
            self.paragraphs.append(ParagraphDiff("equal", old, new))
        else:
            self.paragraphs.append(ParagraphDiff("replace", old, new, run.segments,
                                                 run.numbers))
        self.numbers.extend(run.numbers)
        self.matched += 2 * run.matched
        self.total += run.old_chars + run.new_chars


def _pairs(old_keys: Sequence[str], new_keys: Sequence[str]
           ) -> list[tuple[int | None, int | None]]:
    """Pair paragraphs of a replaced block in order, each with its most similar partner ahead
    (within ``PAIR_WINDOW``); the unpaired are insertions and deletions."""
    pairs: list[tuple[int | None, int | None]] = []
    j = 0
    for i, key in enumerate(old_keys):
        best, best_score = None, PAIR_THRESHOLD
        for k in range(j, min(len(new_keys), j + PAIR_WINDOW)):
            score = fuzz.ratio(key, new_keys[k], score_cutoff=best_score)
            if score >= best_score and score:
                best, best_score = k, score
        if best is None:
            pairs.append((i, None))
            continue
        pairs.extend((None, k) for k in range(j, best))
        pairs.append((i, best))
        j = best + 1
    pairs.extend((None, k) for k in range(j, len(new_keys)))
    return pairs


def _replaced(out: _Builder, old: list[str], new: list[str], old_keys: list[str],
              new_keys: list[str]) -> None:
    joined_old, joined_new = "".join(old_keys), "".join(new_keys)
    if joined_old == joined_new:
        # Re-flowed: the same text split into paragraphs differently.
        out.equal("\n".join(old), "\n".join(new), joined_old)
        return
    if len(old) == 1 and len(new) == 1:
        out.replace(old[0], new[0], joined_old, joined_new)
        return
    if (len(old) != len(new) and len(joined_old) + len(joined_new) <= UNIT_MAX_CHARS
            and fuzz.ratio(joined_old, joined_new) >= UNIT_THRESHOLD):
        # A paragraph split or joined *and* edited: one run of text, so the edit shows and the
        # moved half does not appear as deleted here and inserted there.
        out.replace("\n".join(old), "\n".join(new), joined_old, joined_new)
        return
    for i, k in _pairs(old_keys, new_keys):
        if i is not None and k is not None:
            out.replace(old[i], new[k], old_keys[i], new_keys[k])
        elif i is not None:
            out.delete(old[i], old_keys[i])
        elif k is not None:
            out.insert(new[k], new_keys[k])


def _block(out: _Builder, old: list[str], new: list[str]) -> None:
    """Paragraphs that differ as displayed: align them again by their folded keys. A line with
    nothing to compare (zero-width characters only) is not a paragraph, as in the fingerprint."""
    old_pairs = [(p, k) for p in old if (k := line_key(p))]
    new_pairs = [(p, k) for p in new if (k := line_key(p))]
    old, old_keys = [p for p, _ in old_pairs], [k for _, k in old_pairs]
    new, new_keys = [p for p, _ in new_pairs], [k for _, k in new_pairs]
    for tag, o, n in _grouped(Levenshtein.opcodes(old_keys, new_keys)):
        if tag == "equal":
            for a, b, key in zip(old[o], new[n], new_keys[n], strict=True):
                out.equal(a, b, key)
        elif tag == "delete":
            for a, key in zip(old[o], old_keys[o], strict=True):
                out.delete(a, key)
        elif tag == "insert":
            for b, key in zip(new[n], new_keys[n], strict=True):
                out.insert(b, key)
        else:
            _replaced(out, old[o], new[n], old_keys[o], new_keys[n])


def _grouped(opcodes: Iterable[Opcode]) -> list[tuple[str, slice, slice]]:
    """Opcodes with neighbouring edits joined: difflib-style opcodes may split a re-flowed
    paragraph into "insert" + "replace", and only together do they show it is the same text."""
    out: list[tuple[str, slice, slice]] = []
    for op in opcodes:
        o, n = slice(op.src_start, op.src_end), slice(op.dest_start, op.dest_end)
        if out and op.tag != "equal" and out[-1][0] != "equal":
            _, po, pn = out.pop()
            o, n = slice(po.start, o.stop), slice(pn.start, n.stop)
            tag = "replace" if o.stop > o.start and n.stop > n.start else op.tag
            out.append((tag, o, n))
        else:
            out.append((op.tag, o, n))
    return out


def diff_texts(old_text: str, new_text: str) -> TextDiff:
    old, new = compared_lines(old_text), compared_lines(new_text)
    out = _Builder()
    for tag, o, n in _grouped(Levenshtein.opcodes(old, new)):
        if tag == "equal":
            for a, b in zip(old[o], new[n], strict=True):
                # Equal as displayed, hence as folded: its displayed length is near enough for
                # the similarity figure, and folding every unchanged paragraph cost 40% of a
                # 50,000-character diff.
                out.equal(a, b, b)
        else:
            _block(out, old[o], new[n])
    similarity = out.matched / out.total if out.total else 1.0
    return TextDiff(tuple(out.paragraphs), round(similarity, 4), tuple(out.numbers))


# ------------------------------------------------------------------------------- rendering

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
