"""The real portal pages of ../shared/real-pages, checked against their MANIFEST.json, and the
quality gate over the whole corpus (tests/golden/real_pages.yaml says how each field is checked
and pins the accuracy the gate demands).

The pages are read from beside the repository, never copied into it; without them these tests
skip, saying why (the ``real_pages`` fixture).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import Extraction, extract
from crawler.extraction.dates import parse_date
from crawler.extraction.text import normalize
from tests.conftest import REAL_PAGES
from tests.crawler.extraction.golden import load

_WS = re.compile(r"\s+")
ABSENT = "(real pages absent)"


@cache
def manifest() -> tuple[dict[str, Any], ...]:
    path = REAL_PAGES / "MANIFEST.json"
    return tuple(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else ()


def files(kind: str) -> list[str]:
    return [e["file"] for e in manifest() if e["kind"] == kind] or [ABSENT]


def entry(name: str) -> dict[str, Any]:
    return next(e for e in manifest() if e["file"] == name)


@cache
def extracted(folder: Path, name: str) -> Extraction:
    item = entry(name)
    url = item.get("url") or f"http://real-pages.invalid/{name}"
    content_type = (item.get("http_headers") or {}).get("Content-Type")
    return extract((folder / name).read_bytes(), url, content_type=content_type)


@dataclass(frozen=True)
class Check:
    kind: str      # "field" | "body" | "chrome"
    name: str
    ok: bool
    detail: str


def _expected_value(key: str, value: str) -> str | None:
    if not value.strip():
        return None
    return parse_date(value) if key in ("created", "published", "abolished") else value


def field_checks(item: dict[str, Any], x: Extraction) -> list[Check]:
    rules = load("real_pages.yaml")
    checks = []

    def add(name: str, found: Any, wanted: Any) -> None:
        checks.append(Check("field", name, found == wanted, f"got {found!r}, want {wanted!r}"))

    for label, value in (item.get("metadata") or {}).items():
        if label == "标题":
            add("title", x.title, value)
        elif label.startswith("meta:"):
            add(f"metadata_raw[{label}]", x.metadata_raw.get(label), value)
            feeds = rules["feeds"].get(label[5:])
            if feeds == "published":
                add(f"published ({label})", x.published, parse_date(value))
            elif feeds:
                add(f"metadata[{feeds}] ({label})", x.metadata.get(feeds), value)
        else:
            add(f"metadata_raw[{label}]", x.metadata_raw.get(label), value)
            key = rules["canonical"].get(label)
            if key:
                add(f"metadata[{key}] ({label})", x.metadata.get(key),
                    _expected_value(key, value))
    return checks


def body_checks(item: dict[str, Any], x: Extraction) -> list[Check]:
    """Where the body starts and ends (white space removed on both sides: see the YAML), and
    that no chrome reached it."""
    text = _WS.sub("", x.text)
    first, last = _WS.sub("", item["body_first30"]), _WS.sub("", item["body_last30"])
    checks = [Check("body", "starts", text.startswith(first), f"starts {text[:30]!r}"),
              Check("body", "ends", text.endswith(last), f"ends {text[-30:]!r}")]
    for chrome in load("real_pages.yaml")["must_not_contain"]:
        present = normalize(chrome) in normalize(x.text)
        checks.append(Check("chrome", chrome, not present, "in the body"))
    return checks


def _failures(checks: list[Check]) -> list[str]:
    return [f"{c.name}: {c.detail}" for c in checks if not c.ok]


@pytest.mark.parametrize("name", files("detail"))
def test_labelled_fields(real_pages: Path, name: str) -> None:
    item = entry(name)
    assert _failures(field_checks(item, extracted(real_pages, name))) == []


@pytest.mark.parametrize("name", files("detail"))
def test_body_boundaries_and_no_chrome(real_pages: Path, name: str) -> None:
    item = entry(name)
    assert _failures(body_checks(item, extracted(real_pages, name))) == []


@pytest.mark.parametrize("name", files("list"))
def test_list_pages_do_not_break_extraction(real_pages: Path, name: str) -> None:
    # A list page reaching extract() (a misconfigured link pattern) must not raise, and must not
    # be passed off as a document with metadata.
    x = extracted(real_pages, name)
    assert x.metadata.get("index_no") is None


def test_quality_gate(real_pages: Path) -> None:
    """The corpus-wide accuracy, against the pinned figures: fails when extraction gets worse."""
    checks: list[tuple[str, Check]] = []
    for name in files("detail"):
        item, x = entry(name), extracted(real_pages, name)
        checks += [(name, c) for c in field_checks(item, x) + body_checks(item, x)]
    gate = load("real_pages.yaml")["gate"]
    kinds = {"fields": "field", "body_boundaries": "body", "chrome_free": "chrome"}
    report = []
    for figure, kind in kinds.items():
        mine = [c for _, c in checks if c.kind == kind]
        accuracy = sum(c.ok for c in mine) / len(mine)
        report.append(f"{figure}: {accuracy:.3f} ({sum(c.ok for c in mine)}/{len(mine)}, "
                      f"gate {gate[figure]})")
        failed = [f"{n}: {c.name}: {c.detail}" for n, c in checks if c.kind == kind and not c.ok]
        assert accuracy >= gate[figure], "\n".join(report + failed)
    print("\nreal pages quality gate: " + "; ".join(report))
