"""The ``govwatch`` command group: global options, logging, and how errors reach users."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from monitor.config import Config, default_config_path, load_config
from monitor.exceptions import GovwatchError
from monitor.store.db import Database, default_db_url, open_database

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


def redis_options(func: Callable[P, R]) -> Callable[P, R]:
    """``--redis`` and ``--redis-prefix``, for the commands that share a crawl through Redis."""
    func = click.option("--redis-prefix", envvar="GOVWATCH_REDIS_PREFIX", default="govwatch",
                        show_default=True,
                        help="prefix of govwatch's Redis keys [env GOVWATCH_REDIS_PREFIX]")(func)
    return click.option("--redis", "redis_url", envvar="GOVWATCH_REDIS", metavar="URL",
                        help="Redis shared by the workers, e.g. redis://:password@host:6379/0 "
                             "[env GOVWATCH_REDIS]")(func)


def parse_setting(value: str) -> tuple[str, object]:
    name, sep, raw = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{value!r}: expected NAME=VALUE, e.g. DOWNLOAD_TIMEOUT=120")
    try:
        parsed: object = json.loads(raw)
    except ValueError:
        parsed = raw
    return name.strip(), parsed
