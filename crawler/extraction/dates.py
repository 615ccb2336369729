"""Dates as portals write them (2021-02-18, 2021年2月18日, 2021/2/18 10:44, 二〇二一年二月十八日)
turned into YYYY-MM-DD.

Hand-written rather than dateparser/htmldate: those guess freely (a bare "2021" becomes a full
date, a 文号 such as 〔2020〕160号 can read as a date), while a metadata value must either be a
whole date or stay as found.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from crawler.extraction.vocabulary import words

# 2021-02-18, 2021/2/18, 2021.2.18 and 2021年2月18日 (\u5e74 \u6708 \u65e5: year, month, day).
_NUMERIC = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.\u5e74]\s*)(\d{1,2})\s*"
                      r"(?:[-/.\u6708]\s*)(\d{1,2})\s*\u65e5?(?!\d)")


@cache
def _numerals() -> tuple[dict[str, int], str, re.Pattern[str]]:
    """Digits, the character for ten, and the pattern of a date written in numerals
    (二〇二一年二月十八日), from words.yaml."""
    digits = {str(k): int(v) for k, v in words("numeral_digits").items()}
    ten = str(words("numeral_ten"))
    year = "".join(digits)
    small = "".join(k for k, v in digits.items() if v > 0) + ten
    pattern = re.compile(rf"([{year}]{{4}})\u5e74([{small}]{{1,3}})\u6708([{small}]{{1,3}})\u65e5")
    return digits, ten, pattern


_URL = re.compile(r"(?:/|t|_)((?:19|20)\d{2})[-/]?(0[1-9]|1[0-2])[-/]?(0[1-9]|[12]\d|3[01])"
                  r"(?=[_/\-.]|\d{0,12}\.s?html?)")
_URL_ART = re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    digits, ten, _ = _numerals()
    if text == ten:
        return 10
    if ten in text:
        tens, _, units = text.partition(ten)
        return (digits.get(tens, 1) if tens else 1) * 10 + digits.get(units, 0)
    return digits.get(text, 0)


def find_dates(text: str) -> list[str]:
    """Every date in the text, in order, as YYYY-MM-DD."""
    found: list[tuple[int, str]] = []
    for m in _NUMERIC.finditer(text):
        value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value:
            found.append((m.start(), value))
    digits, _, written = _numerals()
    for m in written.finditer(text):
        year = int("".join(str(digits[c]) for c in m.group(1)))
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
