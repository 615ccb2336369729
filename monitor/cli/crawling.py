"""Commands that crawl: ``crawl``, ``worker`` (distributed rounds), ``run`` (what cron calls)
and ``schedule`` (the daemon)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.app import (
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_SITES_FAILED,
    Globals,
    friendly,
    main,
    parse_setting,
    redis_options,
)
from monitor.cli.delivery import deliver_digests
from monitor.store.records import RunRecord


@main.command()
@click.argument("sites", nargs=-1)
@click.option("--distributed", is_flag=True,
              help="share the crawl with `govwatch worker` processes through Redis (needs "
                   "--redis and PostgreSQL); joins a round already under way")
@redis_options
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="override a Scrapy or govwatch crawl setting (crawler/settings.py), e.g. "
                   "-s DOWNLOAD_TIMEOUT=120; values are read as JSON when they parse")
@click.pass_obj
@friendly
def crawl(g: Globals, sites: tuple[str, ...], distributed: bool, redis_url: str | None,
          redis_prefix: str, overrides: tuple[str, ...]) -> None:
    """Crawl the named sites (all if none), store new versions, record events.

    Prints one line per site. Exit status 3 when a site failed or was blocked.
    """
    try:
        settings = tuple(parse_setting(value) for value in overrides)
    except click.BadParameter as exc:
        raise click.UsageError(str(exc)) from exc
    if distributed:
        sys.exit(_crawl_distributed(g, sites, redis_url, redis_prefix, settings))
    sys.exit(_crawl(g, sites, settings))


def _crawl(g: Globals, sites: tuple[str, ...],
           settings: tuple[tuple[str, object], ...] = ()) -> int:
    from monitor.crawl import CrawlRequest, crawl

    config = g.config
    config.select_sites(sites)  # unknown site ids fail here, before Scrapy starts
    runs = crawl(config, CrawlRequest(g.config_path, g.db_url, sites, g.verbose, settings))
    return _crawl_status(runs)


def _crawl_status(runs: list[RunRecord]) -> int:
    from monitor.crawl import summarize

    for run, line in zip(runs, summarize(runs), strict=True):
        # A distributed round this process left while other workers finish it.
        click.echo(f"{run.site_id}: run {run.id} still running (other workers are finishing "
                   "it)" if run.status == "running" else line)
    if not runs:
        click.echo("govwatch: no site was crawled (are they all disabled?)", err=True)
        return EXIT_SITES_FAILED
    return EXIT_SITES_FAILED if any(r.status in ("failed", "blocked") for r in runs) else EXIT_OK


def _crawl_distributed(g: Globals, sites: tuple[str, ...], redis_url: str | None,
                       prefix: str, settings: tuple[tuple[str, object], ...] = ()) -> int:
    from monitor.crawl import CrawlRequest
    from monitor.worker import check_database, connect, crawl_rounds, start_rounds

    config = g.config
    config.select_sites(sites)
    database = g.database()
    check_database(database)
    client = connect(redis_url)
    assert redis_url is not None
    assignments = start_rounds(config, database, client, prefix, sites)
    client.close()
    g.close()  # the crawl opens its own connections
    runs = crawl_rounds(config, CrawlRequest(g.config_path, g.db_url, sites, g.verbose,
                                             settings), assignments, redis_url, prefix)
    return _crawl_status(runs)


@main.command()
@click.argument("sites", nargs=-1)
@redis_options
@click.option("--wait", type=float, default=0, show_default=True,
              help="give up (exit 0) after this many seconds without a round to join; "
                   "0 waits as long as it takes")
@click.option("--max-sites", type=click.IntRange(min=1), default=8, show_default=True,
              help="rounds worked on at once")
@click.pass_obj
@friendly
def worker(g: Globals, sites: tuple[str, ...], redis_url: str | None, redis_prefix: str,
           wait: float, max_sites: int) -> None:
    """Help with distributed crawls: wait for rounds of the named sites (all if none) started
    by `govwatch crawl --distributed`, work on them until they are done, then exit (run it
    under systemd with Restart=always to keep a worker available)."""
    from monitor.crawl import CrawlRequest
    from monitor.worker import await_rounds, check_database, connect, crawl_rounds

    config = g.config
    config.select_sites(sites)
    database = g.database()
    check_database(database)
    client = connect(redis_url)
    assert redis_url is not None
    assignments = await_rounds(config, database, client, redis_prefix, sites, wait=wait,
                               max_sites=max_sites)
    client.close()
    if not assignments:
        click.echo(f"no crawl round to join within {wait:.0f} s")
        sys.exit(EXIT_OK)
    g.close()
    runs = crawl_rounds(config, CrawlRequest(g.config_path, g.db_url, sites, g.verbose),
                        assignments, redis_url, redis_prefix)
    sys.exit(_crawl_status(runs))


@main.command()
@click.argument("sites", nargs=-1)
@click.option("--outbox", "outbox_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write digests as .eml files instead of mailing them")
@click.pass_obj
@friendly
def run(g: Globals, sites: tuple[str, ...], outbox_dir: Path | None) -> None:
    """Crawl, then send digests: what cron calls.

    Exit status: 0 all well; 2 the configuration is wrong; 3 a site failed or was blocked; 4 a
    digest could not be delivered (it stays in the outbox); 75 another run, or another crawl of
    one of the sites (`govwatch schedule`), is still going: try again later.
    """
    from datetime import timedelta

    from monitor.jobs import site_locks
    from monitor.locks import held

    selected = g.config.select_sites(sites)
    database = g.database()
    ttl = timedelta(hours=12)  # a crashed run blocks the next ones for at most this long
    with held(database, "run", ttl=ttl, what="`govwatch run`"), \
            site_locks(database, [s.id for s in selected], ttl=ttl):
        crawl_code = _crawl_in_child(g, sites)
        digest_code = deliver_digests(g, send=outbox_dir is None, outbox_dir=outbox_dir)
    sys.exit(crawl_code or digest_code)


def _crawl_in_child(g: Globals, sites: tuple[str, ...]) -> int:
    """Crawl in a child process: Twisted's reactor runs once per process."""
    import os
    import subprocess

    command = [sys.executable, "-m", "monitor", "--config", g.config_path]
    if g.verbose:
        command.append("--verbose")
    # The database URL by the environment: it may hold a password, and command lines are public.
    code = subprocess.call([*command, "crawl", *sites], env={**os.environ, "GOVWATCH_DB": g.db_url})
    # A crash or a signal is a failed crawl too, for monitoring: one of the documented codes.
    return code if code in (EXIT_OK, EXIT_CONFIG, EXIT_SITES_FAILED) else EXIT_SITES_FAILED


