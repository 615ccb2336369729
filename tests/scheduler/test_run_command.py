"""``govwatch run`` for cron: never two at once, and an exit status monitoring can act on."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from monitor.demo.server import PortalServer
from monitor.locks import acquire
from monitor.store.db import open_database
from tests.scheduler.conftest import site, write_config


def run(config: Path, db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), "--db", db_url, "run", *args])
    return result.exit_code, result.stdout + result.stderr


def test_an_overlapping_run_exits_75(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path / "c.yaml", [site("alpha")])
    database = open_database(sqlite_url)
    assert acquire(database, "run", ttl=timedelta(hours=1), owner="cron-host:4242")
    code, output = run(config, sqlite_url)
    database.dispose()
    assert code == 75
    assert output.strip() == ("govwatch: `govwatch run` is already running in another govwatch "
                              "process (lock 'run'); try again later")


def test_a_site_the_scheduler_is_crawling_makes_run_exit_75(tmp_path: Path,
                                                            sqlite_url: str) -> None:
    config = write_config(tmp_path / "c.yaml", [site("alpha"), site("beta")])
    database = open_database(sqlite_url)
    assert acquire(database, "crawl:beta", ttl=timedelta(hours=1), owner="other:1:scheduler")
    code, output = run(config, sqlite_url)
    assert code == 75 and "site 'beta' is being crawled by another govwatch process" in output
    # Nothing was left held by the refused run: another site's run goes ahead.
    assert acquire(database, "crawl:alpha", ttl=timedelta(minutes=1), owner="check:1")
    database.dispose()


def test_a_failed_crawl_exits_3_and_releases_the_locks(tmp_path: Path, sqlite_url: str) -> None:
    with PortalServer({}) as portal:  # every page is a 404: the crawl fails at once
        config = write_config(tmp_path / "c.yaml", [{
            "id": "alpha", "start_urls": [portal.url("/alpha/list.html")],
            "download_delay": 0}])
        code, output = run(config, sqlite_url, "--outbox", str(tmp_path / "outbox"))
    assert code == 3, output
    database = open_database(sqlite_url)
    for name in ("run", "crawl:alpha"):
        assert acquire(database, name, ttl=timedelta(minutes=1), owner="next:1"), name
    database.dispose()
