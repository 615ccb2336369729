"""Download errors (errbacks) as fetch outcomes, each with a one-line reason for the run record.

Scrapy 2.19 raises its own exceptions from every download handler (``DownloadTimeoutError``,
``ResponseDataLossError``, ``DownloadCancelledError`` for ``download_maxsize``…); the Twisted
ones are still matched for handlers and middlewares that raise them directly.
"""

from __future__ import annotations

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.outcomes import FetchOutcome


def failure_outcome(failure: Failure) -> tuple[FetchOutcome, str]:
    """Map a download error to a fetch outcome and a one-line reason."""
    exc = failure.value
    reason = f"{type(exc).__name__}: {exc}"[:300]
    text = reason.lower()
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        return FetchOutcome.TIMEOUT, reason
    if isinstance(exc, ResponseDataLossError) or "dataloss" in text:
        return FetchOutcome.TRUNCATED, reason  # Content-Length longer than the body sent
    if isinstance(exc, DownloadCancelledError) or "maxsize" in text or "max size" in text:
        return FetchOutcome.TOO_LARGE, reason
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in text:
            return FetchOutcome.ROBOTS, reason
        if "redirect" in text:
            # A redirect loop is how cookie walls look to a client without their JavaScript.
            return FetchOutcome.CHALLENGE, f"redirect loop ({reason})"
        return FetchOutcome.HTTP_ERROR, reason
    # Refused, reset, unresolvable (CannotResolveHostError, DownloadConnectionRefusedError,
    # ConnectionLost…) and anything else a download can raise.
    return FetchOutcome.NETWORK_ERROR, reason
