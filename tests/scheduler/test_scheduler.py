"""The scheduler in this process, with stand-in children (tests/scheduler/fake_govwatch.py):
triggers fire jobs, overlaps are skipped, time limits hold, restarts keep the stored jobs, reloads
keep a good configuration."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import column, func, select, table

from monitor.config import load_config
from monitor.exceptions import LockedError
from monitor.locks import acquire
from monitor.scheduler import (
    JOB_TABLE,
    ScheduleOptions,
    SchedulerDaemon,
    job_specs,
    write_snapshot,
)
from monitor.store.db import make_engine, open_database
from monitor.store.repository import Repository
from tests.scheduler.conftest import Calls, site, wait_for, write_config

FAST = {"grace": 1.0}


def daemon(config: Path, db_url: str, python: str, **options: object) -> SchedulerDaemon:
    settings = {**FAST, **options}
    return SchedulerDaemon(str(config), db_url,
                           ScheduleOptions(python=python, **settings))  # type: ignore[arg-type]


def stored_jobs(db_url: str) -> dict[str, float]:
    """The job store's rows: id → next run time (a UTC timestamp)."""
    jobs = table(JOB_TABLE, column("id"), column("next_run_time"))
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(jobs.c.id, jobs.c.next_run_time)).all()
    engine.dispose()
    return {row[0]: float(row[1]) for row in rows}


# ------------------------------------------------------------------------------ job specs


def test_one_job_per_enabled_site_and_per_cadence_with_subscribers(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "c.yaml", [
        site("alpha", "30 8 * * 1-5"), site("beta", enabled=False),
        site("gamma", timezone="Asia/Urumqi")],
        [{"id": "d", "email": "d@example.com", "cadence": "daily"},
         {"id": "i", "email": "i@example.com", "cadence": "immediate"}]))
    specs = {s.id: s for s in job_specs(config)}
    assert set(specs) == {"crawl:alpha", "crawl:gamma", "digest:daily", "digest:immediate"}
    assert specs["crawl:alpha"].func == "monitor.jobs:crawl_job"
    assert specs["crawl:alpha"].args == ("alpha",)
    trigger = specs["crawl:alpha"].trigger
    # crontab's 1-5 is Monday to Friday, at 08:30 Beijing time (00:30 UTC).
    monday = datetime(2026, 6, 1, tzinfo=UTC)
    fires = [trigger.get_next_fire_time(None, monday)]
    assert fires[0] == datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
    assert "Asia/Urumqi" in repr(specs["crawl:gamma"].trigger)
    assert specs["digest:immediate"].args == ("immediate",)


def test_the_snapshot_reads_back_as_the_same_configuration(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "c.yaml", [
        site("alpha", recheck={"fresh_hours": 0}, link_pattern=r"/t\d+_\d+\.html")],
        [{"id": "d", "email": "d@example.com", "keywords": ["补贴"], "cadence": "weekly"}]))
    snapshot = write_snapshot(config, tmp_path)
    again = load_config(snapshot)
    assert again.model_dump(exclude={"sources"}) == config.model_dump(exclude={"sources"})


# ------------------------------------------------------------------------------- firing


