"""Documents that are files: a list row that links straight to a PDF, a Word or WPS file, an OFD
or a spreadsheet, with no HTML page around it (规划 and 政策文件 columns of small portals often
publish so).

Such a document is its file: its version is the file's hash, kept as the document's one
attachment, so a replaced file is a change and the same bytes are not. Its title is the one the
list gives it (the document's ``list_title``): the bytes say nothing govwatch reads, so an
extraction of them has no title, text or metadata, and the same bytes always read the same
(``govwatch reextract`` included).

Files are told by their first bytes, never by the URL or the Content-Type alone: a portal that
answers a file's URL with an HTML error page must have that page judged as a page
(``crawler.faults``), and servers label files ``application/octet-stream`` or ``text/plain``.
(A byte-signature table, not libmagic: the handful of formats portals publish is known, and
python-magic would add a system library to every install for them.)
"""

from __future__ import annotations

import hashlib

from crawler.extraction.attachments import file_name
from crawler.extraction.result import Attachment, Extraction

# Leading bytes of the formats portals publish documents in.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip container (docx, xlsx, ofd, zip)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE file (doc, xls, wps, et)"),
    (b"Rar!\x1a\x07", "rar"),
    (b"{\\rtf", "rtf"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)


def file_format(raw: bytes) -> str | None:
    """The format of a file document's bytes, or None for anything else (a web page)."""
    head = raw[:16]
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return name
    return None


def file_extraction(raw: bytes, url: str, kind: str, extractor_version: str) -> Extraction:
    """The extraction of a document that is a file of format ``kind``: the file itself as its
    one attachment, hashed."""
    name = file_name(url) or url
    return Extraction(
        url=url, title=None, text="", metadata={}, metadata_raw={},
        attachments=(Attachment(name, url, hashlib.sha256(raw).hexdigest(), len(raw)),),
        published=None, encoding="binary", extractor_version=extractor_version,
        warnings=(f"the document is a file ({kind}, {len(raw):,} bytes): kept whole and hashed "
                  "as its attachment; its title is the list's",),
        is_file=True)
