"""``extract()``: one detail page's bytes to an ``Extraction``.

decode (encoding.py) → parse (tree.py) → ``<meta>`` tags → invisible elements removed → the
body's region found (region.py) → metadata pairs and block (pairs.py, metadata.py) → title →
attachments → metadata cut from the page → body (body.py: trafilatura on the prepared region)
→ publication date → warnings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import XPathError

from crawler.extraction.attachments import IMAGE_ONLY_TEXT, body_images, find_attachments
from crawler.extraction.body import extract_body
from crawler.extraction.chrome import strip_invisible
from crawler.extraction.dates import date_from_url, find_dates, parse_date
from crawler.extraction.encoding import decode_page
from crawler.extraction.files import file_extraction, file_format
from crawler.extraction.metadata import extract_metadata
from crawler.extraction.metatags import meta_tags
from crawler.extraction.mojibake import misaligned_runs
from crawler.extraction.region import Region, find_region, picture_container
from crawler.extraction.result import Attachment, Extraction
from crawler.extraction.title import choose_title
from crawler.extraction.tree import parse_html

log = logging.getLogger(__name__)

__all__ = ["EXTRACTOR_REVISION", "EXTRACTOR_VERSION", "ExtractOptions", "extract", "parse_html"]

# Bump when a change to extraction may change its output on unchanged pages: the version is
# stored on every version, and ingest re-extracts the stored bytes to tell an extractor upgrade
# from an edit. 2: cell and line pair readers, compact metadata block, trafilatura on the
# prepared region, titles checked against <title>, table rows as tab-separated lines.
# 3: attachment URLs canonical (crawler.urls: no cache-busting token, session id or fragment);
# chrome lines only as whole lines of chrome items (a body line starting with 当前位置 or 阅读量
# is text; 阅读：123次, 分享：微信 微博, 本页生成时间：…, 发布时间：3天前 are chrome);
# related-documents blocks (a 相关链接/相关文件… heading and the links under it) cut in the tree;
# a page without a known container read from the element showing the title, without leading
# lines naming the site or rows of menu items; in a region, the blocks trafilatura dropped at
# its start or end (a closing <h3>附件：…</h3>) put back as govwatch reads them; a document that
# is its pictures (almost no text) keeps them as attachments.
EXTRACTOR_REVISION = 3
EXTRACTOR_VERSION = f"govwatch-extract/{EXTRACTOR_REVISION} trafilatura/{trafilatura.__version__}"

_SIGNATURE_LINES = 3   # a date in the last lines of the body is the document's date (落款)


@dataclass(frozen=True)
class ExtractOptions:
    """Per-site overrides from the configuration (all optional)."""

    encoding: str | None = None
    metadata_selector: str | None = None
    body_selector: str | None = None


def _select(root: etree._Element, css: str | None) -> etree._Element | None:
    if not css:
        return None
    try:
        found = CSSSelector(css)(root)
    except (SelectorError, XPathError, ValueError, SyntaxError):
        log.warning("metadata_selector %r is not a CSS selector lxml can use", css)
        return None
    return found[0] if found else None


def _published(metadata: dict[str, str | None], tags: dict[str, str], url: str,
               text: str) -> str | None:
    """Metadata, then the CMS's meta tags, then the URL (TRS t20210218_…, Hanweb /art/2021/2/18/),
    then the 成文日期, then a date in the body's last lines (2021年2月18日 under the signature)."""
    found = (metadata.get("published") or parse_date(tags.get("PubDate"))
             or parse_date(tags.get("publishdate")) or parse_date(tags.get("firstpublishedtime"))
             or date_from_url(url) or metadata.get("created"))
    if found:
        return found
    dates = find_dates("\n".join(text.rsplit("\n", _SIGNATURE_LINES)[-_SIGNATURE_LINES:]))
    return dates[-1] if dates else None


def _images_as_body(root: etree._Element, region: Region | None, url: str, text: str,
                    attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """The content region's images, when the document is its images (almost no text). Only a
    region or a CMS content container: a page's other pictures are logos and banners."""
    if len("".join(text.split())) >= IMAGE_ONLY_TEXT:
        return ()
    container = region.element if region is not None else picture_container(root)
    if container is None:
        return ()
    linked = {a.url for a in attachments}
    return tuple(Attachment(name, link) for name, link in body_images(root, container, url)
                 if link not in linked)


def extract(raw: bytes, url: str, *, content_type: str | None = None,
            options: ExtractOptions | None = None) -> Extraction:
    """Extract one detail page. Never raises on bad markup; what is missing is in ``warnings``."""
    options = options or ExtractOptions()
    kind = file_format(raw)
    if kind is not None:
        return file_extraction(raw, url, kind, EXTRACTOR_VERSION)
    decoded = decode_page(raw, content_type, options.encoding)
    root = parse_html(decoded.text)
    # Every element's Python proxy, held until the page is done: the passes below (invisible
    # elements, region, pairs, lines, title…) each walk the tree, and lxml would otherwise make
    # and free a proxy for every element on every pass.
    _proxies = list(root.iter())
    tags = meta_tags(root)
    strip_invisible(root)

    region = find_region(root, options.body_selector)
    meta = extract_metadata(root, scope=_select(root, options.metadata_selector),
                            region=region.element if region else None,
                            content=region.element if region and region.content_only else None)
    metadata = dict(meta.metadata)
    metadata_raw = dict(meta.raw)
    for name, value in tags.items():
        metadata_raw[f"meta:{name}"] = value

    title = choose_title(root, labelled=metadata.get("title"),
                         article_title=tags.get("ArticleTitle"),
                         site_names=[tags.get("SiteName", ""), tags.get("ColumnName", "")])
    attachments = tuple(Attachment(name, link) for name, link in find_attachments(root, url))
    meta.cut()
    body = extract_body(root, region, title=title, url=url, site_name=tags.get("SiteName"))
    images = _images_as_body(root, region, url, body.text, attachments)
    attachments += images

    if not metadata.get("publisher") and tags.get("ContentSource"):
        metadata["publisher"] = tags["ContentSource"]
    published = _published(metadata, tags, url, body.text)
    if not metadata.get("published") and parse_date(tags.get("PubDate")):
        metadata["published"] = parse_date(tags.get("PubDate"))

    warnings = []
    if decoded.note:
        warnings.append(f"encoding: {decoded.note}")
    if images:
        warnings.append(f"the body is {len(images)} image(s), kept as attachments")
    elif not body.text:
        warnings.append("no body text found")
    elif body.how.endswith("fallback"):
        warnings.append("body read without trafilatura (it returned nothing or too little)")
    if not meta.raw:
        warnings.append("no metadata found (no label/value pairs on the page)")
    runs = misaligned_runs(body.text)
    if runs:
        warnings.append(f"{len(runs)} run(s) of GBK text decoded at the wrong byte offset, left "
                        f"as published (first: {runs[0]})")
    return Extraction(url=url, title=title, text=body.text, metadata=metadata,
                      metadata_raw=metadata_raw, attachments=attachments, published=published,
                      encoding=decoded.encoding, extractor_version=EXTRACTOR_VERSION,
                      warnings=tuple(warnings))
