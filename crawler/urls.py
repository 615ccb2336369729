"""One canonical URL per document.

Portals add parameters that change on every visit (``_t=1611712345678``, ``timestamp=…``,
``;jsessionid=…``, a random ``r=0.123``) and links carry fragments; left in, each would make the
same document a new one on every crawl. w3lib's ``canonicalize_url`` (Scrapy's own) sorts the
remaining query and normalises percent-encoding; the list of volatile parameters is govwatch's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

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


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def in_domains(url: str, domains: list[str]) -> bool:
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in domains)


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
