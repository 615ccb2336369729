"""Rendering pages: the shared jinja2 environment (``monitor.templating``, autoescaped) with the
browser's own helpers as filters and globals. Markup lives in ``templates/web/``, never here."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse

from monitor import links
from monitor.templating import environment


def safe_url(value: object) -> str | None:
    """A URL from a crawled page that may be a link target: http(s) only, so a ``javascript:``
    or ``data:`` address in a page's attachment list is shown as text, never followed."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def with_query(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``path`` with the current filters, some changed (None or "" drops one)."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, "1" if value is True else str(value)))
    return path + ("?" + urlencode(pairs) if pairs else "")


def size(value: int | None) -> str:
    if value is None:
        return ""
    amount = float(value)
    for unit in ("B", "KB", "MB"):
        if amount < 1024 or unit == "MB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} MB"


@cache
def web_environment() -> Environment:
    # An overlay: shares the loader, cache and filters (local_time, thousands) with mail
    # templates without adding the browser's helpers to theirs.
    env = environment().overlay()
    env.filters["safe_url"] = safe_url
    env.filters["size"] = size
    env.globals.update(
        with_query=with_query,
        document_path=links.document_path,
        version_path=links.version_path,
        diff_path=links.diff_path,
        site_path=links.site_path,
    )
    return env


def render(name: str, **context: Any) -> str:
    return web_environment().get_template(name).render(**context)


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page of the browser: ``templates/web/NAME`` with the request's path and query."""
    body = render(f"web/{name}", request_path=request.url.path,
                  params=dict(request.query_params), **context)
    return HTMLResponse(body, status_code=status_code)
