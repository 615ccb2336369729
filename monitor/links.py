"""Addresses of archive pages, shared by digests (links back) and the web app (routes)."""

from __future__ import annotations

from urllib.parse import quote


def document_path(document_id: int) -> str:
    return f"/documents/{document_id}"


def version_path(document_id: int, n: int) -> str:
    return f"/documents/{document_id}/versions/{n}"


def diff_path(document_id: int, old: int, new: int) -> str:
    return f"/documents/{document_id}/diff?a={old}&b={new}"


def site_path(site_id: str) -> str:
    return f"/sites/{quote(site_id)}"


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path
