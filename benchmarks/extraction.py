"""Extraction speed: ``python -m benchmarks.extraction`` (also run by ``make bench``).

On realistic pages — the real portal pages of ../shared/real-pages when present, the hand-written
golden pages and the seed documents rendered in every golden markup and encoding — it prints:

- pages per second per core for govwatch's extraction (``extract()`` plus the fingerprint of its
  result, ``monitor.fingerprint``: the normalised comparison form of title, text and
  metadata), measured in CPU time of this one process;
- the same for bare ``trafilatura.extract`` (defaults) on the same bytes, and the ratio;
- where govwatch's time goes: trafilatura inside govwatch (run on the prepared region only), and
  govwatch's own work (decoding, parsing, metadata, region, title, attachments, tree preparation,
  cleaning, normalisation), as a share of bare trafilatura's time. The aim is own work under a
  quarter of trafilatura's time.

Figures, not assertions: tests never check wall-clock time.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import trafilatura

from crawler.extraction import body, page
from monitor import fingerprint


@dataclass(frozen=True)
class Sample:
    group: str
    name: str
    raw: bytes
    url: str
    content_type: str | None


def samples(*, every_rendering: bool = False) -> list[Sample]:
    """The benchmark corpus, from the test data: the real detail pages (when present), the
    hand-written golden pages, and each seed document in one markup served as UTF-8 and as GBK
    without a declaration (``every_rendering``: in every markup and encoding the tests use —
    five long documents then dominate the figures)."""
    from tests.crawler.extraction import golden, test_real_pages

    found = []
    folder = test_real_pages.REAL_PAGES
    for item in test_real_pages.manifest():
        if item["kind"] == "detail":
            found.append(Sample("real pages", item["file"], (folder / item["file"]).read_bytes(),
                                item.get("url") or f"http://real-pages.invalid/{item['file']}",
                                (item.get("http_headers") or {}).get("Content-Type")))
    for page_case in golden.page_cases():
        raw, content_type = page_case.serve()
        found.append(Sample("hand-written pages", page_case.id, raw, page_case.case["url"],
                            content_type))
    seen: set[tuple[str, str]] = set()
    for case in golden.seed_cases():
        key = (case.seed_id, case.encoding)
        if not every_rendering and (key in seen or case.encoding not in ("utf8",
                                                                         "gbk-undeclared")):
            continue
        seen.add(key)
        raw, content_type = golden.render_seed(case)
        found.append(Sample("seed documents", case.id, raw, case.seed["url"], content_type))
    return found


class Phases:
    """CPU time spent in named functions, by wrapping them where ``extract()`` looks them up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.process_time() - started
        return timed

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        targets = [(page, "decode_page"), (page, "parse_html"), (page, "find_region"),
                   (page, "extract_metadata"), (page, "choose_title"),
                   (page, "find_attachments"), (page, "extract_body"),
                   (body, "run_trafilatura"), (fingerprint, "fingerprint")]
        originals = [(module, name, getattr(module, name)) for module, name in targets]
        for module, name, function in originals:
            setattr(module, name, self.wrap(name, function))
        try:
            yield
        finally:
            for module, name, function in originals:
                setattr(module, name, function)


def govwatch(sample: Sample) -> None:
    x = page.extract(sample.raw, sample.url, content_type=sample.content_type)
    # What ingest does with it first: the fingerprint over the normalised content.
    fingerprint.fingerprint(x.title, x.text, x.metadata, [a.as_dict() for a in x.attachments])


def bare(sample: Sample) -> None:
    trafilatura.extract(sample.raw, url=sample.url)


def _best(function: Callable[[Sample], None], sample: Sample, rounds: int) -> float:
    """The least CPU time of ``rounds`` runs: other processes on the machine only ever add."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        function(sample)
        best = min(best, time.process_time() - started)
    return best


def _best_traced(sample: Sample, rounds: int) -> tuple[float, dict[str, float]]:
    """The least CPU time of ``rounds`` traced runs, and that run's time per phase."""
    best: tuple[float, dict[str, float]] = (float("inf"), {})
    for _ in range(rounds):
        phases = Phases()
        with phases.installed():
            started = time.process_time()
            govwatch(sample)
            elapsed = time.process_time() - started
        if elapsed < best[0]:
            best = (elapsed, dict(phases.seconds))
    return best


