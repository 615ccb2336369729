"""The round protocol in Redis (crawler.rounds), worker by worker, without Scrapy: who starts,
who joins, when a round waits, rechecks and finishes — once — and what happens to workers that
go silent or leave."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from crawler.rounds import Action, Round, rounds_under_way
from monitor.config import SiteConfig
from monitor.exceptions import DistributedError
from monitor.store.db import Database, open_database
from monitor.store.repository import Repository

if TYPE_CHECKING:
    from redis import Redis

SITE = SiteConfig(id="alpha", start_urls=["http://127.0.0.1:9/list.html"])
SNAPSHOT = {"list_pages": 0, "list_failures": 0, "blocked": 0, "columns_complete": [],
            "columns_failed": [], "counters": {}}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'govwatch.db'}")
    yield db
    db.dispose()


def worker(redis: Redis, prefix: str, name: str, timeout: float = 60) -> Round:
    return Round(redis, prefix, SITE.id, name, timeout=timeout)


def test_the_first_worker_starts_the_round_and_the_others_join_it(
        redis: Redis, prefix: str, database: Database) -> None:
    a, b = worker(redis, prefix, "a"), worker(redis, prefix, "b")
    assert a.begin(database, SITE) == "start"
    assert b.begin(database, SITE) == "join"
    assert a.run_id == b.run_id == 1
    assert rounds_under_way(redis, prefix) == {"alpha"}
    with database.session() as session:
        run = Repository(session).get_run(1)
    assert run is not None and run.status == "running" and run.baseline
    info = a.inspect()
    assert info is not None and (info.phase, info.live_workers) == ("lists", 2)


def test_a_worker_that_only_helps_finds_no_round_to_join(
        redis: Redis, prefix: str, database: Database) -> None:
    assert worker(redis, prefix, "b").begin(database, SITE, start=False) is None


def test_workers_with_different_site_definitions_are_refused(
        redis: Redis, prefix: str, database: Database) -> None:
    worker(redis, prefix, "a").begin(database, SITE)
    other = SITE.model_copy(update={"max_list_pages": 3})
    with pytest.raises(DistributedError, match="different definition of the site"):
        worker(redis, prefix, "b").begin(database, other)


def test_the_round_waits_for_busy_workers_then_rechecks_once_then_finishes_once(
        redis: Redis, prefix: str, database: Database) -> None:
    a, b = worker(redis, prefix, "a"), worker(redis, prefix, "b")
    a.begin(database, SITE)  # the starter is busy: its start requests are coming
    b.begin(database, SITE)  # a joiner is idle until it takes a request
    assert b.idle(SNAPSHOT) == Action.WAIT
    redis.zadd(b.key_requests, {b"request-1": -10})
    assert b.pop() == b"request-1"  # taking a request makes b busy
    assert a.idle(SNAPSHOT) == Action.WAIT
    # b is done with its request, and nothing else is queued: the lists are done.
    assert b.idle(SNAPSHOT) == Action.RECHECK
    assert a.idle(SNAPSHOT) == Action.WAIT  # b queues the rechecks: nobody finishes meanwhile
    assert b.idle(SNAPSHOT) == Action.FINISH
    assert a.idle(SNAPSHOT) == Action.LEAVE
    assert b.close()
    assert rounds_under_way(redis, prefix) == set()
    assert not list(redis.scan_iter(f"{prefix}:*"))


def test_when_all_go_idle_at_once_exactly_one_finishes(
        redis: Redis, prefix: str, database: Database) -> None:
    workers = [worker(redis, prefix, f"w{i}") for i in range(8)]
    for w in workers:
        w.begin(database, SITE)
    results: list[Action] = []
    barrier = threading.Barrier(len(workers))

    def go_idle(w: Round) -> None:
        barrier.wait()
        for _ in range(3):
            results.append(w.idle(SNAPSHOT))

    threads = [threading.Thread(target=go_idle, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(Action.RECHECK) == 1
    # The worker that got RECHECK stays busy until it calls idle() again, which it did.
    assert results.count(Action.FINISH) == 1


def test_a_silent_busy_worker_is_counted_lost(
        redis: Redis, prefix: str, database: Database) -> None:
    a, b = worker(redis, prefix, "a", timeout=5), worker(redis, prefix, "b", timeout=5)
    a.begin(database, SITE)
    b.begin(database, SITE)
    redis.hset(a.key_beats, "a", 0)  # a's last heartbeat: long ago (it crashed)
    assert b.idle(SNAPSHOT) == Action.RECHECK
    assert b.lost() == 1
    assert b.idle(SNAPSHOT) == Action.FINISH


def test_the_last_worker_to_leave_finishes_the_round(
        redis: Redis, prefix: str, database: Database) -> None:
    a, b = worker(redis, prefix, "a"), worker(redis, prefix, "b")
    a.begin(database, SITE)
    b.begin(database, SITE)
    redis.zadd(a.key_requests, {b"left-over": 0})
    assert b.leave(SNAPSHOT, clean=True) == Action.LEAVE  # a is still at work
    assert b.lost() == 0  # b had nothing in hand
    assert a.leave(SNAPSHOT, clean=False) == Action.FINISH  # stopped mid-way (SIGTERM)
    assert a.lost() == 1
    assert set(a.snapshots()) == {"a", "b"}


def test_a_round_nobody_works_on_is_resumed_by_the_next_worker(
        redis: Redis, prefix: str, database: Database) -> None:
    a = worker(redis, prefix, "a", timeout=5)
    a.begin(database, SITE)
    redis.hset(a.key_beats, "a", 0)
    redis.hset(a.key_round, "phase", "finishing")  # its finisher died mid-way
    c = worker(redis, prefix, "c", timeout=5)
    assert c.begin(database, SITE) == "join"
    assert c.run_id == a.run_id
    assert c.inspect().phase == "rechecks"  # type: ignore[union-attr]
    assert c.idle(SNAPSHOT) == Action.FINISH


def test_a_round_whose_run_was_closed_gives_way_to_a_new_one(
        redis: Redis, prefix: str, database: Database) -> None:
    a = worker(redis, prefix, "a")
    a.begin(database, SITE)
    with database.session() as session:  # the finisher closed the run, then died
        Repository(session).finish_run(1, status="ok", now=datetime.now(UTC), list_complete=True,
                                       stats={})
    c = worker(redis, prefix, "c")
    assert c.begin(database, SITE) == "start"
    assert c.run_id == 2


def test_a_request_of_an_older_round_is_not_taken(redis: Redis, prefix: str,
                                                  database: Database) -> None:
    a = worker(redis, prefix, "a")
    a.begin(database, SITE)
    redis.zadd(a.key_requests, {b"r": 0})
    late = worker(redis, prefix, "late")
    late.run_id = 99  # a worker still attached to a round that ended
    assert late.pop() is None
    assert a.pop() == b"r"
