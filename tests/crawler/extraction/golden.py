"""The golden cases, read from tests/golden/*.yaml: seed documents rendered in markups and
encodings, hand-written portal pages, and the expectations checked on each extraction."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from crawler.extraction import Extraction
from crawler.extraction.text import normalize

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "golden"
SEEDS = REPO / "seeds" / "samples"
MARKUPS = tuple(sorted(p.name.removesuffix(".html.j2") for p in (GOLDEN / "markups").glob(
    "*.html.j2") if not p.name.startswith("_")))


@cache
def load(name: str) -> Any:
    return yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))


def _pad(label: str, fill: str) -> str:
    """索引号 → 索<fill>引<fill>号, as portals pad three-character labels to the width of four."""
    return fill.join(label) if len(label) == 3 and " " not in label else label


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(GOLDEN / "markups"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["pad"] = _pad
    return env


@dataclass(frozen=True)
class SeedCase:
    seed_id: str
    markup: str
    encoding: str

    @property
    def id(self) -> str:
        return f"seed{self.seed_id}-{self.markup}-{self.encoding}"

    @property
    def seed(self) -> dict[str, Any]:
        return next(s for s in load("seeds.yaml")["seeds"] if s["id"] == self.seed_id)


def seed_cases() -> list[SeedCase]:
    """Every seed in each of its markups (UTF-8), and in the encoding markup in every encoding."""
    data = load("seeds.yaml")
    cases = []
    for seed in data["seeds"]:
        markups = seed.get("markups", [m for m in MARKUPS if m != "no-metadata"])
        cases += [SeedCase(seed["id"], m, "utf8") for m in markups]
        markup = data["encoding_markup"] if data["encoding_markup"] in markups else markups[0]
        cases += [SeedCase(seed["id"], markup, e) for e in data["encodings"] if e != "utf8"]
    return cases


def seed_paragraphs(seed: dict[str, Any]) -> list[str]:
    lines = (SEEDS / seed["file"]).read_text(encoding="utf-8").split("\n")
    first, last = seed["body"]
    return [line.strip() for line in lines[first - 1:last] if line.strip()]


def render_seed(case: SeedCase) -> tuple[bytes, str]:
    """The page's bytes and its Content-Type header."""
    seed = case.seed
    encoding = load("seeds.yaml")["encodings"][case.encoding]
    page = {
        "title": seed["title"], "site_name": seed["site_name"], "info": seed.get("info"),
        "byline": seed.get("byline"), "pairs": [tuple(p) for p in seed.get("pairs", [])],
        "paragraphs": seed_paragraphs(seed), "views": 1234,
    }
    template = _environment().get_template(f"{case.markup}.html.j2")
    html = template.render(page=page, charset=encoding["meta"])
    return html.encode(encoding["codec"]), encoding["header"]


@dataclass(frozen=True)
class PageCase:
    case: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.case["id"])

    def serve(self) -> tuple[bytes, str | None]:
        """The page's bytes as served, and its Content-Type header."""
        text = (GOLDEN / "pages" / self.case["page"]).read_text(encoding="utf-8")
        return text.encode(self.case.get("serve_as", "utf-8")), self.case.get("content_type")


def page_cases() -> list[PageCase]:
    return [PageCase(c) for c in load("pages.yaml")["cases"]]


# ----------------------------------------------------------------------------- expectations


def check(x: Extraction, expect: dict[str, Any], *, body: str | None = None,
          chrome: list[str] | None = None) -> list[str]:
    """What is wrong with ``x`` against ``expect`` (an empty list when all is right).

    Keys of ``expect``: title, published, metadata (canonical values; {} means none at all),
    metadata_raw, attachments ([name, url] pairs), must_contain, must_not_contain (compared in
    normalised form), body_starts/body_ends (same), lines_contain (exact lines of the text, tabs
    between table cells), warnings_contain, body (as the argument); ``body``: the exact body
    expected, compared in normalised form; ``chrome``: more must_not_contain."""
    wrong: list[str] = []
    if body is None and "body" in expect:
        body = str(expect["body"])

    def same(what: str, found: Any, wanted: Any) -> None:
        if found != wanted:
            wrong.append(f"{what}: got {found!r}, expected {wanted!r}")

    if "title" in expect:
        same("title", x.title, expect["title"])
    if "published" in expect:
        same("published", x.published, str(expect["published"]) if expect["published"] else None)
    if "metadata" in expect:
        wanted = {k: (str(v) if v is not None else None) for k, v in expect["metadata"].items()}
        if not wanted:
            same("metadata", {k: v for k, v in x.metadata.items() if v is not None}, {})
        for key, value in wanted.items():
            same(f"metadata[{key}]", x.metadata.get(key), value)
    for label, value in (expect.get("metadata_raw") or {}).items():
        same(f"metadata_raw[{label}]", x.metadata_raw.get(label), str(value))
    if "attachments" in expect:
        same("attachments", [[a.name, a.url] for a in x.attachments], expect["attachments"])
    text = normalize(x.text)
    if body is not None and text != normalize(body):
        at = next((i for i, (a, b) in enumerate(zip(text, normalize(body), strict=False))
                   if a != b), min(len(text), len(normalize(body))))
        wrong.append(f"body differs at {at}: got …{text[max(0, at - 20):at + 30]!r}, "
                     f"expected …{normalize(body)[max(0, at - 20):at + 30]!r}")
    for needle in expect.get("must_contain") or []:
        if normalize(str(needle)) not in text:
            wrong.append(f"body lacks {needle!r}")
    for needle in [*(expect.get("must_not_contain") or []), *(chrome or [])]:
        if normalize(str(needle)) in text:
            wrong.append(f"body contains {needle!r}")
    if "body_starts" in expect and not text.startswith(normalize(expect["body_starts"])):
        wrong.append(f"body starts {text[:40]!r}, expected {expect['body_starts']!r}")
    if "body_ends" in expect and not text.endswith(normalize(expect["body_ends"])):
        wrong.append(f"body ends {text[-40:]!r}, expected {expect['body_ends']!r}")
    lines = x.text.split("\n")
    for line in expect.get("lines_contain") or []:
        if line not in lines:
            wrong.append(f"no line {line!r}")
    for needle in expect.get("warnings_contain") or []:
        if not any(needle in w for w in x.warnings):
            wrong.append(f"no warning with {needle!r} in {x.warnings!r}")
    return wrong
