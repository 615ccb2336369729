"""Dates as portals write them, to YYYY-MM-DD; dates in URLs."""

from __future__ import annotations

import pytest

from crawler.extraction.dates import date_from_url, find_dates, parse_date


@pytest.mark.parametrize(("written", "date"), [
    ("2021-02-18", "2021-02-18"), ("2021/2/18 10:44", "2021-02-18"), ("2021.2.8", "2021-02-08"),
    ("2021年2月18日", "2021-02-18"), ("2021 年 2 月 18 日", "2021-02-18"),
    ("二〇二一年二月十八日", "2021-02-18"), ("二〇二〇年十二月三十一日", "2020-12-31"),
    ("2020-02-20 11:42", "2020-02-20"), ("2007-08-20-23:59:59", "2007-08-20"),
    ("宜政发〔2020〕160号", None), ("2021", None), ("2021-13-01", None), ("", None), (None, None),
])
def test_parse_date(written: str | None, date: str | None) -> None:
    assert parse_date(written) == date


def test_find_dates_in_order() -> None:
    assert find_dates("成文于2021年2月8日，2021-02-18公布") == ["2021-02-08", "2021-02-18"]


@pytest.mark.parametrize(("url", "date"), [
    ("http://x.gov.cn/zcwj/202102/t20210218_3206.shtml", "2021-02-18"),
    ("http://x.gov.cn/art/2021/2/9/art_12377_1486865.html", "2021-02-09"),
    ("http://x.gov.cn/zhengce/content/2021-02/18/content_5587.htm", "2021-02-18"),
    ("http://x.gov.cn/xxgk/202305/7215380191c5400397df5d7d0b5fd06b.shtml", None),
    ("http://x.gov.cn/doc/12345.html", None),
])
def test_date_from_url(url: str, date: str | None) -> None:
    assert date_from_url(url) == date
