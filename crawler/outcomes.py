"""What a fetch came to. Only ``OK`` can become a version; everything else is recorded as a fetch
outcome and reported, never stored as content."""

from __future__ import annotations

from enum import StrEnum


class FetchOutcome(StrEnum):
    OK = "ok"                        # content extracted
    UNCHANGED = "unchanged"          # same bytes as last time: extraction skipped
    NOT_MODIFIED = "not_modified"    # 304 to a conditional request
    GONE = "gone"                    # 404 / 410
    SOFT_404 = "soft404"             # 200 with a 页面不存在 (or 该信息已撤销) page
    MAINTENANCE = "maintenance"      # 200 or 503 with a 系统维护中 page
    CHALLENGE = "challenge"          # WAF / JavaScript challenge (412 $_ts, __jsl_clearance…)
    SERVER_ERROR = "server_error"    # 5xx after retries, or 200 saying 系统繁忙 / HTTP Status 500
    THROTTLED = "throttled"          # 429 after retries (or a Retry-After longer than we wait)
    HTTP_ERROR = "http_error"        # other 4xx
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"  # DNS, refused, reset
    TRUNCATED = "truncated"          # body shorter than announced
    ROBOTS = "robots"                # forbidden by robots.txt
    TOO_LARGE = "too_large"
    EMPTY = "empty"                  # fetched, but no body text could be extracted (or only
                                     # a 页面加载中 placeholder a script would have replaced)
    DENIED = "denied"                # a login wall or a 无权限访问 page (200, or a redirect
                                     # to the portal's SSO login)
    REDIRECTED = "redirected"        # redirected away from the document: to 首页, a column's
                                     # index or an error page's URL
    SUSPECT = "suspect"              # a 200 page held back by ingest: it shares nothing with
                                     # the stored version, or reads as an error page that
                                     # still shows the document's title (monitor.ingest)

    @property
    def is_failure(self) -> bool:
        """The fetch says nothing about the document: it neither exists nor changed."""
        return self not in (FetchOutcome.OK, FetchOutcome.UNCHANGED, FetchOutcome.NOT_MODIFIED,
                            FetchOutcome.GONE, FetchOutcome.SOFT_404)

    @property
    def is_gone(self) -> bool:
        return self in (FetchOutcome.GONE, FetchOutcome.SOFT_404)

    @property
    def is_blocking(self) -> bool:
        """The site is refusing us rather than failing: worth reporting as 'blocked'."""
        return self in (FetchOutcome.CHALLENGE, FetchOutcome.ROBOTS)

    @property
    def is_content(self) -> bool:
        """The fetch answered with the document (new, changed or the same as before)."""
        return self in (FetchOutcome.OK, FetchOutcome.UNCHANGED, FetchOutcome.NOT_MODIFIED)
