"""Bytes to text for Chinese portals.

Order of evidence: a per-site override, a byte-order mark, the HTTP header's charset, the page's
``<meta>`` charset, then detection (charset-normalizer). Portals declare gb2312 and serve GBK or
GB18030 characters (生僻字 in names), so every GB family label decodes as gb18030, its superset.
A header saying ISO-8859-1 is usually a server default, not a statement about the page (the
Jiangxi portal sends plain ``text/html``; clients then guess Latin-1), so it never wins over the
page's own declaration.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "ms936", "euc-cn", "gb18030", "csgb2312",
       "x-euc-cn", "windows-936"}
_WEAK = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_\-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def canonical(label: str | None) -> str | None:
    """Python codec name for a charset label, with the GB family widened to gb18030."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER.search(content_type)
    return canonical(match.group(1)) if match else None


def meta_charset(raw: bytes) -> str | None:
    match = _META.search(raw[:8192])
    return canonical(match.group(1).decode("ascii", "ignore")) if match else None


def _clean(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect(raw: bytes) -> str:
    best = from_bytes(raw[:200_000]).best()
    found = canonical(best.encoding) if best else None
    return found or "utf-8"


def decode(raw: bytes, content_type: str | None = None,
           override: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``. Never raises: undecodable bytes become U+FFFD."""
    if override:
        encoding = canonical(override) or override
        return raw.decode(encoding, errors="replace"), encoding
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace"), encoding
    candidates = []
    declared = header_charset(content_type)
    if declared and declared not in _WEAK:
        candidates.append(declared)
    in_page = meta_charset(raw)
    if in_page:
        candidates.append(in_page)
    for encoding in candidates:
        if _clean(raw, encoding):
            return raw.decode(encoding), encoding
    # A declaration that doesn't fit the bytes (utf-8 declared, GBK served, or the reverse):
    # detection decides, and the declared codec only breaks ties.
    detected = detect(raw)
    if _clean(raw, detected) or not candidates:
        return raw.decode(detected, errors="replace"), detected
    return raw.decode(candidates[0], errors="replace"), candidates[0]
