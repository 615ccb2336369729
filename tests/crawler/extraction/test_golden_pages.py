"""Hand-written portal pages modelled on the real templates (tests/golden/pages.yaml)."""

from __future__ import annotations

import pytest

from crawler.extraction import extract
from tests.crawler.extraction.golden import PageCase, check, page_cases


@pytest.mark.parametrize("case", page_cases(), ids=lambda c: c.id)
def test_page(case: PageCase) -> None:
    raw, content_type = case.serve()
    x = extract(raw, case.case["url"], content_type=content_type)
    assert check(x, case.case["expect"]) == []
