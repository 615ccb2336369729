"""Raw page bytes back to text for the snapshot frame, and safe download names."""

from __future__ import annotations

import codecs
import re
from urllib.parse import quote, urlsplit

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, encoding: str | None, content_type: str | None) -> tuple[str, str]:
    """Text of a fetched page and the charset used: the extractor's detected encoding first
    (it handles the GBK pages that declare UTF-8), then the HTTP header's, then UTF-8.
    GB2312 and GBK pages are read as GB18030, their superset, so no character is lost."""
    header = _CHARSET.search(content_type or "")
    for name in (encoding, header.group(1) if header else None, "utf-8"):
        charset = _known(name)
        if charset is None:
            continue
        if charset in ("gb2312", "gbk"):
            charset = "gb18030"
        return data.decode(charset, errors="replace"), charset
    return data.decode("utf-8", errors="replace"), "utf-8"


def download_name(name: object, url: object, index: int) -> str:
    """A Content-Disposition header value: attachment, with the name as the portal gave it
    (RFC 6266 filename*), path separators and control characters removed."""
    base = name if isinstance(name, str) and name.strip() else ""
    if not base and isinstance(url, str):
        base = urlsplit(url).path.rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", base).strip() or f"attachment-{index + 1}"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:100] or "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(base[:200])}"
