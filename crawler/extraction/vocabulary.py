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


_PART = re.compile(r"\{\{(\w+)\}\}")


def _expanded(pattern: str, parts: dict[str, str]) -> str:
    """``pattern`` with each ``{{name}}`` as ``(?:parts[name])``, parts within parts too."""
    while "{{" in pattern:
        pattern = _PART.sub(lambda m: f"(?:{parts[m.group(1)]})", pattern)
    return pattern


def _both_scripts(key: str, parts_key: str | None = None) -> list[str]:
    """The patterns listed under ``key`` as written (simplified) and in traditional script, so
    that a traditional page's lines match without converting each of them; ``parts_key`` names
    the pieces their ``{{name}}`` placeholders stand for."""
    from crawler.extraction.text import to_traditional

    parts = {str(k): str(v) for k, v in words(parts_key).items()} if parts_key else {}
    patterns = [_expanded(str(p), parts) for p in words(key)]
    # OpenCC converts by phrase (发布 → 發佈, the Taiwan form), portals mostly by character
    # (發布: seed document 000): both.
    by_character = ["".join(to_traditional(c) for c in p) for p in patterns]
    return list(dict.fromkeys(patterns + [to_traditional(p) for p in patterns] + by_character))


@cache
def line_pattern(key: str) -> re.Pattern[str]:
    """The regular expressions listed under ``key`` as one pattern anchored at the start."""
    return re.compile("^(?:" + "|".join(f"(?:{p})" for p in _both_scripts(key)) + ")", re.I)


# Between two chrome items of one line: nothing, white space, | or · (【打印本页】【关闭窗口】,
# 打印本页 | 关闭窗口, 首页|简|繁).
_ITEM_SEPARATOR = r"[\s|｜·•/]*"


@cache
def whole_line_pattern(key: str, parts_key: str) -> re.Pattern[str]:
    """The regular expressions listed under ``key`` (``{{name}}`` standing for ``parts_key``'s
    piece of that name) as one pattern for ``fullmatch``: a line made only of such items, side by
    side or separated by white space, | or ·. At each place the first item listed that matches
    is taken, as long as it goes."""
    # Each item atomic, and the separators and the run of items possessive: once matched, never
    # given back to be split another way ("1次浏览 1次浏览…" would otherwise be tried every way
    # before a line fails — exponential in its length).
    items = "(?>" + "|".join(f"(?:{p})" for p in _both_scripts(key, parts_key)) + ")"
    gap = _ITEM_SEPARATOR + "+"
    return re.compile(f"{gap}{items}(?:{gap}{items})*+{gap}", re.I)


@cache
def inline_pattern(key: str) -> re.Pattern[str]:
    """The regular expressions listed under ``key`` as one pattern matched anywhere."""
    return re.compile("|".join(f"(?:{p})" for p in _both_scripts(key)), re.I)


# A pattern that opens with a group of plain words, (?:浏览|访问), or a plain set of characters,
# [【\[], not made optional: the characters a match starts with can be read off it.
_PLAIN = r"[^()|\\\[\]?*+{}.^$]"
_OPENING_WORDS = re.compile(rf"\(\?:({_PLAIN}+(?:\|{_PLAIN}+)*)\)(?![?*{{])")
_OPENING_SET = re.compile(r"\[((?:\\[^A-Za-z0-9]|[^\\\]^-])+)\](?![?*{])")


def _first_characters(pattern: str) -> set[str] | None:
    words = _OPENING_WORDS.match(pattern)
    if words:
        return {word[0] for word in words.group(1).split("|")}
    chars = _OPENING_SET.match(pattern)
    if chars:
        return set(re.sub(r"\\(.)", r"\1", chars.group(1)))
    return None


@cache
def inline_prefilter(key: str) -> re.Pattern[str] | None:
    """The characters every match of ``inline_pattern(key)`` starts with, as one character
    class: a text without any of them needs no search for the pattern, whose branches open with
    groups the regex engine cannot skip ahead to (it tries all of them at every position). None
    when an opening can't be read that simply, or holds a letter with a case."""
    first: set[str] = set()
    for pattern in _both_scripts(key):
        found = _first_characters(pattern)
        if found is None or any(c.lower() != c.upper() for c in found):
            return None
        first |= found
    return re.compile("[" + "".join(re.escape(c) for c in sorted(first)) + "]")
