""""The same document at other outlets" on the document page.

The matching lives in ``monitor.outlets`` (built separately: which documents of other sites carry
the same text, and how similar they are). This module only asks it, if it is there:
``monitor.outlets.linked_documents(database, document_id)`` returning records with
``document_id``, ``site_id``, ``title``, ``publisher``, ``published``, ``url`` and
``similarity``. Without it, or when it fails, the page's slot stays empty.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monitor.store.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutletLink:
    document_id: int
    site_id: str
    title: str | None
    publisher: str | None
    published: str | None
    url: str | None
    similarity: float | None


def _provider() -> Callable[[Database, int], list[Any]] | None:
    try:
        module = importlib.import_module("monitor.outlets")
    except ImportError:
        return None
    found = getattr(module, "linked_documents", None)
    return found if callable(found) else None


def other_outlets(database: Database, document_id: int) -> list[OutletLink]:
    provider = _provider()
    if provider is None:
        return []
    try:
        records = provider(database, document_id)
    except Exception:  # an optional panel must never take the document page down
        log.exception("other outlets of document %s could not be listed", document_id)
        return []
    links = []
    for record in records:
        other = getattr(record, "document_id", None)
        if not isinstance(other, int):
            continue
        similarity = getattr(record, "similarity", None)
        links.append(OutletLink(
            document_id=other, site_id=str(getattr(record, "site_id", "")),
            title=getattr(record, "title", None), publisher=getattr(record, "publisher", None),
            published=getattr(record, "published", None), url=getattr(record, "url", None),
            similarity=float(similarity) if isinstance(similarity, int | float) else None))
    return links
