"""``crawler.faults.diagnose`` on the golden table ``faults.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.faults import diagnose, main_text
from crawler.outcomes import FetchOutcome
from tests.crawler.portals import _footer, _header, _sidebar

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("faults.yaml")).read_text(encoding="utf-8"))


def with_chrome(title: str, main: str) -> str:
    links = "".join(f'<li><a href="/col/col{n}/index.html">栏目{n}</a></li>' for n in range(30))
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{_header()}'
            f'<div class="menu"><ul>{links}</ul></div><div class="main">{main}</div>'
            f"{_sidebar()}{_footer()}</body></html>")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_diagnose(case: dict[str, Any]) -> None:
    source = case["html"] if "html" in case else with_chrome(case["title"], case["chrome"])
    verdict = diagnose(case["status"], source)
    assert verdict.outcome == FetchOutcome(case["expect"]), (verdict, case.get("why"))
    assert (verdict.reason is None) == (verdict.outcome == FetchOutcome.OK)


def test_chrome_pages_are_long_but_their_main_text_is_short() -> None:
    source = with_chrome("页面不存在", "<p>页面不存在</p>")
    assert len(source) > 2000 and main_text(source) == "页面不存在"
