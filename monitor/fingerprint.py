"""The fingerprint that decides whether a fetch is a new version.

Taken over the comparison form of the content (``monitor.folding``): folded title, folded text
without volatile lines, folded canonical metadata, and the set of attachments by content hash.
What is deliberately left out, each because it once made (or would make) every crawl a "change":

- ``metadata_raw``: it keeps whatever the page showed next to the table, counters included;
- paragraph breaks and white space: a template that re-flows paragraphs changed nothing;
- attachment URLs and names when the bytes are known: a renamed download path with the same
  file is the same attachment; the order of attachments and duplicate links to one file;
- the extraction's ``published`` fallback (guessed from the URL or the last lines).

Missed changes are guarded just as hard: every character of the folded text counts (``调整`` →
``完善`` changes it), table cells are in the text, and status is canonical metadata.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crawler.urls import canonical_url
from monitor.folding import FOLD_VERSION, fold, text_key


@dataclass(frozen=True)
class Comparable:
    """The parts of a version that decide whether two versions are the same."""

    title: str
    text: str
    metadata: tuple[tuple[str, str], ...]
    attachments: tuple[str, ...]


@lru_cache(maxsize=4096)
def file_url(url: str) -> str:
    """An attachment's URL as matched: canonical (crawler.urls: no fragment, session or
    cache-busting token — Hanweb adds ``&t=<timestamp>`` to a file's link on every view).
    Remembered: ingest compares each stored file's URL several times a fetch (the fingerprint,
    the stored version's comparison form, the likeness check), and w3lib takes tens of
    microseconds a URL."""
    return canonical_url(url) if url else ""


def attachment_key(attachment: Mapping[str, Any]) -> str:
    """An attachment as compared: its content hash when known, else its canonical URL (a file
    too large to download is known by its URL alone)."""
    sha = attachment.get("sha256")
    if sha:
        return str(sha)
    return "url:" + file_url(str(attachment.get("url") or ""))


def comparable(title: str | None, text: str, metadata: Mapping[str, Any],
               attachments: Iterable[Mapping[str, Any]]) -> Comparable:
    folded = ((key, fold(str(value))) for key, value in metadata.items() if value is not None)
    return Comparable(
        title=fold(title),
        text=text_key(text),
        metadata=tuple(sorted((key, value) for key, value in folded if value)),
        attachments=tuple(sorted({attachment_key(a) for a in attachments})),
    )


def fingerprint_of(content: Comparable) -> str:
    payload = {"v": FOLD_VERSION, "title": content.title, "text": content.text,
               "metadata": dict(content.metadata), "attachments": list(content.attachments)}
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def fingerprint(title: str | None, text: str, metadata: Mapping[str, Any],
                attachments: Iterable[Mapping[str, Any]]) -> str:
    return fingerprint_of(comparable(title, text, metadata, attachments))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
