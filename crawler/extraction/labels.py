"""The label → canonical key table (labels.yaml), and how a piece of text is recognised as a
label.

A label is compared "squashed": converter debris, padding (spaces, U+3000, &ensp;, &nbsp;) and
colons removed, simplified script, ASCII parentheses — so 信息索引號, ``索  引  号:`` and
發(fā)布機構 all find their entry. Labels the table doesn't know are still labels when they end in a
colon (组配分类：) or sit in a label cell of a metadata table (体裁, 分类词 in seed 003); they are
kept in ``metadata_raw`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from crawler.extraction.text import DEBRIS_CHARACTERS, remove_debris, to_simplified
from crawler.extraction.vocabulary import load, word_set

CANONICAL_KEYS = ("index_no", "title", "category", "publisher", "created", "published", "doc_no",
                  "status", "abolished", "disclosure_mode", "disclosure_scope",
                  "disclosure_term", "keywords", "summary")
DATE_KEYS = frozenset({"created", "published", "abolished"})

PAD = r"\s\u00a0\u2002\u2003\u2009\u3000"
_PAD_OR_COLON = re.compile(rf"[{PAD}:：]+")
_COLON_END = re.compile(rf"[:：][{PAD}]*$")
_INNER_COLON = re.compile(rf"[:：][{PAD}]*\S")
# What an unknown label looks like once squashed: a few hanzi, maybe a numbered part (主题(二)).
_LABEL_SHAPE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:\([一二三四五六七八九十\d]{1,2}\))?$")
_MAX_LABEL_CHARS = 24


@dataclass(frozen=True)
class Label:
    """A recognised label: ``text`` as found (padding removed), its canonical ``key`` (None when
    labels.yaml doesn't know it) and ``priority`` (lower wins within a key)."""

    text: str
    key: str | None
    priority: int

    @property
    def is_chrome(self) -> bool:
        return squash(self.text) in chrome_labels()


@lru_cache(maxsize=65536)
def squash(label: str) -> str:
    """A label as compared: no debris, padding or colons, simplified, ASCII parentheses."""
    return to_simplified(_unpadded(label)).replace("（", "(").replace("）", ")")


def _unpadded(label: str) -> str:
    return _PAD_OR_COLON.sub("", remove_debris(label))


def as_found(label: str) -> str:
    """The label as ``metadata_raw`` keeps it: debris, padding and the colon removed, script as
    the page has it."""
    return _PAD_OR_COLON.sub("", remove_debris(label))


@cache
def synonyms() -> dict[str, tuple[str, int]]:
    """squashed label → (canonical key, priority); lower priority wins within a key."""
    table: dict[str, tuple[str, int]] = {}
    for key, labels in load("labels.yaml").items():
        if key not in CANONICAL_KEYS:
            raise ValueError(f"labels.yaml: unknown canonical key {key!r}")
        for priority, label in enumerate(labels):
            table.setdefault(squash(str(label)), (key, priority))
    return table


@cache
def label_characters() -> frozenset[str]:
    """Every character of every known label, in both scripts: text with another character can't
    be a known label, which spares the script conversion for almost every text node."""
    from crawler.extraction.text import to_traditional

    chars: set[str] = set("()（）")
    for label in synonyms():
        chars.update(label)
        chars.update(to_traditional(label))
    for label in chrome_labels():
        chars.update(label)
        chars.update(to_traditional(label))
    return frozenset(chars)


@cache
def chrome_labels() -> frozenset[str]:
    return frozenset(squash(w) for w in word_set("chrome_labels"))


@cache
def label_alphabet() -> frozenset[str]:
    """Every character a text that is a known label may hold: the labels' own, and what
    ``_unpadded`` removes (padding, colons, converter debris). A text with any other character
    is not a known label — found without a regular expression, for most text nodes at once."""
    # Unicode has no white space beyond the Basic Multilingual Plane (tests check it).
    padding = re.findall(rf"[{PAD}]", "".join(map(chr, range(0x10000))))
    return label_characters() | frozenset(padding) | frozenset(":：" + DEBRIS_CHARACTERS)


def known(text: str) -> Label | None:
    """``text`` is, as a whole, a label labels.yaml knows (a colon after it is allowed)."""
    if len(text) > _MAX_LABEL_CHARS or not label_alphabet().issuperset(text):
        return None
    return _known_label(text)


# Bounded: what reaches it is short text made of label characters — a portal's labels, read on
# every page of the portal (a row of cells is read twice: header test, then pairs).
@lru_cache(maxsize=8192)
def _known_label(text: str) -> Label | None:
    bare = _unpadded(text)
    if not bare or not label_characters().issuperset(bare):
        return None
    found = synonyms().get(squash(text))
    return Label(bare, found[0], found[1]) if found else None   # bare is as_found(text)


def shaped(text: str) -> bool:
    """``text`` looks like a label: a few hanzi (主题(二), 体裁, 分类词), any colon at the end."""
    if len(text) > _MAX_LABEL_CHARS or _INNER_COLON.search(text):
        return False
    bare = _unpadded(text).replace("（", "(").replace("）", ")")
    return bool(_LABEL_SHAPE.match(bare))


def colon_label(text: str) -> Label | None:
    """``text`` is a label followed by a colon and nothing else (组配分类：, 索  引  号: )."""
    if len(text) > _MAX_LABEL_CHARS or not _COLON_END.search(text):
        return None
    return known(text) or unknown_colon_label(text)


# Bounded, as _known_label: what gets past the colon test is a portal's labels (来源：, 发布时间：),
# read again on every page of the portal.
@lru_cache(maxsize=4096)
def unknown_colon_label(text: str) -> Label | None:
    """``colon_label`` for a text already known not to be a known label."""
    if len(text) > _MAX_LABEL_CHARS or not _COLON_END.search(text):
        return None
    return Label(as_found(text), None, 99) if shaped(text) else None


def unknown(text: str) -> Label:
    """A label cell labels.yaml doesn't know, kept for ``metadata_raw``."""
    return Label(as_found(text), None, 99)
