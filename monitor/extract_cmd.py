"""``govwatch extract``: one saved file or live URL through the extractor."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from crawler.extraction import Extraction, ExtractOptions, extract
from crawler.settings import USER_AGENT
from monitor.exceptions import InputError


def _fetch(url: str) -> tuple[bytes, str | None, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read(), response.headers.get("Content-Type"), response.geturl()
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"{url}: can't fetch ({reason})") from exc


def notes(result: Extraction) -> list[str]:
    """What to tell the user on stderr, so that an empty field is never silent: no body, no
    metadata, and the extractor's other warnings."""
    messages: list[str] = []
    if result.is_file:  # a PDF, a Word file: kept whole, its warning says so
        return list(result.warnings)
    if not result.has_body:
        messages.append("no body text found: \"text\" is empty. The page may be a list page, a "
                        "JavaScript shell or an error page; if the text is there, a "
                        "body_selector override for the site will find it")
    if not result.metadata:
        what = "label/value pairs" if not result.has_metadata else "known labels"
        messages.append(f"no metadata found (no {what}): \"metadata\" is empty. If the page "
                        "has a metadata table, a metadata_selector override for the site will "
                        "find it; its labels can be added to crawler/extraction/labels.yaml")
    messages += [w for w in result.warnings
                 if not w.startswith(("no body text found", "no metadata found"))]
    return messages


def extract_source(source: str, *, url: str | None = None,
                   encoding: str | None = None) -> Extraction:
    """Extract a file path or an http(s) URL. ``url`` names the page a saved file came from."""
    content_type = None
    if source.startswith(("http://", "https://")):
        raw, content_type, final = _fetch(source)
        page_url = url or final
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file (give a saved page or an http(s) URL)")
        raw = path.read_bytes()
        page_url = url or path.resolve().as_uri()
    return extract(raw, page_url, content_type=content_type,
                   options=ExtractOptions(encoding=encoding))
