"""``govwatch sites --check``: fetch each start URL once and show what discovery finds there.

For a user adding a portal: does govwatch see the documents of this 栏目, which CMS family did it
recognise, where does the list continue, and if it finds nothing, why (a WAF challenge, a list
rendered by JavaScript, robots.txt)? One polite request per column (and one for robots.txt),
with the crawler's user agent; no crawl, nothing stored.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler.discovery import ListLink, discover
from crawler.extraction.encoding import decode
from crawler.faults import diagnose, landing
from crawler.outcomes import FetchOutcome
from crawler.pagination import NextPage, xml_encoding
from monitor.config import SiteConfig

TIMEOUT = 30.0


@dataclass(frozen=True)
class ColumnCheck:
    url: str
    outcome: FetchOutcome
    status: int | None = None
    reason: str | None = None
    family: str | None = None
    links: tuple[ListLink, ...] = ()
    next: tuple[NextPage, ...] = ()
    scripted: bool = False
    says_empty: bool = False
    offsite: tuple[str, ...] = ()
    fetched_url: str | None = None  # where redirects took the request, if anywhere

    @property
    def ok(self) -> bool:
        return self.outcome == FetchOutcome.OK and bool(self.links)


def _get(url: str, user_agent: str, timeout: float) -> tuple[int, str | None, bytes, str]:
    """Status, Content-Type, body, and the URL that answered: urllib follows redirects (as the
    crawl does), and a page's relative links are relative to where it landed (/zcwj answering
    301 → /zcwj/ lists ./202103/t…html under /zcwj/)."""
    request = urllib.request.Request(url, headers={
        "User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9",
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return (response.status, response.headers.get("Content-Type"), response.read(),
                    response.url or url)
    except urllib.error.HTTPError as error:
        with error:
            return (error.code, error.headers.get("Content-Type"), error.read(),
                    error.url or url)


def robots_allow(url: str, user_agent: str, timeout: float = TIMEOUT) -> bool:
    parts = urlsplit(url)
    try:
        status, _, body, _ = _get(f"{parts.scheme}://{parts.netloc}/robots.txt", user_agent,
                                  timeout)
    except OSError:
        return True  # no robots.txt to read: allowed, as Scrapy's middleware decides
    if status != 200:
        return True
    robots = Protego.parse(body.decode("utf-8", errors="replace"))
    return bool(robots.can_fetch(url, user_agent))


def check_column(site: SiteConfig, url: str, user_agent: str,
                 timeout: float = TIMEOUT) -> ColumnCheck:
    if site.obey_robots and not robots_allow(url, user_agent, timeout):
        return ColumnCheck(url, FetchOutcome.ROBOTS, reason="robots.txt forbids it")
    try:
        status, content_type, body, fetched = _get(url, user_agent, timeout)
    except TimeoutError as exc:
        return ColumnCheck(url, FetchOutcome.TIMEOUT, reason=str(exc))
    except OSError as exc:
        return ColumnCheck(url, FetchOutcome.NETWORK_ERROR, reason=str(exc))
    landed = fetched if fetched != url else None
    # As the crawl judges it: a column redirected to 首页 or a login page is not the column.
    moved = landing(url, fetched) if landed else None
    if moved is not None:
        return ColumnCheck(url, moved.outcome, status, moved.reason, fetched_url=landed)
    source, _ = decode(body, content_type, site.encoding or xml_encoding(body))
    verdict = diagnose(status, source)
    if verdict.outcome != FetchOutcome.OK:
        return ColumnCheck(url, verdict.outcome, status, verdict.reason, fetched_url=landed)
    listing = discover(source, fetched, domains=site.domains, link_pattern=site.link_pattern,
                       list_selector=site.list_selector,
                       next_page_selector=site.next_page_selector)
    return ColumnCheck(url, FetchOutcome.OK, status, None, listing.family, listing.links,
                       listing.next, listing.scripted, listing.says_empty, listing.offsite,
                       fetched_url=landed)


def check_site(site: SiteConfig, user_agent: str, timeout: float = TIMEOUT
               ) -> list[ColumnCheck]:
    return [check_column(site, url, user_agent, timeout) for url in site.start_urls]
