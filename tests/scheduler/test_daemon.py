"""``govwatch schedule`` as systemd runs it: a process that crawls on its triggers, reloads on
SIGHUP, and on SIGTERM stops its crawls gracefully and exits 0. Real crawls, against portals
served on 127.0.0.1."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo.sample import DEFAULT_SAMPLES, build_portal, demo_sites
from monitor.demo.server import Page, PortalServer, RequestRecord
from monitor.store.db import open_database
from monitor.store.repository import Repository
from tests.scheduler.conftest import wait_for, write_config

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


class SlowPortal(PortalServer):
    """The sample portal, each page taking ``delay`` seconds to come: a crawl in progress."""

    def __init__(self, delay: float) -> None:
        super().__init__(build_portal(DEFAULT_SAMPLES, revision=0))
        self.delay = delay
        self.closing = threading.Event()

    def _handle(self, record: RequestRecord) -> Page | None:  # PortalServer's request hook
        page = super()._handle(record)  # logged as received
        self.closing.wait(self.delay)
        return page

    def stop(self) -> None:
        self.closing.set()
        super().stop()


class Daemon:
    """``govwatch schedule`` in a child process, its log lines read as they come."""

    def __init__(self, config: Path, db_url: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url,
             "schedule", *args], cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
            text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        def found() -> str | None:
            while not self._queue.empty():
                self.lines.append(self._queue.get())
            return next((line for line in self.lines if text in line), None)

        return str(wait_for(found, timeout, what=repr(text)))

    def log(self) -> str:
        self.wait_for_line("", timeout=1)
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        if not self._reader.is_alive():  # else a crawl it left behind still holds the pipe
            self.process.stderr.close()


@pytest.fixture
def slow_portal() -> Iterator[SlowPortal]:
    with SlowPortal(delay=3) as portal:
        yield portal


def test_sighup_reloads_and_sigterm_stops_the_crawls_and_exits_0(
        tmp_path: Path, sqlite_url: str, slow_portal: SlowPortal) -> None:
    config = tmp_path / "sites.yaml"
    slow = next(s for s in demo_sites(slow_portal.base_url) if s["id"] == "yixing")
    write_config(config, [slow])
    daemon = Daemon(config, sqlite_url, "--tick", "1", "--grace", "30")
    try:
        daemon.wait_for_line("scheduler started")
        daemon.wait_for_line("crawl yixing: started (pid")

        config.write_text("sites: [oops\n", encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        error = daemon.wait_for_line("configuration not reloaded")
        assert "keeping the previous one" in error and "not valid YAML" in error

        write_config(config, [slow], [{"id": "w", "email": "w@example.com",
                                        "cadence": "weekly"}])
        daemon.process.send_signal(signal.SIGHUP)
        daemon.wait_for_line("configuration reloaded: 2 jobs; added digest:weekly")

        # Once the crawl is waiting for the portal, the scheduler is told to stop.
        wait_for(lambda: [r for r in slow_portal.requests if "list" in r.path], timeout=60,
                 what="the crawl's first list page")
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(timeout=90) == 0
        daemon.wait_for_line("scheduler stopped")
    finally:
        daemon.stop()
    log = daemon.log()
    assert "scheduler stopping: no new jobs; stopping" in log
    stopped = next(line for line in log.splitlines() if "crawl yixing: stopped after" in line)
    # Stopped gracefully: the crawl closed its own run, which says why it is incomplete.
    assert "; exit 0; run 1 partial" in stopped and "crawl ended early (shutdown)" in stopped
    database = open_database(sqlite_url)
    with database.session() as session:
        runs = Repository(session).runs("yixing")
    database.dispose()
    assert [(r.status, r.message) for r in runs] == [("partial", "crawl ended early (shutdown)")]


def test_a_cron_trigger_fires_a_real_crawl_of_the_sample_portal(
        tmp_path: Path, sqlite_url: str) -> None:
    with PortalServer(build_portal(DEFAULT_SAMPLES, revision=0)) as portal:
        config = write_config(tmp_path / "sites.yaml", [
            s for s in demo_sites(portal.base_url) if s["id"] == "yixing"])
        daemon = Daemon(config, sqlite_url, "--tick", "1")
        try:
            line = daemon.wait_for_line("crawl yixing: ok after", timeout=120)
            daemon.process.send_signal(signal.SIGTERM)
            assert daemon.process.wait(timeout=90) == 0
        finally:
            daemon.stop()
    # One line says what ran, how long it took and how it ended.
    assert "; exit 0; run 1 ok, events: new 12" in line
    database = open_database(sqlite_url)
    with database.session() as session:
        assert Repository(session).count_documents("yixing") == 12
    database.dispose()
