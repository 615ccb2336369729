"""One canonical URL per document."""

from __future__ import annotations

import pytest

from crawler.urls import (
    canonical_url,
    in_domains,
    join_url,
    registrable_domain,
    same_page,
    scheme_variants,
)


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


@pytest.mark.parametrize("url", [
    "https://www.x.gov.cn/a/t20210310_1.html", "http://x.gov.cn/a/t20210310_1.html",
    "http://x.gov.cn//a/t20210310_1.html", "http://x.gov.cn/zcwj/index.html",
], ids=["https-www", "bare-host", "double-slash", "index.html"])
def test_canonical_form_of_stored_urls_is_kept(url: str) -> None:
    # Archives hold documents under these forms; folding them would orphan those documents
    # (and /zcwj/ is not always served where /zcwj/index.html is).
    assert canonical_url(url) == url


@pytest.mark.parametrize(("a", "b"), [
    ("http://www.x.gov.cn/a/t20210310_1.html", "https://www.x.gov.cn/a/t20210310_1.html"),
    ("http://x.gov.cn/a/t20210310_1.html", "http://www.x.gov.cn/a/t20210310_1.html"),
    ("http://x.gov.cn/zcwj/", "http://x.gov.cn/zcwj/index.html"),
    ("http://x.gov.cn/zcwj/", "http://x.gov.cn/zcwj/index.shtml"),
    ("http://x.gov.cn//a/t20210310_1.html", "http://x.gov.cn/a/t20210310_1.html"),
], ids=["http-https", "www-bare", "dir-index.html", "dir-index.shtml", "double-slash"])
def test_same_page_folds_what_a_portal_serves_alike(a: str, b: str) -> None:
    assert same_page(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("http://x.gov.cn/zcwj/index.html", "http://x.gov.cn/zcwj/index_1.html"),
    ("http://x.gov.cn/list.jsp?page=1", "http://x.gov.cn/list.jsp?page=2"),
    ("http://x.gov.cn/a/index.html", "http://zwgk.x.gov.cn/a/index.html"),
])
def test_same_page_tells_pages_apart(a: str, b: str) -> None:
    assert not same_page(a, b)


def test_scheme_variants_are_the_other_spellings_nearest_first() -> None:
    assert scheme_variants("http://x.gov.cn/a.jsp?id=1") == [
        "https://x.gov.cn/a.jsp?id=1", "http://www.x.gov.cn/a.jsp?id=1",
        "https://www.x.gov.cn/a.jsp?id=1"]
    assert scheme_variants("https://www.x.gov.cn:8443/a.html")[:2] == [
        "http://www.x.gov.cn:8443/a.html", "https://x.gov.cn:8443/a.html"]


def test_in_domains_takes_the_bare_host_of_a_www_domain() -> None:
    assert in_domains("http://example.gov.cn/zcwj/t20210310_1.html", ["www.example.gov.cn"])
    assert not in_domains("http://zwgk.example.gov.cn/x", ["www.example.gov.cn"])


@pytest.mark.parametrize(("host", "domain"), [
    ("www.dingxi.gov.cn", "dingxi.gov.cn"), ("zwgk.dingxi.gov.cn", "dingxi.gov.cn"),
    ("hdzfxxgk.hd.gov.cn", "hd.gov.cn"), ("www.gov.cn", "www.gov.cn"),
    ("fgw.wuxi.gov.cn", "wuxi.gov.cn"), ("www.example.com.cn", "example.com.cn"),
    ("127.0.0.1", "127.0.0.1"), ("localhost", "localhost"),
])
def test_registrable_domain_from_the_bundled_suffix_list(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain
