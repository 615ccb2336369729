""""The same text at other outlets" on the document page, and the page comparing two outlets.

The matching lives in ``monitor.outlets`` (anchors, links, the shared passage). Links to other
sites come first: a newspaper's print of a plan is the news; a section page of the same site that
repeats a passage of the whole document is listed after it.
"""

from __future__ import annotations

import logging

from monitor.outlets import linked_documents
from monitor.store.db import Database
from monitor.store.records import LinkedDocumentRecord

log = logging.getLogger(__name__)


def other_outlets(database: Database, document_id: int,
                  site_id: str) -> list[LinkedDocumentRecord]:
    try:
        links = linked_documents(database, document_id)
    except Exception:  # an optional panel must never take the document page down
        log.exception("other outlets of document %s could not be listed", document_id)
        return []
    return sorted(links, key=lambda link: (link.site_id == site_id, -link.shared_chars))
