"""What the scheduler's jobs do: each crawl and each digest in a child process of its own, under a
database lock, with a time limit, ending in one log line that says what ran, for how long, and how
it ended.

Children, not threads: Twisted's reactor runs once per process (``monitor.crawl``), and a child
can be killed when it overruns, which a thread can't. A child is told to stop with SIGTERM, which
Scrapy turns into a graceful close (the run is recorded as partial); after a grace period it is
killed, and a run it left open is closed as failed here, so that a hung crawl is reported rather
than left ``running`` forever.

APScheduler stores a job as a ``module:function`` reference with pickled arguments (the site id or
the cadence). The live objects a job needs — the database, the configuration, the children to
stop on shutdown — can't be pickled, so ``crawl_job`` and ``digest_job`` find them through the
``JobRunner`` the running scheduler installs.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from monitor.config import Cadence, Config
from monitor.exceptions import LockedError
from monitor.locks import acquire, owner_id, release
from monitor.store.db import Database
from monitor.store.records import RunRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

LOCK_MARGIN = timedelta(minutes=5)  # a lock outlives its job's time limit by this much


def crawl_lock(site_id: str) -> str:
    """The lock a crawl of the site holds, whoever starts it (scheduler or ``govwatch run``)."""
    return f"crawl:{site_id}"


@contextmanager
def site_locks(database: Database, site_ids: Sequence[str], *, ttl: timedelta,
               owner: str | None = None) -> Iterator[None]:
    """Hold every site's crawl lock for the block, or none: ``LockedError`` names the first site
    someone else is crawling."""
    owner = owner or owner_id()
    taken: list[str] = []
    try:
        for site_id in site_ids:
            if not acquire(database, crawl_lock(site_id), ttl=ttl, owner=owner):
                raise LockedError(f"site {site_id!r} is being crawled by another govwatch process "
                                  f"(lock {crawl_lock(site_id)!r}); try again later")
            taken.append(site_id)
        yield
    finally:
        for site_id in taken:
            release(database, crawl_lock(site_id), owner)


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"            # the child exited non-zero
    TIMED_OUT = "timed out"      # stopped at the time limit
    STOPPED = "stopped"          # the scheduler is shutting down
    SKIPPED = "skipped"          # someone else is crawling the site, or nothing to do


@dataclass(frozen=True)
class JobResult:
    job: str
    outcome: Outcome
    seconds: float = 0.0
    exit_code: int | None = None
    run: RunRecord | None = None
    detail: str | None = None

    def line(self) -> str:
        """The one log line a job ends with."""
        if self.outcome == Outcome.SKIPPED:
            return f"{self.job}: skipped ({self.detail})"
        code = self.exit_code
        parts = [f"{self.job}: {self.outcome} after {self.seconds:.1f} s",
                 f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                 else f"exit {code}"]
        if self.run is not None:
            events = self.run.stats.get("events") or {}
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(events.items())) or "none"
            run = f"run {self.run.id} {self.run.status}, events: {kinds}"
            if self.run.message:
                run += f" ({self.run.message})"
            parts.append(run)
        if self.detail:
            parts.append(self.detail)
        return "; ".join(parts)


@dataclass(frozen=True)
class JobSettings:
    """How the children are started. ``config_path`` is the snapshot of the configuration the
    scheduler validated, so that a broken edit on disk can't reach the children."""

    config_path: str
    db_url: str
    crawl_timeout: float = 4 * 3600.0
    digest_timeout: float = 30 * 60.0
    grace: float = 90.0            # seconds between SIGTERM and SIGKILL
    distributed: bool = False      # crawl with `--distributed` (a shared Redis frontier)
    verbose: bool = False
    python: str = field(default_factory=lambda: sys.executable)

    def govwatch(self, *args: str) -> list[str]:
        command = [self.python, "-m", "monitor", "--config", self.config_path]
        if self.verbose:
            command.append("--verbose")
        return [*command, *args]

    def environment(self) -> dict[str, str]:
        # The database URL goes by the environment, not the command line: it may hold a
        # password, and any local user can read another process's command line.
        return {**os.environ, "GOVWATCH_DB": self.db_url}


