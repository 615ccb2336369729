"""The bundled sample portal: what ``govwatch demo`` and the end-to-end tests crawl.

``server.PortalServer`` serves an in-memory set of pages on loopback; ``sample.build_portal``
renders those pages from the seed documents, imitating the CMS families real portals run on
(TRS, Hanweb, Ucap, a generic JSP list, a newspaper e-paper), in two revisions so that a second
crawl sees new, edited and status-changed documents among changes that are only noise.
"""

from __future__ import annotations

from monitor.demo.sample import (
    REVISION_COUNT,
    RevisionChanges,
    SampleDocument,
    build_portal,
    demo_sites,
    revision_changes,
    sample_documents,
)
from monitor.demo.server import Page, PortalServer, RequestRecord

__all__ = [
    "REVISION_COUNT",
    "Page",
    "PortalServer",
    "RequestRecord",
    "RevisionChanges",
    "SampleDocument",
    "build_portal",
    "demo_sites",
    "revision_changes",
    "sample_documents",
]
