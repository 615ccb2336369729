"""Diff speed and memory on long documents with scattered edits (``python -m benchmarks.diff``).

Pairs of 10,000 and 50,000 characters are built from the seed documents (real portal text, in
simplified script), and the new side gets one edit about every 1,000 characters: a changed
character, a phrase inserted or deleted, a changed number, a new or removed paragraph. Each pair
is diffed by

- govwatch ``monitor.diff.diff_texts`` (paragraphs, then tokens; the target is < 20 ms at 50,000);
- rapidfuzz ``Levenshtein.opcodes`` over the whole text by character (the alignment alone);
- difflib ``SequenceMatcher`` by character, with its default autojunk (fast on long text, but
  frequent characters such as 的 and 发 become "junk" and never match);
- difflib by line, then by character inside replaced lines (difflib's best effort at what
  govwatch does).

Times are CPU time (``time.process_time``), fastest and median of several runs: the target is
judged on the fastest, as the machine's other work only ever adds to it. Peak memory is Python's
(tracemalloc); rapidfuzz allocates in C++, which tracemalloc does not see,
so its figure is a lower bound (its Hirschberg alignment stays around 1 MB). Figures are printed,
never asserted.
"""

from __future__ import annotations

import difflib
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from monitor.diff import diff_texts
from monitor.folding import display_form

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "samples"
SIZES = (10_000, 50_000)
EDIT_EVERY = 1_000
TARGET_MS = 20.0
_PHRASES = ("进一步", "全面", "加快推进", "完善", "示范城市", "重点")


def corpus() -> list[str]:
    """Paragraphs of every seed document, in display form."""
    paragraphs: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = display_form(path.read_text(encoding="utf-8"))
        paragraphs.extend(p.strip() for p in text.split("\n") if len(p.strip()) > 20)
    return paragraphs


def document(size: int) -> str:
    paragraphs = corpus()
    out: list[str] = []
    total, i = 0, 0
    while total < size:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        total += len(paragraph) + 1
        i += 1
    return "\n".join(out)[:size]


def edited(text: str, seed: int = 7) -> tuple[str, int]:
    """The text with one edit about every ``EDIT_EVERY`` characters; returns (text, edits)."""
    rng = random.Random(seed)
    chars = list(text)
    edits = 0
    position = len(chars) - rng.randrange(EDIT_EVERY // 2, EDIT_EVERY)
    while position > 0:
        kind = rng.choice(("char", "insert", "delete", "number", "paragraph"))
        if kind == "char" and chars[position] != "\n":
            chars[position] = "调"
        elif kind == "insert":
            chars[position:position] = list(rng.choice(_PHRASES))
        elif kind == "delete":
            del chars[position:position + rng.randrange(2, 6)]
        elif kind == "number":
            chars[position:position] = list(f"{rng.randrange(2, 99)}%")
        else:
            chars[position:position] = list("\n新增一段关于专项资金使用管理的说明。\n")
        edits += 1
        position -= rng.randrange(EDIT_EVERY // 2, EDIT_EVERY * 3 // 2)
    return "".join(chars), edits


def _difflib_chars(a: str, b: str) -> object:
    return difflib.SequenceMatcher(None, a, b).get_opcodes()


def _difflib_two_level(a: str, b: str) -> object:
    old, new = a.split("\n"), b.split("\n")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag == "replace":
            out.append(difflib.SequenceMatcher(None, "\n".join(old[i1:i2]),
                                               "\n".join(new[j1:j2])).get_opcodes())
    return out


def _rapidfuzz_chars(a: str, b: str) -> object:
    return Levenshtein.opcodes(a, b)


def _govwatch(a: str, b: str) -> object:
    return diff_texts(a, b)


def measure(function: Callable[[str, str], object], a: str, b: str, *,
            repeat: int, warm: bool = True) -> tuple[float, float, float]:
    """(fastest CPU ms, median CPU ms, peak MiB allocated by Python). CPU time rather than
    wall-clock, so that other processes on the machine change the figures less."""
    if warm:
        function(a, b)  # warm caches (OpenCC, character keys)
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        function(a, b)
        times.append((time.process_time() - started) * 1000)
    gc.collect()
    tracemalloc.start()
    function(a, b)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), statistics.median(times), peak / 2**20


def main() -> None:
    # The character-level baselines take seconds at 50,000 characters: timed once, cold.
    methods: list[tuple[str, Callable[[str, str], object], int]] = [
        ("govwatch diff_texts", _govwatch, 21),
        ("rapidfuzz Levenshtein.opcodes, chars", _rapidfuzz_chars, 1),
        ("difflib SequenceMatcher, chars", _difflib_chars, 1),
        ("difflib lines, then chars", _difflib_two_level, 9),
    ]
    for size in SIZES:
        old = document(size)
        new, edits = edited(old)
        result = diff_texts(old, new)
        print(f"\n{size:,} characters, {edits} scattered edits "
              f"({len(result.changes())} changed paragraphs, similarity {result.similarity:.4f},"
              f" {len(result.numbers)} number changes)")
        print(f"  {'':<40} {'fastest':>10} {'median':>10}   peak (Python)")
        for name, function, repeat in methods:
            fastest, median, mib = measure(function, old, new, repeat=repeat, warm=repeat > 1)
            flag = ""
            if function is _govwatch:
                flag = "  ok" if fastest < TARGET_MS else f"  over the {TARGET_MS:.0f} ms target"
            print(f"  {name:<40} {fastest:7.2f} ms {median:7.2f} ms   {mib:7.2f} MiB{flag}")


if __name__ == "__main__":
    main()
