"""One canonical URL per document."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, in_domains, join_url


@pytest.mark.parametrize(("url", "canonical"), [
    ("http://A.gov.cn:80/x/t20210301_1.html#top", "http://a.gov.cn/x/t20210301_1.html"),
    ("http://a.gov.cn/x.html?_t=1611712345678", "http://a.gov.cn/x.html"),
    ("http://a.gov.cn/x.html?t=1611712345", "http://a.gov.cn/x.html"),
    ("http://a.gov.cn/x.html?t=news", "http://a.gov.cn/x.html?t=news"),
    ("http://a.gov.cn/x.jsp;jsessionid=0A1B2C?id=5", "http://a.gov.cn/x.jsp?id=5"),
    ("http://a.gov.cn/list.jsp?page=2&uid=3", "http://a.gov.cn/list.jsp?page=2&uid=3"),
    ("http://a.gov.cn/list.jsp?uid=3&page=2", "http://a.gov.cn/list.jsp?page=2&uid=3"),
    ("http://a.gov.cn/d.jsp?id=5&r=0.1234567&utm_source=wx", "http://a.gov.cn/d.jsp?id=5"),
    ("https://a.gov.cn:443/", "https://a.gov.cn/"),
], ids=["fragment-port-case", "_t", "t-timestamp", "t-word", "jsessionid", "sorted",
        "sorted-2", "random-and-tracker", "https-port"])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


@pytest.mark.parametrize(("href", "joined"), [
    ("t20210301_1.html", "http://a.gov.cn/zcwj/t20210301_1.html"),
    ("../art/1.html", "http://a.gov.cn/art/1.html"),
    ("javascript:void(0)", None), ("mailto:x@a.gov.cn", None), ("http://", None),
    ("http://[bad", None), ("\\zcwj\\1.html", "http://a.gov.cn/zcwj/1.html"),
])
def test_join_url(href: str, joined: str | None) -> None:
    assert join_url("http://a.gov.cn/zcwj/index.html", href) == joined


def test_in_domains_takes_subdomains() -> None:
    assert in_domains("http://zwgk.wuxi.gov.cn/x", ["wuxi.gov.cn"])
    assert not in_domains("http://fakewuxi.gov.cn/x", ["wuxi.gov.cn"])
