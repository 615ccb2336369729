"""Two crawler processes share one round of one site through Redis and write to one PostgreSQL:
every document is stored once, every event raised once, the run closed once — and both
processes did part of the work."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from monitor.store.db import open_database
from monitor.store.records import RunRecord
from monitor.store.repository import Repository
from tests.distributed.portal import Revision, SlowPortal, build

if TYPE_CHECKING:
    from redis import Redis

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
COUNT = 60       # notices: six list pages, enough work for two workers
DELAY = 0.05     # seconds per answer, as a small government server


@pytest.fixture
def portal() -> Iterator[SlowPortal]:
    with SlowPortal(build(COUNT), DELAY) as server:
        yield server


def notice_url(portal: SlowPortal, n: int) -> str:
    return portal.url(f"/notice/{n}.html")


class Workers:
    def __init__(self, config: Path, db_url: str, redis_url: str, prefix: str) -> None:
        self.base = [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url]
        self.env = {**os.environ, "GOVWATCH_REDIS": redis_url, "GOVWATCH_REDIS_PREFIX": prefix}

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([*self.base, *args], cwd=REPO, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def round(self) -> None:
        """One round: `crawl --distributed` starts it, `worker` (started at the same time)
        waits for it and joins it."""
        processes = [self.start("crawl", "--distributed", "big"),
                     self.start("worker", "--wait", "60")]
        for process in processes:
            out, _ = process.communicate(timeout=240)
            assert process.returncode == 0, out


def runs(db_url: str) -> list[RunRecord]:
    database = open_database(db_url)
    with database.session() as session:
        found = Repository(session).runs("big")
    database.dispose()
    return found


def test_two_workers_store_every_document_and_raise_every_event_once(
        tmp_path: Path, pg_url: str, redis_url: str, redis: Redis, prefix: str,
        portal: SlowPortal) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(yaml.safe_dump({"sites": [{
        "id": "big", "start_urls": [portal.url("/list_1.html")], "max_list_pages": 50,
        "download_delay": 0,
        # Every known document is due at each crawl, so that the rechecks have work.
        "recheck": {"fresh_hours": 0, "recent_hours": 0, "old_hours": 0}}]}), encoding="utf-8")
    workers = Workers(config, pg_url, redis_url, prefix)

    # Round 1: the baseline.
    workers.round()
    [run] = runs(pg_url)
    assert (run.status, run.baseline, run.message) == ("ok", True, None)
    shares = run.stats["workers"]
    assert len(shares) == 2 and all(share["pages"] > 0 for share in shares.values()), shares
    database = open_database(pg_url)
    with database.session() as session:
        repo = Repository(session)
        docs = list(repo.iter_documents("big"))
        events = repo.events(site_id="big")
    assert sorted(d.url for d in docs) == sorted(notice_url(portal, n) for n in range(COUNT))
    assert all(d.version_count == 1 for d in docs)
    assert Counter((e.kind, e.url, e.baseline) for e in events) == Counter(
        ("new", notice_url(portal, n), True) for n in range(COUNT))
    assert not list(redis.scan_iter(f"{prefix}:*"))  # the round cleaned up after itself

    # Round 2: the portal's revision, crawled by two workers again.
    portal.set_pages(build(COUNT, revision=1))
    portal.clear_requests()
    workers.round()
    second = runs(pg_url)[0]
    assert (second.status, second.baseline) == ("ok", False)
    assert len(second.stats["workers"]) == 2
    revision = Revision(COUNT)
    expected = Counter(
        [("status", notice_url(portal, n)) for n in revision.revoked]
        + [("changed", notice_url(portal, n)) for n in revision.edited]
        + [("new", notice_url(portal, n)) for n in revision.added])
    with database.session() as session:
        repo = Repository(session)
        events = repo.events(site_id="big")
        fetched = {f.url for f in repo.fetches(run_id=second.id, limit=10_000)}
    database.dispose()
    assert Counter((e.kind, e.url) for e in events if not e.baseline) == expected
    # Documents taken off the lists were found by the rechecks, once, and not removed.
    requested = Counter(r.path for r in portal.requests if r.path != "/robots.txt")
    for n in revision.delisted:
        assert notice_url(portal, n) in fetched
        assert requested[f"/notice/{n}.html"] == 1
    assert max(requested.values()) == 1  # the shared duplicate filter: nothing fetched twice

    # Round 3: nothing is due any more, and two listed notices are deleted (off the lists, 404).
    # The round walked its column whole, so it asks for the documents that left the lists —
    # each once, by whichever worker — and their own answers count towards a removal.
    config.write_text(yaml.safe_dump({"sites": [{
        "id": "big", "start_urls": [portal.url("/list_1.html")], "max_list_pages": 50,
        "download_delay": 0, "stop_after_known_pages": 0,
        "recheck": {"fresh_days": 0, "recent_days": 0, "old_hours": 10_000}}]}),
        encoding="utf-8")
    with database.session() as session:
        repo = Repository(session)
        for doc in list(repo.iter_documents("big")):
            repo.update_document(doc.id, next_check_at=datetime.now(UTC) + timedelta(days=30))
    gone = frozenset({2, 40})
    portal.set_pages(build(COUNT, revision=1, gone=gone))
    portal.clear_requests()
    workers.round()
    third = runs(pg_url)[0]
    assert (third.status, third.list_complete) == ("ok", True), third.message
    requested = Counter(r.path for r in portal.requests if r.path != "/robots.txt")
    # Nothing is due: the documents asked for are those off the lists since the last whole
    # walk (the baseline's; round 2 stopped at a page of known documents), each once — the two
    # deleted ones, and those round 2 found delisted, which answer and stay.
    notices = {p for p in requested if p.startswith("/notice/")}
    assert notices == {f"/notice/{n}.html" for n in (*gone, *revision.delisted)}
    assert max(requested.values()) == 1
    with database.session() as session:
        repo = Repository(session)
        states = {d.url: (d.state, d.gone_runs) for d in repo.iter_documents("big")}
    database.dispose()
    assert {n: states[notice_url(portal, n)] for n in gone} == {n: ("active", 1) for n in gone}
    assert all(states[notice_url(portal, n)] == ("active", 0) for n in revision.delisted)
