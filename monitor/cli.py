"""The ``govwatch`` command (also ``python -m monitor``)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from monitor.config import Config, SiteConfig, default_config_path, load_config
from monitor.exceptions import GovwatchError
from monitor.store.db import Database, default_db_url, open_database
from monitor.store.records import RunRecord

P = ParamSpec("P")
R = TypeVar("R")

# Exit statuses that cron and monitoring can act on.
EXIT_OK = 0
EXIT_CONFIG = 2            # the configuration is wrong (ConfigError.exit_code)
EXIT_SITES_FAILED = 3      # some site's crawl failed or was blocked
EXIT_DELIVERY_FAILED = 4   # a digest could not be delivered (it stays in the outbox)


@dataclass
class Globals:
    config_path: str
    db_url: str
    verbose: bool
    _config: Config | None = None
    _database: Database | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def database(self) -> Database:
        """The database, opened (and migrated) once per command, closed when it ends."""
        if self._database is None:
            self._database = open_database(self.db_url)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """User mistakes and expected failures print one clear line, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GovwatchError as exc:
            click.echo(f"govwatch: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


class _OwnLines(logging.Filter):
    """govwatch's own INFO lines, and only warnings from the libraries (Scrapy resets its
    loggers' levels when a crawl starts, so a level alone would not hold)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in (
            "monitor", "crawler")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_OwnLines())
        # trafilatura warns about every page it discards; govwatch reports those itself.
        logging.getLogger("trafilatura").setLevel(logging.ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", envvar="GOVWATCH_CONFIG", default=default_config_path,
              show_default="seeds/", help="YAML file or folder of them [env GOVWATCH_CONFIG]")
@click.option("--db", "db_url", envvar="GOVWATCH_DB", default=default_db_url,
              show_default="sqlite:///govwatch.db",
              help="SQLAlchemy database URL [env GOVWATCH_DB]")
@click.option("-v", "--verbose", is_flag=True, help="log every request")
@click.pass_context
def main(ctx: click.Context, config_path: str, db_url: str, verbose: bool) -> None:
    """govwatch: watch government portals for new and changed policy documents."""
    _setup_logging(verbose)
    ctx.obj = Globals(config_path, db_url, verbose)
    ctx.call_on_close(ctx.obj.close)


# ------------------------------------------------------------------------------------- crawl


def redis_options(func: Callable[P, R]) -> Callable[P, R]:
    """``--redis`` and ``--redis-prefix``, for the commands that share a crawl through Redis."""
    func = click.option("--redis-prefix", envvar="GOVWATCH_REDIS_PREFIX", default="govwatch",
                        show_default=True,
                        help="prefix of govwatch's Redis keys [env GOVWATCH_REDIS_PREFIX]")(func)
    return click.option("--redis", "redis_url", envvar="GOVWATCH_REDIS", metavar="URL",
                        help="Redis shared by the workers, e.g. redis://:password@host:6379/0 "
                             "[env GOVWATCH_REDIS]")(func)


def _setting(value: str) -> tuple[str, object]:
    name, sep, raw = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{value!r}: expected NAME=VALUE, e.g. DOWNLOAD_TIMEOUT=120")
    try:
        parsed: object = json.loads(raw)
    except ValueError:
        parsed = raw
    return name.strip(), parsed


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
        settings = tuple(_setting(value) for value in overrides)
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


# ------------------------------------------------------------------------------------ digest


@main.command()
@click.option("--send", is_flag=True, help="mail the digests (SMTP settings in the config)")
@click.option("--outbox", "outbox_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write the digests as .eml files into this folder instead of mailing them")
@click.option("--force", is_flag=True, help="ignore cadences: compose for every subscriber now")
@click.option("--subscription", "subscriptions", multiple=True, help="only this subscription")
@click.option("--resend-uncertain", is_flag=True,
              help="send again messages whose delivery is unknown after a crash")
@click.pass_obj
@friendly
def digest(g: Globals, send: bool, outbox_dir: Path | None, force: bool,
           subscriptions: tuple[str, ...], resend_uncertain: bool) -> None:
    """Render pending events per subscription; --send mails them, --outbox writes .eml files.

    Without --send or --outbox, the digests are printed and nothing is recorded.
    """
    sys.exit(_digest(g, send=send, outbox_dir=outbox_dir, force=force,
                     subscriptions=subscriptions, resend_uncertain=resend_uncertain))


def _digest(g: Globals, *, send: bool, outbox_dir: Path | None, force: bool = False,
            subscriptions: tuple[str, ...] = (), resend_uncertain: bool = False) -> int:
    from monitor import outbox
    from monitor.digest import render_digest

    config = g.config
    known = {s.id for s in config.subscriptions}
    unknown = [s for s in subscriptions if s not in known]
    if unknown:
        raise click.UsageError(f"no subscription {', '.join(map(repr, unknown))} (known: "
                               f"{', '.join(sorted(known)) or 'none configured'})")
    database = g.database()
    if not send and outbox_dir is None:
        digests = outbox.preview(database, config, subscription_ids=subscriptions)
        if not digests:
            click.echo("Nothing to report.")
        for d in digests:
            subject, text, _ = render_digest(d, config)
            click.echo(f"To: {d.subscription.email or d.channel}")
            click.echo(f"Subject: {subject}\n")
            click.echo(text)
        return EXIT_OK
    composed = outbox.compose(database, config, force=force, subscription_ids=subscriptions)
    for item in composed:
        click.echo(f"composed: {item.message.subject} → {item.digest.subscription.id} "
                   f"({item.message.channel})")
    if outbox_dir is not None:
        report = outbox.write_pending(database, outbox_dir)
        for path in report.written:
            click.echo(f"wrote {path}")
    else:
        report = outbox.send_pending(database, config, resend_uncertain=resend_uncertain)
        click.echo(f"sent {len(report.sent)}, retrying {len(report.retrying)}, "
                   f"failed {len(report.failed)}, uncertain {len(report.uncertain)}")
        if report.uncertain:
            click.echo("govwatch: some digests may or may not have reached the server (outbox "
                       f"ids {report.uncertain}): the connection or the process ended between "
                       "the message and the server's answer. Check the recipient's mailbox; "
                       "run `govwatch digest --send --resend-uncertain` if they did not arrive",
                       err=True)
    if not composed and not report.sent:
        click.echo("Nothing to report.")
    return EXIT_DELIVERY_FAILED if report.failed or report.retrying else EXIT_OK


# --------------------------------------------------------------------------------------- run


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
        digest_code = _digest(g, send=outbox_dir is None, outbox_dir=outbox_dir)
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


# ------------------------------------------------------------------------- schedule / serve


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


def _help_settings(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from monitor.web.server import settings_help

    click.echo("Settings (govwatch serve --setting NAME VALUE):\n" + settings_help())
    ctx.exit()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; beyond loopback an access token is required "
                   "(config web.token_env, default $GOVWATCH_WEB_TOKEN)")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--setting", "overrides", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="change a setting (see --help-settings)")
@click.option("--help-settings", is_flag=True, expose_value=False, is_eager=True,
              callback=_help_settings, help="list the settings and exit")
@click.pass_obj
@friendly
def serve(g: Globals, host: str, port: int, overrides: tuple[tuple[str, str], ...]) -> None:
    """Archive browser (binds 127.0.0.1 unless told otherwise)."""
    from monitor.web.server import serve as run_server

    run_server(g.config_path, g.db_url, host=host, port=port, overrides=overrides)


# ------------------------------------------------------------------------------------ export


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--versions", is_flag=True, help="list every version of each document")
@click.option("--events", is_flag=True, help="append the events (JSON lines only)")
@click.option("--site", "site_id", help="only this site")
@click.pass_obj
@friendly
def export(g: Globals, fmt: str, versions: bool, events: bool, site_id: str | None) -> None:
    """Dump the archive to stdout."""
    from monitor.export import iter_export, write_csv, write_jsonl

    if events and fmt == "csv":
        raise click.UsageError("--events needs --format jsonl (events have no CSV form)")
    rows = iter_export(g.database(), versions=versions, events=events, site_id=site_id)
    out = sys.stdout
    if fmt == "csv":
        write_csv(rows, out)
    else:
        write_jsonl(rows, out)


# ------------------------------------------------------------------------------------- sites


@main.command()
@click.argument("site_ids", nargs=-1, metavar="[SITE]...")
@click.option("--check", is_flag=True,
              help="fetch each start URL once and show what discovery finds there (document "
                   "links, pagination, or why there are none)")
@click.pass_obj
@friendly
def sites(g: Globals, site_ids: tuple[str, ...], check: bool) -> None:
    """List configured sites and validate the configuration.

    With --check, also fetch each site's list pages (one request each, and robots.txt): exit
    status 3 when a column shows no document links.
    """
    config = g.config
    chosen = [config.site(i) for i in site_ids] if site_ids else config.sites
    click.echo(f"configuration: {', '.join(config.sources)}")
    stats: dict[str, Any] = {}
    if not g.db_url.startswith("sqlite:///") or Path(g.db_url.removeprefix("sqlite:///")).exists():
        from monitor.store.repository import Repository

        with g.database().session() as session:
            repo = Repository(session)
            for site in chosen:
                last = repo.runs(site.id, limit=1)
                stats[site.id] = (repo.count_documents(site.id), last[0] if last else None)
    failed = False
    for site in chosen:
        flags = [] if site.enabled else ["disabled"]
        if site.verified is False:
            flags.append("not checked live")
        click.echo(f"{site.id}  {site.display_name}  [{site.schedule} {site.timezone}]"
                   + (f"  ({', '.join(flags)})" if flags else ""))
        overrides = {name: getattr(site, name) for name in _OVERRIDES
                     if getattr(site, name) is not None}
        if overrides:
            click.echo("    overrides: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items()))
        if not check:
            for url in site.start_urls:
                click.echo(f"    {url}")
        else:
            failed = not _check_site(site, config.user_agent) or failed
        if site.id in stats:
            count, last = stats[site.id]
            when = f"last run {last.status} at {last.started_at:%Y-%m-%d %H:%M} UTC" if last \
                else "never crawled"
            click.echo(f"    {count} documents, {when}")
            if last and last.message:
                click.echo(f"    {last.message}")
    click.echo(f"{len(config.sites)} sites, {len(config.subscriptions)} subscriptions: "
               "configuration OK")
    if failed:
        sys.exit(EXIT_SITES_FAILED)


_OVERRIDES = ("link_pattern", "list_selector", "next_page_selector", "metadata_selector",
              "body_selector", "encoding", "download_delay")


def _check_site(site: SiteConfig, user_agent: str | None) -> bool:
    from crawler import settings as crawl_settings
    from crawler.check import check_site

    good = True
    for column in check_site(site, user_agent or crawl_settings.USER_AGENT):
        head = f"    {column.url}: "
        if column.outcome != "ok":
            click.echo(head + f"{column.outcome}" + (f" — {column.reason}" if column.reason
                                                      else ""))
            good = False
            continue
        nxt = column.next[0] if column.next else None
        following = "last page" if nxt is None else (
            f"next {nxt.method} {nxt.url}" + (" (Hanweb data proxy)" if nxt.jpage else ""))
        click.echo(head + f"HTTP {column.status}, {column.family}, {len(column.links)} document "
                          f"links, {following}")
        for link in column.links[:5]:
            click.echo(f"      {link.date or '          '}  {link.title or ''}  {link.url}")
        if len(column.links) > 5:
            click.echo(f"      … and {len(column.links) - 5} more")
        if column.offsite:
            click.echo(f"      {len(column.offsite)} document links outside allowed_domains, "
                       f"e.g. {column.offsite[0]}")
        if not column.links:
            good = False
            why = ("the portal renders its list with JavaScript" if column.scripted else
                   "the page says the column is empty" if column.says_empty else
                   "configure link_pattern / list_selector for this markup")
            click.echo(f"      no document links: {why}")
    return good


# ----------------------------------------------------------------------------------- extract


@main.command()
@click.argument("source")
@click.option("--url", help="the page's address, for relative links and dates in the URL")
@click.option("--encoding", help="force a character set (e.g. gb18030)")
@friendly
def extract(source: str, url: str | None, encoding: str | None) -> None:
    """Extract one saved or live page and print the result as JSON.

    The JSON holds the export's document fields. What could not be found (no body, no
    metadata) and why some text may look wrong is said on stderr; the exit status is 3 when
    the page has no body text."""
    from monitor.extract_cmd import extract_source, notes

    result = extract_source(source, url=url, encoding=encoding)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    for note in notes(result):
        click.echo(f"govwatch: {note}", err=True)
    sys.exit(0 if result.has_body else 3)


# ----------------------------------------------------------------------------------- reextract


@main.command()
@click.option("--site", "site_id", help="only this site")
@click.pass_obj
@friendly
def reextract(g: Globals, site_id: str | None) -> None:
    """Re-run extraction over stored page bytes after an extractor upgrade (no events)."""
    from monitor.reextract import reextract_all

    report = reextract_all(g.database(), g.config, site_id=site_id)
    click.echo(f"{report.checked} documents checked, {report.updated} re-extracted, "
               f"{report.unchanged} unchanged, {report.missing_raw} without stored bytes")


# ----------------------------------------------------------------------------------- outlets


@main.command()
@click.option("--index", "index", is_flag=True,
              help="index every document not yet indexed (an archive from an older version)")
@click.argument("document_id", type=int, required=False)
@click.pass_obj
@friendly
def outlets(g: Globals, index: bool, document_id: int | None) -> None:
    """The same text published by other outlets: index the archive, or show a document's links."""
    from monitor.outlets import index_all, linked_documents

    database = g.database()
    if index:
        click.echo(f"{index_all(database)} documents indexed")
    if document_id is not None:
        links = linked_documents(database, document_id)
        if not links:
            click.echo(f"document {document_id}: no other outlet carries its text")
        for link in links:
            click.echo(f"{link.similarity:.1%} similar, {link.shared_chars} characters shared: "
                       f"{link.site_id} {link.title or ''} {link.url}")
    elif not index:
        raise click.UsageError("give a DOCUMENT_ID to show its links, or --index")


# ------------------------------------------------------------------------------------- demo


@main.command()
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("demo-output"), show_default=True,
              help="where the demo keeps its database, configuration and outbox")
@friendly
def demo(workdir: Path) -> None:
    """Offline showcase: serve the sample portal, crawl, change it, crawl again, show the digest."""
    from monitor.demo.run import run_demo

    sys.exit(run_demo(workdir))


# --------------------------------------------------------------------------------------- db


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.pass_obj
@friendly
def db_upgrade(g: Globals) -> None:
    """Migrate the database to the newest schema."""
    from monitor.store.db import make_engine, schema_revision, upgrade

    engine = make_engine(g.db_url)
    before, head = schema_revision(engine)
    upgrade(engine)
    click.echo(f"{engine.url.render_as_string()}: {before or 'empty'} → {head}")


@db.command("current")
@click.pass_obj
@friendly
def db_current(g: Globals) -> None:
    """Show the database's schema revision."""
    from monitor.store.db import make_engine, schema_revision

    current, head = schema_revision(make_engine(g.db_url))
    state = "up to date" if current == head else f"needs `govwatch db upgrade` to {head}"
    click.echo(f"{current or 'empty'} ({state})")
