"""Dates as portals write them (2021-02-18, 2021年2月18日, 2021/2/18 10:44, 二〇二一年二月十八日)
turned into YYYY-MM-DD.

Hand-written rather than dateparser/htmldate: those guess freely (a bare "2021" becomes a full
date, a 文号 such as 〔2020〕160号 can read as a date), while a metadata value must either be a
whole date or stay as found.
"""

from __future__ import annotations

import re
from datetime import date

_NUMERIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.年]\s*)(\d{1,2})\s*(?:[-/.月]\s*)(\d{1,2})\s*日?(?!\d)")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                 r"([一二三四五六七八九十]{1,3})日")
_URL = re.compile(r"(?:/|t|_)((?:19|20)\d{2})[-/]?(0[1-9]|1[0-2])[-/]?(0[1-9]|[12]\d|3[01])"
                  r"(?=[_/\-.]|\d{0,12}\.s?html?)")
_URL_ART = re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0))
    return _CN_DIGITS.get(text, 0)


def find_dates(text: str) -> list[str]:
    """Every date in the text, in order, as YYYY-MM-DD."""
    found: list[tuple[int, str]] = []
    for m in _NUMERIC.finditer(text):
        value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value:
            found.append((m.start(), value))
    for m in _CN.finditer(text):
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        value = _valid(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
        if value:
            found.append((m.start(), value))
    return [v for _, v in sorted(found)]


def parse_date(text: str | None) -> str | None:
    """The date a metadata value states, or None when it states no single date."""
    if not text:
        return None
    dates = find_dates(text)
    return dates[0] if dates else None


def date_from_url(url: str) -> str | None:
    """TRS ``t20210218_123.html``, ``/202102/t20210218…``, Hanweb ``/art/2021/2/18/art_…``."""
    m = _URL_ART.search(url)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _URL.search(url)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None
