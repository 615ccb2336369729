"""``extract()``: one detail page's bytes to an ``Extraction``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml import etree, html

from crawler.extraction.attachments import find_attachments
from crawler.extraction.body import extract_body
from crawler.extraction.chrome import drop_element, strip_invisible
from crawler.extraction.dates import date_from_url, find_dates, parse_date
from crawler.extraction.encoding import decode
from crawler.extraction.metadata import extract_metadata
from crawler.extraction.result import Attachment, Extraction
from crawler.extraction.text import clean_line

# Bump when a change to extraction may change its output on unchanged pages: the version is
# stored on every version, and `govwatch reextract` uses it to tell upgrades from edits.
EXTRACTOR_REVISION = 1
EXTRACTOR_VERSION = f"govwatch-extract/{EXTRACTOR_REVISION} trafilatura/{trafilatura.__version__}"

_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|—|-\s)\s*")
_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "ColumnName", "SiteName", "Keywords",
               "Description", "Author", "pubdate", "publishdate")


@dataclass(frozen=True)
class ExtractOptions:
    """Per-site overrides from the configuration (all optional)."""

    encoding: str | None = None
    metadata_selector: str | None = None
    body_selector: str | None = None


def _meta_tags(root: html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property") or ""
        content = clean_line(meta.get("content") or "")
        for wanted in _META_NAMES:
            if name.lower() == wanted.lower() and content and wanted not in found:
                found[wanted] = content
    return found


def _page_title(root: html.HtmlElement, site_name: str | None) -> str | None:
    title_el = root.find(".//title")
    if title_el is None:
        return None
    text = clean_line(title_el.text_content())
    if not text:
        return None
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p]
    if site_name:
        parts = [p for p in parts if p != site_name] or parts
    # The document title is the longest part; site and column names are the short ones.
    return max(parts, key=len) if parts else text


def _heading(root: html.HtmlElement) -> str | None:
    for tag in ("h1", "h2"):
        for element in root.iter(tag):
            text = clean_line(element.text_content())
            if len(text) >= 4:
                return text
    return None


def parse_html(source: str) -> html.HtmlElement:
    # lxml refuses str input that carries an XML encoding declaration.
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    # Portals assemble pages from included fragments, and a fragment's stray </html> (gov.cn's
    # gazette header has one) makes libxml2 drop everything after it; browsers ignore them.
    source = _END_TAGS.sub("", source)
    try:
        return html.document_fromstring(source or "<html></html>")
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>")


def extract(raw: bytes, url: str, *, content_type: str | None = None,
            options: ExtractOptions | None = None) -> Extraction:
    """Extract one detail page. Never raises on bad markup; what is missing is in ``warnings``."""
    options = options or ExtractOptions()
    source, encoding = decode(raw, content_type, options.encoding)
    root = parse_html(source)
    meta_tags = _meta_tags(root)
    strip_invisible(root)

    scope = None
    if options.metadata_selector:
        found = root.cssselect(options.metadata_selector)
        scope = found[0] if found else None
    meta = extract_metadata(root, scope)
    metadata = dict(meta.metadata)
    raw_pairs = dict(meta.raw)
    for name, value in meta_tags.items():
        raw_pairs[f"meta:{name}"] = value

    title = metadata.get("title") or _heading(root) or meta_tags.get("ArticleTitle") \
        or _page_title(root, meta_tags.get("SiteName"))
    attachments = tuple(Attachment(name, link) for name, link in find_attachments(root, url))

    # The metadata block and info lines are not body text.
    if meta.block is not None:
        drop_element(meta.block)
    for line in meta.lines:
        drop_element(line)
    text, how = extract_body(root, source, url=url, title=title,
                             selector=options.body_selector)

    if not metadata.get("publisher") and meta_tags.get("ContentSource"):
        metadata["publisher"] = meta_tags["ContentSource"]
    published = (metadata.get("published") or parse_date(meta_tags.get("PubDate"))
                 or parse_date(meta_tags.get("pubdate")) or parse_date(meta_tags.get("publishdate"))
                 or metadata.get("created") or date_from_url(url))
    if not published:
        dates = find_dates(text[-200:])
        published = dates[-1] if dates else None

    warnings = []
    if not text:
        warnings.append("no body text found")
    if not meta.raw:
        warnings.append("no metadata table found")
    if how == "fallback" and text:
        warnings.append("body read without trafilatura (it returned nothing)")
    return Extraction(url=url, title=title, text=text, metadata=metadata,
                      metadata_raw=raw_pairs, attachments=attachments, published=published,
                      encoding=encoding, extractor_version=EXTRACTOR_VERSION,
                      warnings=tuple(warnings))
