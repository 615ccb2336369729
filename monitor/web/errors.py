"""Errors carry an HTTP status; one handler renders them, through ``templates/web/errors/NNN.html``
when there is one for the status and ``errors/error.html`` otherwise. The JSON API gets JSON."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from jinja2 import TemplateNotFound
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from monitor.web.render import render

log = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def error_response(request: Request, status: int, message: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The response for an error status, as a page or as JSON."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    if _wants_json(request):
        return JSONResponse({"status": status, "error": phrase, "detail": message},
                            status_code=status, headers=headers)
    context = {"status": status, "phrase": phrase, "message": message,
               "request_path": request.url.path, "params": {}}
    try:
        body = render(f"web/errors/{status}.html", **context)
    except TemplateNotFound:
        body = render("web/errors/error.html", **context)
    return HTMLResponse(body, status_code=status, headers=headers)


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = None   # Starlette's default detail says nothing the page doesn't
    return error_response(request, exc.status_code, detail,
                          headers=dict(exc.headers) if exc.headers else None)


def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
        for e in exc.errors())
    status = 422 if _wants_json(request) else 400
    return error_response(request, status, problems or None)


def _crash(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
