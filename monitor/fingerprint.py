"""The fingerprint that decides whether a fetch is a new version.

Taken over normalised content only (``crawler.extraction.text.normalize``: simplified script,
converter debris removed, width and punctuation folded, no white space), so that a traditional
re-serve, a re-spaced template or a full-width/half-width switch is not a change. Page chrome never
reaches the extraction's text or canonical metadata, so counters and clocks are not in it either;
``metadata_raw`` (which keeps whatever the page showed) is deliberately left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.extraction.text import normalize


def attachment_key(attachment: Mapping[str, Any]) -> str:
    """An attachment as compared: its content hash when known, else its URL."""
    return str(attachment.get("sha256") or attachment.get("url") or "")


def fingerprint(title: str | None, text: str, metadata: Mapping[str, Any],
                attachments: Iterable[Mapping[str, Any]]) -> str:
    payload = {
        "title": normalize(title),
        "text": normalize(text),
        "metadata": {k: normalize(str(v)) for k, v in sorted(metadata.items()) if v is not None},
        "attachments": sorted(attachment_key(a) for a in attachments),
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
