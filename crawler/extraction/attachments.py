"""Attachment links: pdf, doc(x), wps, ofd, xls(x), zip, rar, et al., also when the extension is
only in the query string (``download.jsp?file=x.pdf``).

Each link's URL is canonical (``crawler.urls.canonical_url``, the rules document URLs follow):
Hanweb's ``downfile.jsp?filename=x.pdf&t=1712345678`` carries a new cache-busting token on every
page view, and a file too large to download is compared by its URL alone — with the token, each
crawl would see a new file.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree, html

from crawler.extraction.text import clean_line
from crawler.extraction.tree import text_content
from crawler.extraction.vocabulary import word_set
from crawler.urls import canonical_url

EXTENSIONS = ("pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "ppt", "pptx", "zip",
              "rar", "7z", "txt", "csv", "tif", "tiff")
_EXT = re.compile(rf"\.({'|'.join(EXTENSIONS)})(?:$|[?#&;])", re.I)
_MENTIONS_EXTENSION = re.compile(rf"\.(?:{'|'.join(EXTENSIONS)})\b", re.I)
_EXT_IN_QUERY = re.compile(rf"[=/]([^=&/]+\.({'|'.join(EXTENSIONS)}))(?:$|&)", re.I)


def attachment_extension(url: str) -> str | None:
    parts = urlsplit(url)
    path = unquote(parts.path)
    m = _EXT.search(path)
    if m and path.lower().endswith("." + m.group(1).lower()):
        return m.group(1).lower()
    m = _EXT_IN_QUERY.search(unquote(parts.query))
    return m.group(2).lower() if m else None


def file_name(url: str) -> str:
    parts = urlsplit(url)
    match = _EXT_IN_QUERY.search(unquote(parts.query))
    if not _EXT.search(unquote(parts.path)) and match:
        return match.group(1)
    return unquote(parts.path.rsplit("/", 1)[-1])


def _name(link: etree._Element, url: str) -> str:
    """The link text, unless it only says "download" (下载, 附件): then the title attribute or
    the file name says what the file is."""
    text = clean_line(text_content(link))
    if text and text not in word_set("generic_link_names"):
        return text
    return clean_line(link.get("title") or "") or file_name(url) or text


# Every link's href as a plain string (no element behind it): most pages link no file at all,
# and one search over all their hrefs says so without a Python step per link.
_HREFS = etree.XPath("descendant-or-self::a/@href", smart_strings=False, regexp=False)


def _base(root: etree._Element, base_url: str) -> str:
    base_el = root.find(".//base[@href]")
    return urljoin(base_url, base_el.get("href", "")) if base_el is not None else base_url


def find_attachments(root: html.HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(name, absolute URL) of each attachment link, in page order, one per URL."""
    # Joined by line breaks, so that no match spans two hrefs.
    if not _MENTIONS_EXTENSION.search("\n".join(_HREFS(root))):
        return []
    base = _base(root, base_url)
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")) \
                or not _MENTIONS_EXTENSION.search(href):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        url = canonical_url(url)
        ext = attachment_extension(url)
        if not ext or url in seen:
            continue
        seen.add(url)
        found.append((_name(link, url), url))
    return found


# A body with fewer characters of text than this, in a content region that shows images, is
# those images: a scanned notice, a 政策图解, a 招聘公告 set as one picture.
IMAGE_ONLY_TEXT = 30


# Pictures of the page's furniture by their file name (a column banner, a logo, a button or a
# QR code set inside the content container, as the Pingtan TRS template does).
_FURNITURE_IMAGE = re.compile(r"banner|logo|icon|ico[_.-]|btn|button|(?:^|[_.-])bg[_.-]|"
                              r"spacer|blank|arrow|ewm|qrcode|erweima|share|print|close",
                              re.I)


def _in_chrome(element: etree._Element, region: etree._Element) -> bool:
    """Inside a share bar, a QR code block or another chrome container of the region."""
    from crawler.extraction.chrome import CHROME_ATTR

    for node in element.iterancestors():
        marker = f"{node.get('class', '')} {node.get('id', '')}".strip()
        if marker and CHROME_ATTR.search(marker):
            return True
        if node is region:
            break
    return False


def body_images(root: etree._Element, region: etree._Element, base_url: str
                ) -> list[tuple[str, str]]:
    """(name, canonical URL) of the images a document's content region shows, in page order,
    one per URL. For a document that is its images, they are what can change: kept as its
    attachments, they are downloaded and hashed like files (a replaced picture is a change, the
    same picture moved to another file server is not)."""
    base = _base(root, base_url)
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for image in region.iter("img"):
        src = (image.get("src") or image.get("data-src") or "").strip()
        if not src or src.startswith("data:") or _in_chrome(image, region):
            continue
        url = urljoin(base, src)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        url = canonical_url(url)
        if url in seen or _FURNITURE_IMAGE.search(file_name(url)):
            continue
        seen.add(url)
        name = clean_line(image.get("alt") or image.get("title") or "") or file_name(url)
        found.append((name, url))
    return found
