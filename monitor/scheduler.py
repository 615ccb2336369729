"""``govwatch schedule``: crawls and digests at their cron times, unattended.

An APScheduler 3 ``BackgroundScheduler`` with

- one job per enabled site, ``crawl:SITE``, on the site's ``schedule`` in its ``timezone``, and one
  per digest cadence that has subscribers, ``digest:CADENCE``, on ``digest_schedule`` in the
  configuration's ``timezone`` (cron expressions through ``monitor.cron.parse_cron``);
- its jobs in the database (``SQLAlchemyJobStore``, table ``apscheduler_jobs``), so that a restart
  keeps each job's next run time: a run missed while the scheduler was down fires once when it
  comes back (``coalesce``), if it is less than ``misfire_grace`` late;
- at start and on reload, the stored jobs are synchronised with the configuration: jobs of new
  sites added, changed schedules rescheduled, jobs of removed or disabled sites removed, and
  unchanged jobs left alone (re-adding them would forget a missed run);
- ``max_instances=1`` per job, and the crawl's database lock (``monitor.jobs``) for everything
  else that might crawl the same site (``govwatch run`` from cron, another machine);
- each job in a child process with a time limit (``monitor.jobs.JobRunner``);
- SIGTERM or SIGINT: no new jobs, the running children are stopped gracefully, then exit 0;
  SIGHUP: the configuration is read again; a broken one is logged and the old one kept. The
  children always read the snapshot of the configuration the scheduler validated last.

The job table is APScheduler's, not govwatch's: APScheduler creates it (``CREATE TABLE IF NOT
EXISTS``) with a layout that belongs to its version, so it is not in ``monitor/store/schema.py``
nor in the Alembic migrations, and ``monitor/migrations/env.py`` ignores it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import yaml
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from monitor import jobs
from monitor.config import Cadence, Config, load_config
from monitor.cron import parse_cron
from monitor.exceptions import ConfigError
from monitor.singleton import only_instance
from monitor.store.db import Database, make_engine, open_database
from monitor.templating import local_time

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
TriggerFactory = Callable[[str, str], BaseTrigger]


@dataclass(frozen=True)
class ScheduleOptions:
    crawl_timeout: float = 4 * 3600.0    # a crawl still going after this is stopped
    digest_timeout: float = 30 * 60.0
    # SIGTERM → SIGKILL. Scrapy's graceful stop waits for the downloads in flight, which may take
    # DOWNLOAD_TIMEOUT (60 s): a shorter grace would kill crawls before they record their runs.
    grace: float = 90.0
    workers: int = 4                     # jobs running at once
    # A run missed while the scheduler was down still happens if it is less than this late: a
    # morning crawl missed during a reboot runs after it, not tomorrow.
    misfire_grace: float = 6 * 3600.0
    distributed: bool = False
    tick: float | None = None            # testing: every job fires every `tick` seconds
    python: str = field(default_factory=lambda: sys.executable)


@dataclass(frozen=True)
class JobSpec:
    """A job as the configuration wants it."""

    id: str
    func: str
    args: tuple[str, ...]
    trigger: BaseTrigger

    @property
    def name(self) -> str:
        return self.id.replace(":", " ", 1)


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...] = ()
    rescheduled: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def summary(self) -> str:
        parts = [f"{len(self.added) + len(self.rescheduled) + len(self.kept)} jobs"]
        for label, ids in (("added", self.added), ("rescheduled", self.rescheduled),
                           ("removed", self.removed)):
            if ids:
                parts.append(f"{label} {', '.join(ids)}")
        return "; ".join(parts)


class _ReportedByUs(logging.Filter):
    """Drops APScheduler's own lines for what ``SchedulerDaemon._on_event`` reports in one short
    line (a skipped, missed or failed job), so that each is said once."""

    TEMPLATES = frozenset({
        'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
        'Run time of job "%s" was missed by %s',
        'Job "%s" raised an exception',
    })
    LOGGERS = ("apscheduler.scheduler", "apscheduler.executors.default")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self.TEMPLATES


def tick_trigger(seconds: float) -> TriggerFactory:
    """Every job every ``seconds`` (whole seconds, 1-59): for tests and trying things out."""
    step = max(1, min(59, int(seconds)))
    return lambda _expression, timezone: CronTrigger(second=f"*/{step}", timezone=timezone)


def job_specs(config: Config, make_trigger: TriggerFactory = parse_cron) -> list[JobSpec]:
    specs = [JobSpec(f"crawl:{site.id}", "monitor.jobs:crawl_job", (site.id,),
                     make_trigger(site.schedule, site.timezone))
             for site in config.sites if site.enabled]
    for cadence in Cadence:
        if any(s.cadence == cadence for s in config.subscriptions):
            expression = getattr(config.digest_schedule, cadence.value)
            specs.append(JobSpec(f"digest:{cadence.value}", "monitor.jobs:digest_job",
                                 (cadence.value,), make_trigger(expression, config.timezone)))
    return specs


def write_snapshot(config: Config, directory: Path) -> Path:
    """The validated configuration as one YAML file, which the children read: an edit on disk
    reaches them only once the scheduler has accepted it (SIGHUP or restart)."""
    data = config.model_dump(mode="json", exclude={"sources"})
    path = directory / "config.yaml"
    partial = directory / "config.yaml.partial"
    partial.write_text(f"# govwatch schedule: snapshot of {', '.join(config.sources)}\n"
                       + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
    os.replace(partial, path)
    return path


class SchedulerDaemon:
    """The scheduler, its job store and its children. ``start``, then ``serve`` (signals) or
    ``stop``."""

    def __init__(self, config_path: str, db_url: str, options: ScheduleOptions | None = None,
                 *, verbose: bool = False, make_trigger: TriggerFactory | None = None) -> None:
        self.config_path = config_path
        self.db_url = db_url
        self.options = options or ScheduleOptions()
        self.verbose = verbose
        self.make_trigger = make_trigger or (tick_trigger(self.options.tick)
                                             if self.options.tick else parse_cron)
        self.config: Config | None = None
        self.database: Database | None = None
        self.runner: jobs.JobRunner | None = None
        self.scheduler: BackgroundScheduler | None = None
        self._resources = ExitStack()
        self._workdir: Path | None = None
        self._wake = threading.Event()
        self._stop_requested = False
        self._reload_requested = False

    # ----------------------------------------------------------------------------- lifecycle

    def start(self) -> SyncReport:
        """Load the configuration (a broken one stops here), take the database's scheduler
        guard, synchronise the stored jobs, and start firing them."""
        config = load_config(self.config_path)
        with ExitStack() as resources:
            self.database = open_database(self.db_url)
            resources.callback(self.database.dispose)
            resources.enter_context(only_instance(self.database, "schedule"))
            self._workdir = Path(tempfile.mkdtemp(prefix="govwatch-schedule-"))
            resources.callback(shutil.rmtree, self._workdir, ignore_errors=True)
            self.config = config
            self.runner = jobs.JobRunner(self.database, config, self._settings(config))
            jobs.install(self.runner)
            resources.callback(jobs.install, None)
            options = self.options
            scheduler = BackgroundScheduler(
                jobstores={"default": SQLAlchemyJobStore(engine=make_engine(self.db_url),
                                                         tablename=JOB_TABLE)},
                executors={"default": ThreadPoolExecutor(max_workers=options.workers)},
                job_defaults={"coalesce": True, "max_instances": 1,
                              "misfire_grace_time": int(options.misfire_grace)},
                timezone="UTC")
            scheduler.add_listener(self._on_event,
                                   EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_ERROR)
            quiet = _ReportedByUs()
            for name in quiet.LOGGERS:
                logging.getLogger(name).addFilter(quiet)
                resources.callback(logging.getLogger(name).removeFilter, quiet)
            # Paused until the stored jobs agree with the configuration: a job of a deleted
            # site must not fire in between.
            scheduler.start(paused=True)
            resources.callback(lambda: scheduler.running and scheduler.shutdown(wait=False))
            self.scheduler = scheduler
            report = self.sync_jobs(config)
            # Released by stop(), after it has stopped the children and the scheduler.
            self._resources = resources.pop_all()
        log.info("scheduler started (pid %d) with %s on %s (configuration: %s)", os.getpid(),
                 report.summary(), self.database.url, ", ".join(config.sources))
        self._log_next_runs()
        scheduler.resume()
        return report

    def stop(self) -> None:
        """No new jobs; running children are stopped (SIGTERM, then SIGKILL after the grace)."""
        if self.scheduler is None:
            return
        running = self.runner.running if self.runner else 0
        log.info("scheduler stopping: no new jobs%s",
                 f"; stopping {running} running job(s)" if running else "")
        self.scheduler.pause()
        if self.runner is not None:
            self.runner.stop_all()
        # APScheduler 3's loop looks for due jobs once more after shutdown() has stopped the
        # executors, and a job due then is marked as run although it was refused ("cannot
        # schedule new futures after shutdown", agronholm/apscheduler#285, #985): detached
        # from the job store first, the loop finds nothing, and the run is kept for next time.
        self.scheduler.remove_jobstore("default")
        self.scheduler.shutdown(wait=True)
        self.scheduler = None
        self._resources.close()
        log.info("scheduler stopped")

    def reload(self) -> bool:
        """Read the configuration again; a broken one is logged and the running one kept."""
        try:
            config = load_config(self.config_path)
        except ConfigError as exc:
            log.error("configuration not reloaded, keeping the previous one: %s", exc)
            return False
        self.config = config
        assert self.runner is not None
        self.runner.update(config, self._settings(config))
        report = self.sync_jobs(config)
        log.info("configuration reloaded: %s", report.summary())
        self._log_next_runs(report.added + report.rescheduled)
        return True

    def _settings(self, config: Config) -> jobs.JobSettings:
        assert self._workdir is not None
        snapshot = write_snapshot(config, self._workdir)
        options = self.options
        return jobs.JobSettings(str(snapshot), self.db_url, crawl_timeout=options.crawl_timeout,
                                digest_timeout=options.digest_timeout, grace=options.grace,
                                distributed=options.distributed, verbose=self.verbose,
                                python=options.python)

    # ----------------------------------------------------------------------------------- jobs

    def sync_jobs(self, config: Config) -> SyncReport:
        """Make the stored jobs what the configuration asks for, touching only what differs."""
        scheduler = self.scheduler
        assert scheduler is not None
        desired = {spec.id: spec for spec in job_specs(config, self.make_trigger)}
        stored = {job.id: job for job in scheduler.get_jobs()}
        added, rescheduled, removed, kept = [], [], [], []
        for job_id in stored.keys() - desired.keys():
            scheduler.remove_job(job_id)
            removed.append(job_id)
        for spec in desired.values():
            job = stored.get(spec.id)
            if job is None:
                scheduler.add_job(spec.func, trigger=spec.trigger, args=spec.args, id=spec.id,
                                  name=spec.name)
                added.append(spec.id)
                continue
            if (job.func_ref, tuple(job.args)) != (spec.func, spec.args):
                scheduler.modify_job(spec.id, func=spec.func, args=spec.args, name=spec.name)
            if repr(job.trigger) != repr(spec.trigger):
                scheduler.reschedule_job(spec.id, trigger=spec.trigger)
                rescheduled.append(spec.id)
            else:
                kept.append(spec.id)
        return SyncReport(tuple(sorted(added)), tuple(sorted(rescheduled)),
                          tuple(sorted(removed)), tuple(sorted(kept)))

    def _log_next_runs(self, ids: tuple[str, ...] | None = None) -> None:
        assert self.scheduler is not None
        for job in sorted(self.scheduler.get_jobs(), key=lambda j: j.id):
            if ids is None or job.id in ids:
                log.info("%s: next run %s (Asia/Shanghai), %s", job.name,
                         local_time(job.next_run_time, "%Y-%m-%d %H:%M:%S"), job.trigger)

    def _on_event(self, event: JobEvent) -> None:
        name = event.job_id.replace(":", " ", 1)
        if event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("%s: skipped (its previous run is still going)", name)
        elif event.code == EVENT_JOB_MISSED and isinstance(event, JobExecutionEvent):
            log.warning("%s: missed its run of %s (Asia/Shanghai): more than %.0f s late", name,
                        local_time(event.scheduled_run_time, "%Y-%m-%d %H:%M:%S"),
                        self.options.misfire_grace)
        elif event.code == EVENT_JOB_ERROR and isinstance(event, JobExecutionEvent):
            log.error("%s: failed: %s", name, event.exception,
                      exc_info=(type(event.exception), event.exception, event.traceback)
                      if event.exception else None)

    # -------------------------------------------------------------------------------- signals

    def serve(self) -> None:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the configuration."""
        signal.signal(signal.SIGTERM, self._signalled)
        signal.signal(signal.SIGINT, self._signalled)
        signal.signal(signal.SIGHUP, self._signalled)
        try:
            while not self._stop_requested:
                self._wake.wait()
                self._wake.clear()
                if self._reload_requested and not self._stop_requested:
                    self._reload_requested = False
                    self.reload()
        finally:
            self.stop()

    def _signalled(self, signum: int, _frame: FrameType | None) -> None:
        # Only flags here: the work happens in the main loop, outside the signal handler.
        if signum == signal.SIGHUP:
            self._reload_requested = True
        else:
            self._stop_requested = True
        self._wake.set()


def run_scheduler(config_path: str, db_url: str, options: ScheduleOptions | None = None, *,
                  verbose: bool = False) -> None:
    """``govwatch schedule``: runs until SIGTERM or SIGINT."""
    daemon = SchedulerDaemon(config_path, db_url, options, verbose=verbose)
    daemon.start()
    daemon.serve()
