"""Documents that are files: a list row that links straight to a PDF, a Word or WPS file, an OFD
or a spreadsheet, with no HTML page around it (规划 and 政策文件 columns of small portals often
publish so).

Such a document is its file: the file's hash is kept as the document's one attachment, so a
replaced file is a change and the same bytes are not. A PDF's text is read too (pypdf), line by
line, so a change inside it is diffed like a page's — the numbers that moved, the words that
changed. Its title is the one the list gives it (the document's ``list_title``): a file has no
metadata table, and its first line is not reliably its title. The same bytes always read the
same (``govwatch reextract`` included).

Files are told by their first bytes, never by the URL or the Content-Type alone: a portal that
answers a file's URL with an HTML error page must have that page judged as a page
(``crawler.faults``), and servers label files ``application/octet-stream`` or ``text/plain``.
(A byte-signature table, not libmagic: the handful of formats portals publish is known, and
python-magic would add a system library to every install for them.)
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import re
import unicodedata

import pypdf

from crawler.extraction.attachments import file_name
from crawler.extraction.result import Attachment, Extraction

log = logging.getLogger(__name__)
# pypdf logs every oddity of a file it still reads ("EOF marker not found"): a portal's PDFs are
# not ours to repair, and a crawl's log would fill with them.
logging.getLogger("pypdf").setLevel(logging.ERROR)

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


MAX_PAGES = 300  # pages of a PDF read for its text (a 规划纲要 runs to 150)
# PDF fonts often map ideographs to the radical blocks: the Kangxi radicals (U+2F00–2FD5, which
# NFKC folds) and the CJK Radicals Supplement (U+2E80–2EF3, which it does not: these are the
# simplified forms printed in mainland documents, from Unicode's EquivalentUnifiedIdeograph
# data, which Python does not ship).
_RADICALS = str.maketrans({
    "\u2e81": "厂", "\u2e87": "几", "\u2e8c": "小", "\u2e9f": "母", "\u2ea0": "民",
    "\u2ea9": "王", "\u2eae": "竹", "\u2eb6": "羊", "\u2ec1": "虎", "\u2ec4": "西",
    "\u2ec5": "见", "\u2ec6": "角", "\u2ec9": "贝", "\u2ecb": "车", "\u2ed1": "長",
    "\u2ed3": "长", "\u2ed4": "门", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2ee2": "马",
    "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤",
    "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐", "\u2eee": "齿",
    "\u2ef0": "龙", "\u2ef3": "龟",
})
_KANGXI = re.compile("[\u2f00-\u2fd5]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
# Page furniture a PDF repeats on every page: page numbers (- 3 -, 第3页 共12页, 3/12).
_PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|"
                          r"\d+\s*/\s*\d+)$")


def _line(text: str) -> str:
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _SPACES.sub(" ", text.translate(_RADICALS)).strip()


def pdf_text(raw: bytes) -> tuple[str, str]:
    """A PDF's text, a line of the page a line (page numbers left out), and what was read of
    it. A scanned PDF (pictures of pages) has no text; an encrypted or broken one is read as
    far as pypdf can."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        pages = reader.pages
        count = len(pages)
        lines: list[str] = []
        for page in itertools.islice(pages, MAX_PAGES):  # pages are parsed as they are read
            for piece in (page.extract_text() or "").splitlines():
                line = _line(piece)
                if line and not _PAGE_NUMBER.match(line):
                    lines.append(line)
    except Exception as exc:  # pypdf raises many kinds on broken or locked files
        log.info("PDF text not read: %s: %s", type(exc).__name__, exc)
        return "", f"its text could not be read ({type(exc).__name__})"
    if not lines:
        return "", f"no text in its {count} page(s) (a scan?)"
    read = f"its first {MAX_PAGES} of {count} pages" if count > MAX_PAGES else \
        f"its {count} page(s)"
    return "\n".join(lines), f"text read from {read}"


def file_extraction(raw: bytes, url: str, kind: str, extractor_version: str) -> Extraction:
    """The extraction of a document that is a file of format ``kind``: the file itself as its
    one attachment, hashed, and a PDF's text."""
    name = file_name(url) or url
    text, read = pdf_text(raw) if kind == "pdf" else ("", "its text is not read")
    return Extraction(
        url=url, title=None, text=text, metadata={}, metadata_raw={},
        attachments=(Attachment(name, url, hashlib.sha256(raw).hexdigest(), len(raw)),),
        published=None, encoding="binary", extractor_version=extractor_version,
        warnings=(f"the document is a file ({kind}, {len(raw):,} bytes): kept whole and hashed "
                  f"as its attachment, {read}; its title is the list's",),
        is_file=True)
