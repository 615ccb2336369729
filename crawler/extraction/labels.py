"""The label → canonical key table (labels.yaml), loaded once."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

from crawler.extraction.text import to_simplified

CANONICAL_KEYS = ("index_no", "title", "category", "publisher", "created", "published", "doc_no",
                  "status", "abolished", "disclosure_mode", "disclosure_scope",
                  "disclosure_term", "keywords", "summary")
DATE_KEYS = frozenset({"created", "published", "abolished"})
_PAD = re.compile(r"[\s\u00a0\u2002\u2003\u3000:：]+")


@lru_cache(maxsize=65536)
def squash(label: str) -> str:
    """A label as compared: simplified script, no padding or colons, ASCII parentheses."""
    return to_simplified(_PAD.sub("", label)).replace("（", "(").replace("）", ")")


@cache
def synonyms() -> dict[str, tuple[str, int]]:
    """squashed label → (canonical key, priority); lower priority wins within a key."""
    data = yaml.safe_load((Path(__file__).with_name("labels.yaml")).read_text(encoding="utf-8"))
    table: dict[str, tuple[str, int]] = {}
    for key, labels in data.items():
        if key not in CANONICAL_KEYS:
            raise ValueError(f"labels.yaml: unknown canonical key {key!r}")
        for priority, label in enumerate(labels):
            table.setdefault(squash(label), (key, priority))
    return table


def canonical_key(label: str) -> tuple[str, int] | None:
    if len(label) > 40:  # a label is short; don't run script conversion over paragraphs
        return None
    return synonyms().get(squash(label))
