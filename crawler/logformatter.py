"""Scrapy logs every item at DEBUG with its repr; a PageResult carries a whole page, so say
which URL and what came of it instead."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class BriefLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        outcome = getattr(item, "outcome", "")
        url = getattr(item, "url", "")
        result["msg"] = "%(kind)s %(url)s: %(outcome)s"
        result["args"] = {"kind": type(item).__name__, "url": url, "outcome": outcome}
        return result
