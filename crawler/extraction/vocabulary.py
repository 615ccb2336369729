"""The Chinese words extraction looks for (``words.yaml``), loaded once and compiled.

Kept as data so that a portal's new chrome line or placeholder is one line of YAML, and so that
the code holds no Chinese.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    """A YAML file of this package (``labels.yaml``, ``words.yaml``)."""
    return yaml.safe_load((_HERE / name).read_text(encoding="utf-8"))


def words(key: str) -> Any:
    return load("words.yaml")[key]


@cache
def word_set(key: str) -> frozenset[str]:
    return frozenset(str(w) for w in words(key))


def _both_scripts(key: str) -> list[str]:
    """The patterns listed under ``key`` as written (simplified) and in traditional script, so
    that a traditional page's lines match without converting each of them."""
    from crawler.extraction.text import to_traditional

    patterns = [str(p) for p in words(key)]
    return list(dict.fromkeys(patterns + [to_traditional(p) for p in patterns]))


@cache
def line_pattern(key: str) -> re.Pattern[str]:
    """The regular expressions listed under ``key`` as one pattern anchored at the start."""
    return re.compile("^(?:" + "|".join(f"(?:{p})" for p in _both_scripts(key)) + ")", re.I)


@cache
def inline_pattern(key: str) -> re.Pattern[str]:
    """The regular expressions listed under ``key`` as one pattern matched anywhere."""
    return re.compile("|".join(f"(?:{p})" for p in _both_scripts(key)), re.I)
