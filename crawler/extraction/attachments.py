"""Attachment links: pdf, doc(x), wps, ofd, xls(x), zip, rar, et al., also when the extension is
only in the query string (``download.jsp?file=x.pdf``)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html

from crawler.extraction.text import clean_line

EXTENSIONS = ("pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "ppt", "pptx", "zip",
              "rar", "7z", "txt", "csv", "tif", "tiff")
_EXT = re.compile(rf"\.({'|'.join(EXTENSIONS)})(?:$|[?#&;])", re.I)
_EXT_IN_QUERY = re.compile(rf"[=/]([^=&/]+\.({'|'.join(EXTENSIONS)}))(?:$|&)", re.I)


def attachment_extension(url: str) -> str | None:
    parts = urlsplit(url)
    path = unquote(parts.path)
    m = _EXT.search(path)
    if m and path.lower().endswith("." + m.group(1).lower()):
        return m.group(1).lower()
    m = _EXT_IN_QUERY.search(unquote(parts.query))
    return m.group(2).lower() if m else None


def find_attachments(root: html.HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(name, absolute URL) of each attachment link, in page order, one per URL."""
    base = base_url
    base_el = root.find(".//base[@href]")
    if base_el is not None:
        base = urljoin(base_url, base_el.get("href", ""))
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        ext = attachment_extension(url)
        if not ext or url in seen:
            continue
        seen.add(url)
        name = clean_line(link.text_content()) or clean_line(link.get("title") or "")
        if not name:
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        found.append((name, url))
    return found
