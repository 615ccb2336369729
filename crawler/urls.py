"""One canonical URL per document.

Portals add parameters that change on every visit (``_t=1611712345678``, ``timestamp=…``,
``;jsessionid=…``, a random ``r=0.123``) and links carry fragments; left in, each would make the
same document a new one on every crawl. w3lib's ``canonicalize_url`` (Scrapy's own) sorts the
remaining query and normalises percent-encoding; the list of volatile parameters is govwatch's.

``canonical_url`` is also the stored identity of every archived document, and the URL the crawler
fetches, so its output form is frozen: it keeps ``http``/``https``, ``www.``, a ``//`` in the path
and a trailing ``index.html`` as the portal wrote them. Folding any of these in the canonical form
would give every stored document whose URL has that form a new identity (a "new" document, the
old one "removed"), and ``/dir/`` is not always served where ``/dir/index.html`` is (a server
whose directory index is ``index.shtml`` or ``default.aspx`` answers 403). Instead:

- ``same_page`` compares two URLs the way a portal serves them (scheme, ``www.``, ``//`` and the
  directory index folded): for pagers ("is this link the current page?") and for one document
  linked twice on a list page;
- ``scheme_variants`` gives the other spellings of a URL (scheme and a leading ``www.``) that the
  archive lookup (``Repository.find_documents``) tries when the exact URL is not stored, so a
  portal that moves to https keeps its documents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from tldextract import TLDExtract  # imported when first needed: it pulls in requests

# Parameters that never select content on portals: cache busting, sessions, trackers.
VOLATILE_PARAMS = frozenset({
    "_", "_t", "t_", "timestamp", "ts", "_ts", "time", "rnd", "random", "rand", "r_", "nocache",
    "jsessionid", "phpsessid", "sessionid", "sid", "aspsessionid", "cfid", "cftoken",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "spm", "from",
    "isappinstalled", "share_token", "v_t",
})
# Names that are volatile only with a timestamp-like or random-looking value (t=1611712345 is
# cache busting; t=news is not).
_TIMESTAMP_PARAMS = frozenset({"t", "v", "r", "tm", "d"})
_TIMESTAMP = re.compile(r"^(?:\d{10}|\d{13}|0?\.\d{6,})$")
_SESSION_IN_PATH = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.I)


def _keep(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered in VOLATILE_PARAMS:
        return False
    return not (lowered in _TIMESTAMP_PARAMS and _TIMESTAMP.match(value))


def canonical_url(url: str) -> str:
    """Drop the fragment, session ids and cache-busting parameters; normalise the rest."""
    parts = urlsplit(url.strip())
    path = _SESSION_IN_PATH.sub("", parts.path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keep(k, v)]
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if parts.port and not ((parts.scheme == "http" and parts.port == 80)
                           or (parts.scheme == "https" and parts.port == 443)):
        netloc = f"{host}:{parts.port}"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


# A directory's index file: /zcwj/index.html is /zcwj/ (TRS, Hanweb and most static portals).
_DIRECTORY_INDEX = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.I)
_SLASHES = re.compile(r"/{2,}")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def in_domains(url: str, domains: list[str]) -> bool:
    """Is the URL's host one of ``domains`` or below one? ``www.x.gov.cn`` also admits the bare
    ``x.gov.cn``: portals link their own documents by either name (the same site)."""
    host = host_of(url)
    return any(host == d or host.endswith("." + d) or (d.startswith("www.") and host == d[4:])
               for d in domains)


@lru_cache(maxsize=1)
def _suffixes() -> TLDExtract:
    from tldextract import TLDExtract

    # The Public Suffix List snapshot bundled with tldextract, never a download: the machines
    # that crawl reach the portals and nothing else, and which domains a site may crawl must not
    # depend on a fetch (nor change when a cache is refreshed).
    return TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=256)
def registrable_domain(host: str) -> str:
    """The domain a registrant holds under its public suffix: ``dingxi.gov.cn`` for
    ``www.dingxi.gov.cn`` and ``zwgk.dingxi.gov.cn`` (gov.cn is a public suffix); ``www.gov.cn``
    for itself. A host with none (an IP address, localhost) is its own."""
    host = host.lower().rstrip(".")
    return _suffixes()(host).top_domain_under_public_suffix or host


def same_page(a: str, b: str) -> bool:
    """Do two URLs name the same page as a portal serves it? Scheme, a leading ``www.``, runs of
    ``/`` and a directory index (``/zcwj/`` is ``/zcwj/index.html``) do not matter."""
    return page_key(a) == page_key(b)


def page_key(url: str) -> str:
    """``url`` without what ``same_page`` ignores: a comparison key, never fetched or stored."""
    parts = urlsplit(canonical_url(url))
    path = _DIRECTORY_INDEX.sub("/", _SLASHES.sub("/", parts.path)) or "/"
    netloc = _bare(parts.netloc)
    return urlunsplit(("", netloc, path, parts.query, ""))


def scheme_variants(url: str) -> list[str]:
    """The other spellings of a canonical URL that name the same document on a portal: the other
    scheme, and the host with or without ``www.``. Nearest first (same host, other scheme)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return []
    other = "https" if parts.scheme == "http" else "http"
    host = parts.netloc
    alias = host[4:] if host.startswith("www.") else f"www.{host}"
    spellings = [(other, host), (parts.scheme, alias), (other, alias)]
    return [urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
            for scheme, netloc in spellings]


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``; None unless it is an http(s) URL (javascript:,
    mailto:, data: and broken hrefs such as ``http://`` with no host are not links to fetch)."""
    href = href.strip().replace("\\", "/")  # IIS-style hrefs (\zcwj\1.html) some CMSs write
    try:
        own = urlsplit(href)
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None  # "http://[bad" and other unparseable hrefs portals do publish
    if own.scheme and not own.netloc and own.scheme in ("http", "https"):
        return None  # "http://" alone, or "http:foo.html"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url
