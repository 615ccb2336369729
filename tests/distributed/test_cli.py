"""What `govwatch crawl --distributed` and `govwatch worker` say when they can't work."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from tests.scheduler.conftest import site, write_config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "sites.yaml", [site("alpha")])


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_sqlite_is_refused(config: Path, sqlite_url: str) -> None:
    code, output = invoke("--config", str(config), "--db", sqlite_url, "crawl",
                          "--distributed", "--redis", "redis://127.0.0.1:6379/0")
    assert code == 1
    assert "distributed crawling needs PostgreSQL" in output and "Traceback" not in output


def test_redis_is_required(config: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVWATCH_REDIS", raising=False)
    code, output = invoke("--config", str(config), "--db", pg_url, "worker", "--wait", "1")
    assert code == 1 and "distributed crawling needs Redis: pass --redis URL" in output


def test_an_unreachable_redis_is_named(config: Path, pg_url: str) -> None:
    code, output = invoke("--config", str(config), "--db", pg_url, "schedule", "--distributed",
                          "--redis", "redis://127.0.0.1:9/0")
    assert code == 1 and "can't reach Redis at redis://127.0.0.1:9/0" in output


def test_a_worker_with_nothing_to_do_gives_up_after_wait(
        config: Path, pg_url: str, redis_url: str, prefix: str) -> None:
    code, output = invoke("--config", str(config), "--db", pg_url, "worker", "--redis",
                          redis_url, "--redis-prefix", prefix, "--wait", "1")
    assert code == 0 and "no crawl round to join within 1 s" in output