def test_jobs_fire_on_their_trigger_with_the_validated_configuration(
        config_path: Path, sqlite_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    python, calls = fake_python
    scheduler = daemon(config_path, sqlite_url, python, tick=1)
    scheduler.start()
    try:
        wait_for(lambda: all(f"{job}: ok after" in caplog.text
                             for job in ("crawl alpha", "crawl beta", "digest daily")),
                 what="the jobs' end")
    finally:
        scheduler.stop()
    call = calls.of("crawl", "alpha")[0]
    args = call["args"]
    assert args[:2] == ["-m", "monitor"]
    config = Path(args[args.index("--config") + 1])
    assert config.name == "config.yaml" and config != config_path  # the snapshot...
    assert not config.exists()  # ...removed when the scheduler stops
    # The database URL (a password, perhaps) by the environment, not on the command line.
    assert call["db"] == sqlite_url and "--db" not in args
    ends = [r.getMessage() for r in caplog.records if r.name == "monitor.jobs"
            and " after " in r.getMessage()]
    assert any(m.startswith("crawl alpha: ok after ") and "; exit 0" in m for m in ends)
    assert any(m.startswith("digest daily: ok after ") for m in ends)


def test_a_job_still_running_is_not_started_again(
        config_path: Path, sqlite_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO)
    python, calls = fake_python
    monkeypatch.setenv("FAKE_SLEEP", "3")
    scheduler = daemon(config_path, sqlite_url, python, tick=1)
    scheduler.start()
    try:
        wait_for(lambda: "crawl alpha: skipped (its previous run is still going)"
                 in caplog.text, what="a skipped run")
        assert len(calls.of("crawl", "alpha")) == 1
    finally:
        scheduler.stop()
    # APScheduler's own wording of the same skip is left out: said once is enough.
    assert "maximum number of running instances" not in caplog.text


def test_a_site_crawled_by_another_process_is_skipped(
        config_path: Path, sqlite_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    python, calls = fake_python
    database = open_database(sqlite_url)
    # `govwatch run` from cron on this machine, or a scheduler on another one.
    assert acquire(database, "crawl:alpha", ttl=timedelta(hours=1), owner="elsewhere:1")
    scheduler = daemon(config_path, sqlite_url, python, tick=1)
    scheduler.start()
    try:
        wait_for(lambda: calls.of("crawl", "beta"), what="the other site's crawl")
        wait_for(lambda: "crawl alpha: skipped (another process holds lock 'crawl:alpha'"
                 in caplog.text, what="a skipped crawl")
    finally:
        scheduler.stop()
    database.dispose()
    assert calls.of("crawl", "alpha") == []


def test_a_crawl_over_its_time_limit_is_stopped_and_its_run_closed(
        tmp_path: Path, sqlite_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO)
    python, _ = fake_python
    config = write_config(tmp_path / "c.yaml", [site("alpha")])
    monkeypatch.setenv("FAKE_SLEEP", "60")
    monkeypatch.setenv("FAKE_IGNORE_TERM", "1")  # deaf to SIGTERM: killed after the grace
    monkeypatch.setenv("FAKE_START_RUN", "1")
    scheduler = daemon(config, sqlite_url, python, tick=1, crawl_timeout=3, grace=0.5)
    scheduler.start()
    try:
        wait_for(lambda: "crawl alpha: timed out after" in caplog.text, timeout=20,
                 what="the time limit")
    finally:
        scheduler.stop()
    line = next(r.getMessage() for r in caplog.records
                if r.getMessage().startswith("crawl alpha: timed out"))
    assert "killed by SIGKILL" in line and "run 1 failed" in line
    database = open_database(sqlite_url)
    with database.session() as session:
        run = Repository(session).get_run(1)
    database.dispose()
    assert run is not None and run.status == "failed" and run.finished_at is not None
    assert run.message and "ended without closing the run (timed out)" in run.message


# ------------------------------------------------------------------------------ restarts


def test_a_restart_keeps_the_jobs_without_doubling_them(
        config_path: Path, db_url: str, fake_python: tuple[str, Calls]) -> None:
    python, _ = fake_python
    first = daemon(config_path, db_url, python)
    report = first.start()
    first.stop()
    assert report.added == ("crawl:alpha", "crawl:beta", "digest:daily")
    before = stored_jobs(db_url)
    assert set(before) == {"crawl:alpha", "crawl:beta", "digest:daily"}

    second = daemon(config_path, db_url, python)
    report = second.start()
    second.stop()
    assert report.added == report.removed == report.rescheduled == ()
    assert stored_jobs(db_url) == before  # same rows, same next run times

    # The configuration changed while the scheduler was down: beta deleted, alpha's time moved.
    write_config(config_path, [site("alpha", "0 9 * * *")],
                 [{"id": "daily", "email": "a@example.com", "cadence": "daily"}])
    third = daemon(config_path, db_url, python)
    report = third.start()
    third.stop()
    assert (report.removed, report.rescheduled, report.kept) == (
        ("crawl:beta",), ("crawl:alpha",), ("digest:daily",))
    after = stored_jobs(db_url)
    assert set(after) == {"crawl:alpha", "digest:daily"}
    assert after["digest:daily"] == before["digest:daily"]
    fire = datetime.fromtimestamp(after["crawl:alpha"], UTC)
    assert (fire.hour, fire.minute) == (1, 0)  # 09:00 in Beijing


def _move_next_run(db_url: str, job_id: str, when: datetime) -> None:
    """What a scheduler that was down looks like: a next run time in the past."""
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(
        engine=make_engine(db_url), tablename=JOB_TABLE)}, timezone="UTC")
    scheduler.start(paused=True)
    scheduler.modify_job(job_id, next_run_time=when)
    scheduler.remove_jobstore("default")  # see SchedulerDaemon.stop: or the run is consumed
    scheduler.shutdown()