class JobRunner:
    """Runs the jobs' children and remembers them, so that a shutdown can stop them all."""

    def __init__(self, database: Database, config: Config, settings: JobSettings) -> None:
        self.database = database
        self.config = config
        self.settings = settings
        self._lock = threading.Lock()
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._stopped: set[int] = set()  # pids stop_all() told to stop
        self._stopping = False

    def update(self, config: Config, settings: JobSettings) -> None:
        """A reloaded configuration: jobs started from now on use it."""
        with self._lock:
            self.config, self.settings = config, settings

    # -------------------------------------------------------------------------------- jobs

    def crawl(self, site_id: str) -> JobResult:
        job = f"crawl {site_id}"
        settings = self.settings
        command = settings.govwatch("crawl", *(["--distributed"] if settings.distributed
                                               else []), site_id)
        env = settings.environment()
        owner = f"{owner_id()}:scheduler"
        ttl = timedelta(seconds=settings.crawl_timeout + settings.grace) + LOCK_MARGIN
        if not acquire(self.database, crawl_lock(site_id), ttl=ttl, owner=owner):
            return self._report(JobResult(job, Outcome.SKIPPED, detail=(
                f"another process holds lock {crawl_lock(site_id)!r}: the site is being "
                "crawled already")))
        try:
            started = datetime.now(UTC)
            result = self._run_child(job, command, env, settings.crawl_timeout)
            if result.outcome == Outcome.SKIPPED:
                return self._report(result)
            run = self._crawl_run(site_id, started, settings.distributed)
            if run is not None and run.status == "running":
                # The child died without closing its run (killed, crashed): close it, so that
                # it is reported. In distributed mode the round's other workers close it.
                if not settings.distributed:
                    run = self._close_run(run, "failed", f"the crawl process ended without "
                                                         f"closing the run ({result.outcome})")
            elif run is not None and result.outcome == Outcome.TIMED_OUT:
                run = self._close_run(run, run.status, (
                    f"stopped at the time limit of {settings.crawl_timeout:.0f} s"
                    + (f"; {run.message}" if run.message else "")))
            return self._report(replace(result, run=run))
        finally:
            release(self.database, crawl_lock(site_id), owner)

    def digest(self, cadence: Cadence) -> JobResult:
        job = f"digest {cadence}"
        ids = [s.id for s in self.config.subscriptions if s.cadence == cadence]
        if not ids:
            return self._report(JobResult(job, Outcome.SKIPPED,
                                          detail=f"no {cadence} subscriptions"))
        args = [arg for sub_id in ids for arg in ("--subscription", sub_id)]
        settings = self.settings
        command = settings.govwatch("digest", "--send", *args)
        return self._report(self._run_child(job, command, settings.environment(),
                                            settings.digest_timeout))

    def _report(self, result: JobResult) -> JobResult:
        trouble = result.outcome in (Outcome.FAILED, Outcome.TIMED_OUT) or (
            result.run is not None and result.run.status not in ("ok", "running"))
        log.log(logging.WARNING if trouble else logging.INFO, "%s", result.line())
        return result

    # ---------------------------------------------------------------------------- children

    def _run_child(self, job: str, command: list[str], env: dict[str, str],
                   timeout: float) -> JobResult:
        started = time.monotonic()
        with self._lock:
            if self._stopping:
                return JobResult(job, Outcome.SKIPPED, detail="the scheduler is stopping")
            # A session of its own: a Ctrl-C on the scheduler's terminal reaches the scheduler
            # only, which then stops the children in order.
            child = subprocess.Popen(command, env=env, start_new_session=True)
            self._children[child.pid] = child
        log.info("%s: started (pid %d)", job, child.pid)
        outcome = Outcome.OK
        try:
            try:
                code = child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s: time limit of %.0f s reached; stopping pid %d", job, timeout,
                            child.pid)
                outcome = Outcome.TIMED_OUT
                code = self._stop_child(child)
        finally:
            with self._lock:
                self._children.pop(child.pid, None)
                stopped = child.pid in self._stopped
        if outcome == Outcome.OK and stopped:
            outcome = Outcome.STOPPED
        elif outcome == Outcome.OK and code != 0:
            outcome = Outcome.FAILED
        return JobResult(job, outcome, time.monotonic() - started, code)

    def _stop_child(self, child: subprocess.Popen[bytes]) -> int:
        """SIGTERM (Scrapy closes the crawl and records the run), then SIGKILL after the grace."""
        with suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            return child.wait(timeout=self.settings.grace)
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop within %.0f s; killing it", child.pid,
                        self.settings.grace)
            with suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            return child.wait()

    def stop_all(self) -> None:
        """No new children from now on; the running ones are stopped (in parallel: the grace
        period is paid once, not once per child)."""
        with self._lock:
            self._stopping = True
            children = list(self._children.values())
            self._stopped.update(c.pid for c in children)
        if children:
            log.info("stopping %d running job(s): pids %s", len(children),
                     ", ".join(str(c.pid) for c in children))
        threads = [threading.Thread(target=self._stop_child, args=(c,)) for c in children]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._children)

    # -------------------------------------------------------------------------------- runs

    def _crawl_run(self, site_id: str, started: datetime, distributed: bool) -> RunRecord | None:
        """The run the child crawled: the one it started or, in distributed mode, the round it
        started or joined (the site's latest run)."""
        with self.database.session() as session:
            repo = Repository(session)
            if distributed:
                site = repo.get_site(site_id)
                return repo.get_run(site.last_run_id) if site and site.last_run_id else None
            runs = repo.runs(site_id, since=started - timedelta(seconds=1), limit=1)
            return runs[0] if runs else None

    def _close_run(self, run: RunRecord, status: str, message: str) -> RunRecord:
        with self.database.session() as session:
            repo = Repository(session)
            stats = run.stats or {"fetches": repo.fetch_outcomes(run.id),
                                  "events": repo.count_events(run.id)}
            return repo.finish_run(run.id, status=status,
                                   now=run.finished_at or datetime.now(UTC),
                                   list_complete=run.list_complete, stats=stats, message=message)


# ------------------------------------------------------------------------ APScheduler's view

_runner: JobRunner | None = None


def install(runner: JobRunner | None) -> None:
    """Make ``runner`` the one the stored jobs call (``None`` when the scheduler stops)."""
    global _runner
    _runner = runner


def _current() -> JobRunner:
    if _runner is None:
        raise RuntimeError("no JobRunner installed: jobs run inside `govwatch schedule` only")
    return _runner


def crawl_job(site_id: str) -> None:
    """Stored as ``monitor.jobs:crawl_job``: crawl one site."""
    _current().crawl(site_id)


def digest_job(cadence: str) -> None:
    """Stored as ``monitor.jobs:digest_job``: compose and send one cadence's digests."""
    _current().digest(Cadence(cadence))