_PHASES = ("decode_page", "parse_html", "find_region", "extract_metadata", "choose_title",
           "find_attachments", "fingerprint")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extraction")
    parser.add_argument("--rounds", type=int, default=5,
                        help="runs of each page; the fastest counts (default 5)")
    parser.add_argument("--every-rendering", action="store_true",
                        help="the seed documents in every golden markup and encoding")
    args = parser.parse_args(argv or [])
    corpus = samples(every_rendering=args.every_rendering)
    total_bytes = sum(len(s.raw) for s in corpus)
    for sample in corpus:  # warm-up: imports, OpenCC dictionaries, compiled patterns
        govwatch(sample)
        bare(sample)

    ours = theirs = traced = 0.0
    phases: dict[str, float] = defaultdict(float)
    groups: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for sample in corpus:  # interleaved, so that a busy spell on the machine hits both alike
        mine, bare_time = _best(govwatch, sample, args.rounds), _best(bare, sample, args.rounds)
        ours += mine
        theirs += bare_time
        group = groups[sample.group]
        group[0] += 1
        group[1] += mine
        group[2] += bare_time
        elapsed, spent = _best_traced(sample, args.rounds)
        traced += elapsed
        for name, seconds in spent.items():
            phases[name] += seconds
    pages = len(corpus)
    inside = phases["run_trafilatura"]
    own = traced - inside
    shared = phases["decode_page"] + phases["parse_html"]

    print(f"corpus: {pages} pages ({total_bytes / pages / 1024:.0f} KiB on average); each "
          f"page's fastest of {args.rounds} runs, in CPU time of one process")
    print(f"govwatch extract + fingerprint:                 {pages / ours:6.1f} pages/s/core "
          f"({ours / pages * 1000:.1f} ms a page)")
    print(f"bare trafilatura.extract:                       {pages / theirs:6.1f} pages/s/core "
          f"({theirs / pages * 1000:.1f} ms a page)")
    print(f"ratio, govwatch pages/s to trafilatura pages/s: {theirs / ours:.2f}")
    for name, (count, mine, bare_time) in groups.items():
        print(f"  {name + ':':<20} {count:3.0f} pages, govwatch {count / mine:6.1f} pages/s/core,"
              f" trafilatura {count / bare_time:6.1f}, ratio {bare_time / mine:.2f}")
    print(f"trafilatura inside govwatch (on the prepared region): {inside / pages * 1000:.1f} ms"
          f" a page")
    fingerprinting = phases["fingerprint"]
    extraction = own - fingerprinting
    print(f"govwatch's own work (all but trafilatura): {own / pages * 1000:.1f} ms a page = "
          f"{own / theirs:.0%} of bare trafilatura's time (aim: under 25%)")
    print(f"  extraction's own work (without the fingerprint, which monitor.folding computes): "
          f"{extraction / pages * 1000:.1f} ms = {extraction / theirs:.0%}; without decoding "
          f"and parsing too, which trafilatura does as well: "
          f"{(extraction - shared) / pages * 1000:.1f} ms = {(extraction - shared) / theirs:.0%}")
    for name in _PHASES:
        print(f"  {name:<18} {phases[name] / pages * 1000:6.2f} ms a page")
    body_own = phases["extract_body"] - inside
    rest = own - sum(phases[n] for n in _PHASES) - body_own
    print(f"  {'body preparation':<18} {body_own / pages * 1000:6.2f} ms a page "
          "(region cut, chrome, reshaping, serialising, line filters)")
    print(f"  {'the rest':<18} {rest / pages * 1000:6.2f} ms a page "
          "(meta tags, invisible elements, dates, warnings)")


if __name__ == "__main__":
    main()