@main.command()
@click.option("--crawl-timeout", type=click.FloatRange(min=1), default=4 * 3600,
              show_default=True, help="seconds a crawl may take before it is stopped")
@click.option("--digest-timeout", type=click.FloatRange(min=1), default=1800,
              show_default=True, help="seconds a digest job may take")
@click.option("--grace", type=click.FloatRange(min=0), default=90, show_default=True,
              help="seconds between asking a job to stop (SIGTERM) and killing it; more than "
                   "the download timeout (60 s), so that a stopped crawl can record its run")
@click.option("--jobs", "max_jobs", type=click.IntRange(min=1), default=4, show_default=True,
              help="jobs running at once")
@click.option("--distributed", is_flag=True,
              help="crawl with `crawl --distributed`, so that `govwatch worker` processes "
                   "on other machines help (needs --redis and PostgreSQL)")
@redis_options
@click.option("--tick", type=click.IntRange(1, 59), hidden=True,
              help="testing: fire every job every TICK seconds instead of its cron schedule")
@click.pass_obj
@friendly
def schedule(g: Globals, crawl_timeout: float, digest_timeout: float, grace: float,
             max_jobs: int, distributed: bool, redis_url: str | None, redis_prefix: str,
             tick: int | None) -> None:
    """Long-running scheduler: crawls and digests on each site's cron schedule.

    SIGTERM or SIGINT stops it (running crawls are stopped gracefully); SIGHUP reloads the
    configuration (a broken one is reported and the running one kept). One scheduler per
    database: a second one exits with status 75.
    """
    import os

    from monitor.scheduler import ScheduleOptions, run_scheduler

    if distributed:
        from monitor.worker import check_database, connect

        check_database(g.database())
        connect(redis_url)
        assert redis_url is not None
        # The crawl children read them from the environment.
        os.environ["GOVWATCH_REDIS"] = redis_url
        os.environ["GOVWATCH_REDIS_PREFIX"] = redis_prefix
    g.close()
    options = ScheduleOptions(crawl_timeout=crawl_timeout, digest_timeout=digest_timeout,
                              grace=grace, workers=max_jobs, distributed=distributed,
                              tick=tick)
    run_scheduler(g.config_path, g.db_url, options, verbose=g.verbose)
