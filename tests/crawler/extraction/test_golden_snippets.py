"""One markup question each (tests/golden/snippets.yaml): metadata, title and date rules."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.extraction import extract
from tests.crawler.extraction.golden import check, load

URL = "http://www.example.gov.cn/zcwj/doc_1.html"


def _page(html: str) -> bytes:
    head, body = ("", html) if not html.lstrip().startswith("<head>") else \
        html.split("</head>", 1)
    head = head.replace("<head>", "")
    return (f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
            .encode())


@pytest.mark.parametrize("case", load("snippets.yaml")["cases"], ids=lambda c: c["id"])
def test_snippet(case: dict[str, Any]) -> None:
    x = extract(_page(case["html"]), case.get("url", URL))
    assert check(x, case["expect"]) == [], case["rule"]
