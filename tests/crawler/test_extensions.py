"""The progress line tells a slow portal from a stuck or blocked one."""

from __future__ import annotations

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.extensions import Progress


def test_progress_line_counts_lists_documents_rate_and_queue() -> None:
    crawler = get_crawler(Spider, {"GOVWATCH_PROGRESS_INTERVAL": 30})
    assert crawler.stats is not None
    stats = crawler.stats
    for name, value in {"govwatch/list/ok": 3, "govwatch/list/challenge": 1,
                        "govwatch/document/new": 40, "govwatch/document/failed": 2,
                        "scheduler/enqueued": 70, "scheduler/dequeued": 50,
                        "downloader/request_count": 55, "retry/count": 4}.items():
        stats.set_value(name, value)
    progress = Progress(crawler, 30)
    progress.started -= 90  # a minute and a half in
    line = progress.line(Spider(name="wuxi-fgw"))
    assert line.startswith("wuxi-fgw: 1m30s · 4 list pages (1 failed) · 42 documents "
                           "(failed 2, new 40)")
    assert "0.5/s" in line and "20 queued" in line and "55 requests" in line
    assert line.endswith("4 retries")
