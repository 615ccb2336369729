"""Attachments of a document page: downloaded within a size limit, hashed, and stored with the
page's version, so that a file replaced at the same URL is a change.

Each file is asked for conditionally with the validators its last download answered: an
unchanged file costs a 304, not its bytes. A file linked from several pages is fetched once a
run. A page that is itself unchanged (a 304, or the same bytes) still has its known files
rechecked: static portals (TRS, Hanweb) replace an attachment at the same URL without touching
the page, and that replaced file is the change a user must hear about.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extraction import Attachment
from crawler.failures import failure_outcome
from crawler.faults import classify_status
from crawler.items import FetchedAttachment, PageResult
from crawler.outcomes import FetchOutcome
from crawler.redirects import INSPECTED, moved

if TYPE_CHECKING:
    from crawler.context import CrawlContext
    from monitor.store.records import DocumentRecord

ATTACHMENTS_REMEMBERED = 2000  # shared files remembered per run (their hashes, not bytes)
_PAGE_SUFFIXES = (".htm", ".html", ".shtml")


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def conditional(etag: str | None, modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators of the last fetch."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    return headers


def _replaced(fetched: FetchedAttachment, previous: dict[str, dict[str, Any]]) -> bool:
    """Downloaded with other bytes than the last version had at that URL."""
    known = previous.get(fetched.url, {}).get("sha256")
    return bool(fetched.sha256) and bool(known) and fetched.sha256 != known


class AttachmentDownloads:
    """The attachment half of ``PortalSpider`` (a mixin: the callbacks must be spider methods).
    Uses ``attachment_maxsize``, ``attachments_seen``, ``context`` and ``_stat`` from the
    spider."""

    attachment_maxsize: int
    attachments_seen: OrderedDict[str, FetchedAttachment]
    context: CrawlContext

    def _stat(self, name: str) -> None:
        raise NotImplementedError

    def _recheck_attachments(self, doc: DocumentRecord | None, result: PageResult
                             ) -> Iterator[Request | PageResult]:
        """The files of an unchanged page, asked for conditionally. The page is handed on with
        its attachments only when one of them changed (``_next_attachment``): otherwise it is
        a plain unchanged fetch, stored in a batch."""
        previous = self.context.ingestor.attachments_of(doc) if doc is not None else {}
        # A document that is a file has itself as its attachment: the page's 304 answered for it.
        known = [Attachment(str(a.get("name") or url), url) for url, a in previous.items()
                 if a.get("sha256") and url != result.url]
        if not known:
            yield result
            return
        yield from self._next_attachment(result, known, [], previous)

    def _next_attachment(self, result: PageResult, pending: list[Attachment],
                         done: list[FetchedAttachment], previous: dict[str, dict[str, Any]]
                         ) -> Iterator[Request | PageResult]:
        """Download attachments one after another (a page's files share its host's two
        connections with the rest of the crawl), then hand the page on with their hashes."""
        while pending:
            attachment = pending.pop(0)
            if attachment.url in {a.url for a in done}:
                continue
            shared = self.attachments_seen.get(attachment.url)
            if shared is not None:
                # One file linked from several pages (a common 申报表) is fetched once a run;
                # its bytes were stored with the first page that had it.
                self._stat("attachment/reused")
                done = [*done, replace(shared, name=attachment.name)]
                continue
            known = previous.get(attachment.url, {})
            headers = conditional(known.get("etag"), known.get("last_modified")) \
                if known.get("sha256") else {}
            yield Request(attachment.url, callback=self.parse_attachment,
                          errback=self.attachment_failed, dont_filter=True, headers=headers,
                          cb_kwargs={"result": result, "attachment": attachment,
                                     "pending": pending, "done": done, "previous": previous},
                          meta={"handle_httpstatus_list": INSPECTED,
                                "download_maxsize": self.attachment_maxsize,
                                # Files often live on the portal's file server (another host).
                                "allow_offsite": True})
            return
        if result.outcome.is_content and result.outcome != FetchOutcome.OK and not any(
                _replaced(fetched, previous) for fetched in done):
            yield result  # an unchanged page whose files are unchanged too (or unreachable)
            return
        yield replace(result, attachments=tuple(done))

    def parse_attachment(self, response: Response, result: PageResult, attachment: Attachment,
                         pending: list[Attachment], done: list[FetchedAttachment],
                         previous: dict[str, dict[str, Any]]) -> Iterator[Request | PageResult]:
        known = previous.get(attachment.url, {})
        content_type = header(response, "Content-Type")
        landed = moved(response.request, response)
        if landed is not None:
            # A file's URL sent to 首页 or a login page: not the file (a file moved to the
            # portal's file server, or from http to https, is followed and stored as the file).
            self._stat(f"attachment/{landed.outcome}")
            fetched = FetchedAttachment(attachment.name, attachment.url, landed.outcome,
                                        detail=landed.reason)
        elif response.status == 304 and known.get("sha256"):
            self._stat("attachment/not_modified")
            fetched = FetchedAttachment(
                attachment.name, attachment.url, FetchOutcome.NOT_MODIFIED, known["sha256"],
                known.get("size"), content_type, None, known.get("etag"),
                known.get("last_modified"))
        elif 200 <= response.status < 300 and not (
                content_type and "html" in content_type
                and not attachment.url.lower().endswith(_PAGE_SUFFIXES)):
            self._stat("attachment/ok")
            body = response.body
            fetched = FetchedAttachment(
                attachment.name, attachment.url, FetchOutcome.OK,
                hashlib.sha256(body).hexdigest(), len(body), content_type, body,
                header(response, "ETag"), header(response, "Last-Modified"))
        else:
            # An HTML page where a file was linked is an error or wall page, not the file.
            outcome = classify_status(response.status) or FetchOutcome.HTTP_ERROR
            self._stat(f"attachment/{outcome}")
            fetched = FetchedAttachment(attachment.name, attachment.url, outcome,
                                        detail=f"HTTP {response.status} {content_type or ''}")
        if fetched.sha256:
            self.attachments_seen[attachment.url] = replace(fetched, body=None)
            while len(self.attachments_seen) > ATTACHMENTS_REMEMBERED:
                self.attachments_seen.popitem(last=False)
        yield from self._next_attachment(result, pending, [*done, fetched], previous)

    def attachment_failed(self, failure: Failure) -> Iterator[Request | PageResult]:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        outcome, reason = failure_outcome(failure)
        self._stat(f"attachment/{outcome}")
        fetched = FetchedAttachment(kwargs["attachment"].name, kwargs["attachment"].url,
                                    outcome, detail=reason)
        yield from self._next_attachment(kwargs["result"], kwargs["pending"],
                                         [*kwargs["done"], fetched], kwargs["previous"])
