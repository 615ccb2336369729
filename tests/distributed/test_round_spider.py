"""A worker of a round waiting for the others: it stays open, and asks Scrapy's engine to look
at the shared frontier again soon rather than at the engine's 5-second heartbeat (without that, a
round of four workers was no faster than a single process: see benchmarks/distributed_crawl.py)."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.core.engine import ExecutionEngine, _Slot
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.reactor import CallLaterOnce
from scrapy.utils.test import get_crawler

from crawler.context import CrawlState
from crawler.round_spider import IDLE_POLL, RoundSpider
from crawler.rounds import Action


class _NextCall:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def schedule(self, delay: float = 0) -> None:
        self.delays.append(delay)


class _Round:
    def __init__(self, *actions: Action) -> None:
        self.actions = list(actions)

    def idle(self, snapshot: dict[str, Any]) -> Action:
        return self.actions.pop(0)


def _worker(round_: _Round, nextcall: _NextCall) -> RoundSpider:
    spider = RoundSpider.__new__(RoundSpider)  # no site, database or Redis needed for _idle
    spider.crawler = SimpleNamespace(  # type: ignore[assignment]
        stats=None, engine=SimpleNamespace(_slot=SimpleNamespace(nextcall=nextcall)))
    spider.context = SimpleNamespace(state=CrawlState())  # type: ignore[assignment]
    spider.round = round_  # type: ignore[assignment]
    return spider


def test_a_waiting_worker_stays_open_and_looks_again_soon() -> None:
    nextcall = _NextCall()
    spider = _worker(_Round(Action.WAIT), nextcall)
    with pytest.raises(DontCloseSpider):
        spider._idle()
    assert nextcall.delays == [IDLE_POLL]
    assert IDLE_POLL < ExecutionEngine._SLOT_HEARTBEAT_INTERVAL


def test_a_leaving_worker_closes_without_polling() -> None:
    nextcall = _NextCall()
    spider = _worker(_Round(Action.LEAVE), nextcall)
    spider._idle()  # returns: Scrapy closes the spider
    assert nextcall.delays == []


def test_the_engine_hook_is_where_the_worker_looks_for_it() -> None:
    # Scrapy is pinned exactly; this fails on an upgrade that moves the engine's "look again"
    # call, instead of rounds silently slowing down to one look every five seconds.
    engine = ExecutionEngine(get_crawler(Spider), lambda spider: None)
    assert hasattr(engine, "_slot")
    assert "nextcall" in inspect.signature(_Slot.__init__).parameters
    assert "delay" in inspect.signature(CallLaterOnce.schedule).parameters
