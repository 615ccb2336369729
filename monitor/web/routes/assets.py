"""The stylesheet and icon, served from ``templates/web/static/`` (style-src 'self': no inline
styles anywhere, so the CSP needs no 'unsafe-inline')."""

from __future__ import annotations

import hashlib
from functools import cache

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from monitor.templating import templates_dir
from monitor.web.deps import not_found

router = APIRouter(include_in_schema=False)

ASSETS = {"govwatch.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml"}


@cache
def _asset(name: str) -> tuple[bytes, str]:
    data = (templates_dir() / "web" / "static" / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


@router.get("/static/{name}")
def asset(request: Request, name: str) -> Response:
    if name not in ASSETS:
        raise not_found(f"no asset {name!r}")
    data, etag = _asset(name)
    headers = {"etag": etag, "cache-control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=ASSETS[name], headers=headers)
