"""Bytes to text for Chinese portals.

Order of evidence: a per-site override, a byte-order mark, the HTTP header's charset, the page's
``<meta>`` charset, then detection (charset-normalizer, limited to the encodings Chinese portals
use). Every declaration is checked against the bytes before it is believed:

- Portals declare gb2312 and serve GBK or GB18030 characters (生僻字 in names), so every GB family
  label decodes as gb18030, its superset.
- A header saying ISO-8859-1 is a server default, not a statement about the page: the Jiangxi
  portal sends a bare ``text/html`` and clients then fall back to Latin-1. Latin-1 is never
  used, so the result is never Latin-1 mojibake.
- A page declared UTF-8 whose bytes are GBK (a template re-encoded, the articles not), or
  declared gb2312 whose bytes are valid UTF-8 (a CMS migrated to UTF-8 that kept the old
  ``<meta>``): the bytes win. Valid multi-byte UTF-8 is practically never an accident, so a GB
  declaration yields to it; a few bad bytes in a page that is otherwise what it declares (a
  truncated response) are replaced rather than sending the page to detection.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_GB = frozenset({"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "ms936", "euc-cn", "gb18030",
                 "csgb2312", "x-euc-cn", "windows-936", "hz-gb-2312"})
_WEAK = frozenset({"iso8859-1", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii",
                   "windows-1252", "cp1252"})
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_\-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# What detection may answer: the encodings Chinese government portals are served in.
_PORTAL_ENCODINGS = ["utf_8", "gb18030", "big5"]
_MAX_BAD_SHARE = 0.01   # up to 1% undecodable characters: damage, not a wrong charset
_MAX_BAD = 50


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None   # why a declared charset was not used, or bytes were replaced


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
    return "gb18030" if name in ("gb2312", "gbk", "hz") else name


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER.search(content_type)
    return canonical(match.group(1)) if match else None


def meta_charset(raw: bytes) -> str | None:
    match = _META.search(raw[:8192])
    return canonical(match.group(1).decode("ascii", "ignore")) if match else None


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _nearly(raw: bytes, encoding: str) -> str | None:
    """The text if only a few characters are undecodable (a truncated or damaged response)."""
    try:
        text = raw.decode(encoding, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    wide = len(text) - len(text.encode("ascii", "ignore")) or 1
    return text if bad <= _MAX_BAD and bad / wide <= _MAX_BAD_SHARE else None


def detect(raw: bytes) -> str | None:
    """charset-normalizer's answer among the encodings portals use, or None."""
    best = from_bytes(raw[:200_000], cp_isolation=_PORTAL_ENCODINGS).best()
    return canonical(best.encoding) if best else None


def decode_page(raw: bytes, content_type: str | None = None,
                override: str | None = None) -> Decoded:
    """The page's text; never raises (undecodable bytes become U+FFFD)."""
    if override:
        encoding = canonical(override) or override
        return Decoded(raw.decode(encoding, errors="replace"), encoding)
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return Decoded(raw[len(bom):].decode(encoding, errors="replace"), encoding)
    if raw.isascii():
        return Decoded(raw.decode("ascii"), "utf-8")
    declared = [e for e in (header_charset(content_type), meta_charset(raw))
                if e and e not in _WEAK]
    utf8 = _strict(raw, "utf-8")
    for encoding in dict.fromkeys(declared):
        if encoding == "gb18030" and utf8 is not None:
            return Decoded(utf8, "utf-8", "declared gb2312/gbk, but the bytes are UTF-8")
        text = utf8 if encoding == "utf-8" else _strict(raw, encoding)
        if text is not None:
            return Decoded(text, encoding)
        text = _nearly(raw, encoding)
        if text is not None:
            return Decoded(text, encoding, f"a few bytes are not {encoding} and were replaced")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", _mismatch(declared, "utf-8"))
    # Detection answers utf-8, gb18030 or big5, and its answer is used only if the bytes decode
    # strictly in it. UTF-8 has failed; when Big5 fails too and GB18030 fits, every answer ends
    # in GB18030 below — so detection, which costs more than decoding and parsing the page
    # together, is skipped (an undeclared GBK page is the usual case).
    gb18030 = _strict(raw, "gb18030")
    if gb18030 is not None and _strict(raw, "big5") is None:
        return Decoded(gb18030, "gb18030", _mismatch(declared, "gb18030"))
    detected = detect(raw)
    for candidate in (detected, "gb18030"):
        strict = _strict(raw, candidate) if candidate else None
        if candidate and strict is not None:
            return Decoded(strict, candidate, _mismatch(declared, candidate))
    fallback = detected or "utf-8"
    return Decoded(raw.decode(fallback, errors="replace"), fallback,
                   f"no character set fits the bytes; decoded as {fallback} with replacements")


def _mismatch(declared: list[str], used: str) -> str | None:
    if not declared or used in declared:
        return None
    return f"declared {declared[0]}, but the bytes are {used}"


def decode(raw: bytes, content_type: str | None = None,
           override: str | None = None) -> tuple[str, str]:
    """``(text, encoding)``; see ``decode_page``."""
    decoded = decode_page(raw, content_type, override)
    return decoded.text, decoded.encoding
