"""``<meta>`` tags that CMS templates fill from the document's fields.

Hanweb, TRS and Ucap pages carry ``ArticleTitle``, ``PubDate`` and ``ContentSource`` (and the
site's ``SiteName``/``ColumnName``); gov.cn adds ``firstpublishedtime``. They are kept in
``metadata_raw`` as ``meta:<Name>`` (spelled as below, whatever case the page uses) and feed the
title, the publication date and an empty publisher.
"""

from __future__ import annotations

from lxml import etree

from crawler.extraction.text import clean_line

# Spelling kept in metadata_raw; matched without regard to case. Not kept: counters and
# modification times (lastmodifiedtime), which change without the document changing.
NAMES = ("ArticleTitle", "PubDate", "ContentSource", "SiteName", "ColumnName", "Keywords",
         "Description", "Author", "publishdate", "firstpublishedtime")
_BY_LOWER = {name.lower(): name for name in NAMES}
_MAX_VALUE = 1000


def meta_tags(root: etree._Element) -> dict[str, str]:
    """name → content for the known names, first occurrence wins."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        wanted = _BY_LOWER.get(name)
        if wanted is None or wanted in found:
            continue
        content = clean_line(meta.get("content") or "")[:_MAX_VALUE]
        if content:
            found[wanted] = content
    return found
