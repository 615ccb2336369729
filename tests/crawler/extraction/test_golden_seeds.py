"""The seed documents in every metadata markup and encoding (tests/golden/seeds.yaml): same
metadata, title, date and body whatever the markup or the bytes."""

from __future__ import annotations

import pytest

from crawler.extraction import extract
from tests.crawler.extraction.golden import (
    SeedCase,
    check,
    load,
    render_seed,
    seed_cases,
    seed_paragraphs,
)


@pytest.mark.parametrize("case", seed_cases(), ids=lambda c: c.id)
def test_seed_page(case: SeedCase) -> None:
    raw, content_type = render_seed(case)
    x = extract(raw, case.seed["url"], content_type=content_type)
    wrong = check(x, case.seed["expect"], body="\n".join(seed_paragraphs(case.seed)),
                  chrome=load("seeds.yaml")["chrome_must_not_contain"])
    assert wrong == []


def test_every_markup_and_encoding_is_exercised() -> None:
    cases = seed_cases()
    assert {c.markup for c in cases} >= {"table-pairs", "same-cell", "dl-dd", "ucap-dd-font",
                                         "ul-li", "p-strong", "plain-lines", "div-pairs"}
    assert {c.encoding for c in cases} == set(load("seeds.yaml")["encodings"])