def _hourly_from(origin: datetime) -> Callable[[str, str], BaseTrigger]:
    return lambda _expression, _tz: IntervalTrigger(hours=1, start_date=origin, timezone="UTC")


@pytest.mark.parametrize("grace, runs", [(6 * 3600, 1), (60, 0)], ids=["in-grace", "too-late"])
def test_runs_missed_while_down_fire_once_after_a_restart(
        tmp_path: Path, db_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture, grace: int, runs: int) -> None:
    caplog.set_level(logging.INFO)
    python, calls = fake_python
    config = write_config(tmp_path / "c.yaml", [site("alpha")])
    now = datetime.now(UTC)
    # Hourly, the last due ten minutes ago: four runs missed over three hours and ten minutes.
    trigger = _hourly_from((now - timedelta(minutes=10)).replace(microsecond=0))
    options = ScheduleOptions(python=python, misfire_grace=grace, grace=1.0)
    first = SchedulerDaemon(str(config), db_url, options, make_trigger=trigger)
    first.start()
    first.stop()
    _move_next_run(db_url, "crawl:alpha", now - timedelta(hours=3, minutes=10))

    second = SchedulerDaemon(str(config), db_url, options, make_trigger=trigger)
    second.start()
    try:
        if runs:
            wait_for(lambda: calls.of("crawl", "alpha"), what="the missed run")
        else:
            wait_for(lambda: "crawl alpha: missed its run" in caplog.text, what="a miss")
    finally:
        second.stop()
    assert len(calls.of("crawl", "alpha")) == runs  # coalesced: once, not four times
    next_run = datetime.fromtimestamp(stored_jobs(db_url)["crawl:alpha"], UTC)
    assert timedelta(minutes=45) < next_run - now <= timedelta(minutes=50, seconds=5)


def test_only_one_scheduler_per_database(config_path: Path, db_url: str,
                                         fake_python: tuple[str, Calls]) -> None:
    python, _ = fake_python
    first = daemon(config_path, db_url, python)
    first.start()
    try:
        with pytest.raises(LockedError, match="another `govwatch schedule` is running"):
            daemon(config_path, db_url, python).start()
    finally:
        first.stop()
    again = daemon(config_path, db_url, python)  # free again once the first has stopped
    again.start()
    again.stop()


# ------------------------------------------------------------------------------- reloads


def test_a_reload_applies_a_good_configuration_and_keeps_the_last_good_one(
        config_path: Path, sqlite_url: str, fake_python: tuple[str, Calls],
        caplog: pytest.LogCaptureFixture) -> None:
    python, _ = fake_python
    scheduler = daemon(config_path, sqlite_url, python)
    scheduler.start()
    try:
        assert scheduler.runner is not None
        snapshot = Path(scheduler.runner.settings.config_path)
        config_path.write_text("sites:\n  - id: Not An Id\n", encoding="utf-8")
        assert scheduler.reload() is False
        assert "configuration not reloaded, keeping the previous one" in caplog.text
        assert {j.id for j in scheduler.scheduler.get_jobs()} == {  # type: ignore[union-attr]
            "crawl:alpha", "crawl:beta", "digest:daily"}
        assert "id: alpha" in snapshot.read_text(encoding="utf-8")  # children still get it

        write_config(config_path, [site("alpha"), site("gamma", "15 6 * * *")])
        assert scheduler.reload() is True
        assert {j.id for j in scheduler.scheduler.get_jobs()} == {  # type: ignore[union-attr]
            "crawl:alpha", "crawl:gamma"}
        assert "id: gamma" in snapshot.read_text(encoding="utf-8")
    finally:
        scheduler.stop()


def test_the_job_table_is_apschedulers_not_a_schema_difference(
        config_path: Path, db_url: str, fake_python: tuple[str, Calls]) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from monitor.store.schema import FOREIGN_TABLES, Base, include_name

    python, _ = fake_python
    scheduler = daemon(config_path, db_url, python)
    scheduler.start()
    scheduler.stop()
    assert JOB_TABLE in FOREIGN_TABLES
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table(JOB_TABLE))).scalar() == 3
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_cron_triggers_from_the_configuration_are_crontab_triggers(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "c.yaml", [site("alpha", "0 7 * * 0")]))
    trigger = job_specs(config)[0].trigger
    assert isinstance(trigger, CronTrigger)
    assert "day_of_week='sun'" in repr(trigger)  # crontab's 0 is Sunday, APScheduler's Monday
