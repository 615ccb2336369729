"""Redirects: followed, and told apart from the page asked for.

gov.cn portals redirect all the time — http→https, ``/zcwj`` → ``/zcwj/``, a document's old
``/art/…`` URL to its new ``/zfxxgk/…`` one — and a removed document's URL to 首页, a login wall
to its SSO page. Scrapy's RedirectMiddleware follows 301/302/303/307/308 (up to
REDIRECT_MAX_TIMES) unless a request asks to see every status: the spider's requests name the
statuses they read themselves instead (``INSPECTED``), and judge where a fetch landed with
``crawler.faults.landing``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.datatypes import SequenceExclude

from crawler.faults import Verdict, landing

# Every status but the redirects: 304, the 4xx and 5xx error pages ``faults.diagnose`` reads,
# the jpage fallback's 400/405. ``handle_httpstatus_all`` handed the redirects to the callbacks
# unread — a column at /zcwj answering 301 → /zcwj/ failed the run, and a document moved with a
# 301 was an http_error on every run. A redirect status without a Location header still reaches
# the errback (HttpError: an http_error outcome).
INSPECTED = SequenceExclude((301, 302, 303, 307, 308))


def asked_url(request: Request | None, fallback: str) -> str:
    """The URL the spider asked for, before any redirect: RedirectMiddleware keeps the URLs a
    request went through in ``meta["redirect_urls"]``."""
    if request is None:
        return fallback
    chain = request.meta.get("redirect_urls")
    return str(chain[0]) if chain else request.url


def moved(request: Request | None, response: Response) -> Verdict | None:
    """Why a redirected fetch is not the page asked for — it landed on 首页, a column's index,
    a login or an error page — or None (not redirected, or to a page of the same kind)."""
    if request is None or not request.meta.get("redirect_urls"):
        return None
    return landing(asked_url(request, response.url), response.url)
