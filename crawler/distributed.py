"""Scrapy components for crawling one site from several processes: scrapy-redis's frontier (a
shared request queue and duplicate filter in Redis), made to work with Scrapy 2.19 and with
govwatch's rounds (``crawler.rounds``).

scrapy-redis 0.9.1 predates Scrapy 2.13, and govwatch uses only the parts that still fit:

- its ``Scheduler``, ``PriorityQueue`` and ``RFPDupeFilter``, unchanged in substance;
- not ``RedisSpider``/``RedisMixin``: they feed start URLs through ``start_requests()``, which
  Scrapy 2.13 deprecated and 2.16 stopped calling (start URLs pushed to Redis are then only read
  from the idle signal), their idle handler keeps a spider open forever unless
  ``MAX_IDLE_TIME_BEFORE_CLOSE`` is set, and that idle clock starts when the module is imported
  (a class attribute). A round needs a different end anyway: ``crawler.round_spider``.

What is changed here, and why:

- ``RoundScheduler``: scrapy-redis passes ``spider=`` to the stats collector, deprecated since
  Scrapy 2.13 (a ``ScrapyDeprecationWarning`` per request);
- ``RoundQueue``: takes a request and marks the worker busy in one atomic step (``Round.pop``),
  and only while the round it was started for is still the site's round;
- ``SCHEDULER_PERSIST = True``: otherwise the first worker to close empties the shared queue and
  duplicate filter under the others' feet; the round deletes them when it ends;
- ``RetryingStorePipeline``: two workers may store the same document at the same moment;
- ``FetchTimer``: the request's start time was taken by whichever worker made the request, on
  another machine's clock.

The queue holds requests as pickles (scrapy-redis's serializer, needed for the spider's callback
arguments): whoever can write to the Redis database can make the workers run code. Keep Redis on
a private network with a password (``redis://:PASSWORD@host:6379/0`` or ``rediss://``).
"""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from sqlalchemy.exc import DBAPIError, IntegrityError

from crawler import settings as base_settings
from crawler.pipelines import StorePipeline

log = logging.getLogger(__name__)

# Serialization failures and deadlocks between two workers' transactions (PostgreSQL SQLSTATEs).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
STORE_ATTEMPTS = 4


def distributed_settings(redis_url: str, prefix: str) -> dict[str, Any]:
    """The Scrapy settings of a round's worker (on top of ``crawler.settings``)."""
    return {
        "SCHEDULER": "crawler.distributed.RoundScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.RoundQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        # scrapy-redis reads its duplicate filter from Scrapy's setting of that name.
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # The shared frontier outlives any one worker; the round deletes it when it ends.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "GOVWATCH_REDIS_PREFIX": prefix,
        # N workers on one site make N requests at a time to its host: one each keeps a round
        # of two workers as polite as a single crawl (two per host).
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        # Scrapy takes up to CONCURRENT_REQUESTS requests off the scheduler into its own
        # download queues; a worker holding dozens would leave the others nothing to do.
        "CONCURRENT_REQUESTS": 2,
        "ITEM_PIPELINES": {**base_settings.ITEM_PIPELINES,
                           "crawler.pipelines.StorePipeline": None,
                           "crawler.distributed.RetryingStorePipeline": 300},
        # The run is finished once per round, by crawler.round_spider, not by every worker.
        "EXTENSIONS": {**base_settings.EXTENSIONS,
                       "crawler.extensions.RunRecorder": None,
                       "crawler.round_spider.RoundRecorder": 100},
        "DOWNLOADER_MIDDLEWARES": {"crawler.distributed.FetchTimer": 990},
    }


class RoundQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis has no type hints
    """scrapy-redis's priority queue, popped through the round (``spider.round``)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.round = spider.round
        if self.round.key_requests != self.key:
            raise ValueError(f"SCHEDULER_QUEUE_KEY gives {self.key!r}, the round uses "
                             f"{self.round.key_requests!r}")

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.round.pop()
        return self._decode_request(data) if data else None


class RoundScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis has no type hints
    """scrapy-redis's scheduler without what Scrapy 2.13+ deprecates: ``Spider.log()`` and the
    ``spider=`` arguments to the stats collector (a warning per request)."""

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        if not self.df:  # type: ignore[has-type]  # set by scrapy-redis's __init__
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        log.debug("%s: the shared frontier holds %d requests", spider.name, len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


def is_race(exc: DBAPIError) -> bool:
    """Another worker's transaction got there first: a unique key it inserted (a document of
    the same URL, a blob of the same bytes, a version number), or a deadlock."""
    return isinstance(exc, IntegrityError) or \
        getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


class RetryingStorePipeline(StorePipeline):
    """``StorePipeline``, again when another worker raced this one. Each ingest is one
    transaction, rolled back whole; the retry reads what the other worker stored (the document
    now exists, its content is the same) and so adds no second document, version or event."""

    def process_item(self, item: object) -> object:
        for attempt in itertools.count(1):
            try:
                return super().process_item(item)
            except DBAPIError as exc:
                if attempt >= STORE_ATTEMPTS or not is_race(exc):
                    raise
                log.info("%s: another worker stored it at the same time; reading it again "
                         "(%s)", getattr(item, "url", item), type(exc.orig).__name__)
                if self.crawler.stats:
                    self.crawler.stats.inc_value("govwatch/store/retried")
        raise AssertionError("unreachable")


class FetchTimer:
    """Starts the clock a page's ``duration_ms`` is measured from when it is downloaded: the
    spider sets it when it makes the request, and in a round another worker, with another
    monotonic clock, may fetch it."""

    def process_request(self, request: Request) -> None:
        request.meta["started"] = time.monotonic()
