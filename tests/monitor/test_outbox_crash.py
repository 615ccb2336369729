"""`govwatch digest --send` killed at each dangerous moment (GOVWATCH_FAULT, see monitor.outbox),
then run again: each event reaches each subscriber exactly once. Real processes, a real SMTP
server on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from monitor.store.db import Database
from monitor.store.deliveries import OutboxRepository
from tests.monitor.digest_world import SITES, Archive, Mailbox, config, start_smtp

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
SUBSCRIBERS = [
    {"id": "analyst", "email": "analyst@example.com", "cadence": "immediate"},
    {"id": "yixing-watch", "email": "yx@example.com", "sites": ["yixing"], "cadence": "immediate"},
    {"id": "subsidies", "email": "money@example.com", "keywords": ["补贴"], "cadence": "immediate"},
]
EXPECTED = Counter({
    ("analyst@example.com", "关于下达2026年专项资金补贴的通知"): 1,
    ("analyst@example.com", "宜兴市2026年政府工作报告"): 1,
    ("yx@example.com", "宜兴市2026年政府工作报告"): 1,
    ("money@example.com", "关于下达2026年专项资金补贴的通知"): 1,
})


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, Controller]]:
    box = Mailbox()
    controller = start_smtp(box)
    yield box, controller
    controller.stop()


def _setup(database: Database, tmp_path: Path, port: int) -> Path:
    # The subprocess runs on the real clock.
    archive = Archive(database, now=datetime.now(UTC) - timedelta(minutes=30))
    archive.subscribe(config(subscriptions=SUBSCRIBERS))
    archive.document("wuxi-fgw", "关于下达2026年专项资金补贴的通知")
    archive.document("yixing", "宜兴市2026年政府工作报告", text="坚持稳中求进。")
    path = tmp_path / "govwatch.yaml"
    path.write_text(yaml.safe_dump({
        "sites": SITES, "subscriptions": SUBSCRIBERS,
        "smtp": {"host": "127.0.0.1", "port": port, "sender": "govwatch@example.com",
                 "timeout": 5},
        "web": {"base_url": "http://archive.example.org"},
    }, allow_unicode=True), encoding="utf-8")
    return path


def _digest_send(cfg: Path, db_url: str, fault: str | None = None,
                 *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GOVWATCH_FAULT"}
    if fault:
        env["GOVWATCH_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(cfg), "--db", db_url, "digest",
         "--send", *extra], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def _delivered(box: Mailbox) -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for msg in box.parsed():
        part = msg.get_body(("plain",))
        assert part is not None
        for title in ("关于下达2026年专项资金补贴的通知", "宜兴市2026年政府工作报告"):
            if title in part.get_content():
                seen[(str(msg["To"]), title)] += 1
    return seen


def _states(database: Database) -> Counter[str]:
    with database.session() as session:
        return Counter(m.state for m in OutboxRepository(session).messages())


@pytest.mark.parametrize("fault", ["exit-after-send", "exit-before-commit", "exit-after-compose"])
def test_killed_digest_run_then_rerun_delivers_exactly_once(
        database: Database, db_url: str, tmp_path: Path,
        mailbox: tuple[Mailbox, Controller], fault: str) -> None:
    box, controller = mailbox
    cfg = _setup(database, tmp_path, controller.port)

    killed = _digest_send(cfg, db_url, fault)
    assert killed.returncode == 70, killed.stdout + killed.stderr
    expected_after_kill = {"exit-after-send": 1, "exit-before-commit": 0,
                           "exit-after-compose": 0}[fault]
    assert len(box.messages) == expected_after_kill

    rerun = _digest_send(cfg, db_url)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    again = _digest_send(cfg, db_url)
    assert again.returncode == 0 and "Nothing to report" in again.stdout
    assert _delivered(box) == EXPECTED
    states = _states(database)
    if fault == "exit-after-send":
        # The server took it, the process died before recording: uncertain, never resent.
        assert states == Counter({"sent": 2, "uncertain": 1})
        assert "may or may not have reached" in rerun.stderr
    else:
        assert states == Counter({"sent": 3})
