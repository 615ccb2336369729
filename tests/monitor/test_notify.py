"""Chat and webhook channels through apprise, with the same exactly-once bookkeeping as e-mail:
a generic JSON webhook (``json://``) served on 127.0.0.1 stands in for DingTalk, WeCom, Feishu
and Slack, which apprise reaches the same way."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("apprise")
# apprise 2.2 loads the standard library's deprecated imghdr module for its PGP plugin.
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

from monitor import outbox  # noqa: E402
from monitor.notify import channel_key  # noqa: E402
from monitor.store.db import Database  # noqa: E402
from monitor.store.deliveries import OutboxRepository  # noqa: E402
from tests.monitor.digest_world import NOW, Archive, Mailbox, config, start_smtp  # noqa: E402


@dataclass
class Hook:
    """A webhook that records what it accepted; ``fail`` answers 500 to the next N posts."""

    received: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    fail: int = 0
    port: int = 0


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.attempts += 1
            if state.fail > 0:
                state.fail -= 1
                self.send_response(500)
            else:
                state.received.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _url(hook: Hook) -> str:
    return f"json://govwatch:SECRET-TOKEN@127.0.0.1:{hook.port}/hook"


def _world(database: Database, subscriptions: list[dict[str, Any]], port: int = 25) -> Archive:
    world = Archive(database)
    world.subscribe(config(port, subscriptions))
    world.document("wuxi-fgw", "关于下达2026年专项资金补贴的通知")
    return world


def test_a_webhook_gets_the_digest_once(database: Database, hook: Hook,
                                        caplog: pytest.LogCaptureFixture) -> None:
    subs = [{"id": "team", "notify": [_url(hook)], "cadence": "immediate"}]
    _world(database, subs)
    cfg = config(subscriptions=subs)
    caplog.set_level(logging.DEBUG, logger="monitor")
    outbox.compose(database, cfg, now=NOW)
    report = outbox.send_pending(database, cfg, now=NOW)
    assert len(report.sent) == 1 and len(hook.received) == 1
    post = hook.received[0]
    assert post["title"].startswith("[govwatch] 1 篇新文件")
    assert "关于下达2026年专项资金补贴的通知" in post["message"]
    assert "http://archive.example.org/documents/" in post["message"]
    outbox.compose(database, cfg, now=NOW + timedelta(minutes=20))
    assert outbox.send_pending(database, cfg, now=NOW + timedelta(minutes=20)).sent == []
    assert len(hook.received) == 1
    # The channel is named without the URL's secret, in the database and in the logs.
    with database.session() as session:
        channels = {m.channel for m in OutboxRepository(session).messages()}
    assert channels == {channel_key(_url(hook))}
    assert all("SECRET-TOKEN" not in c for c in channels)
    assert "SECRET-TOKEN" not in caplog.text


def test_a_failing_webhook_is_retried_and_delivered_once(database: Database,
                                                         hook: Hook) -> None:
    subs = [{"id": "team", "notify": [_url(hook)], "cadence": "immediate"}]
    _world(database, subs)
    cfg = config(subscriptions=subs)
    hook.fail = 1
    outbox.compose(database, cfg, now=NOW)
    first = outbox.send_pending(database, cfg, now=NOW)
    assert first.retrying and not first.sent and hook.received == []
    second = outbox.send_pending(database, cfg, now=NOW + timedelta(minutes=2))
    assert second.sent and len(hook.received) == 1 and hook.attempts == 2


def test_email_and_webhook_are_separate_channels(database: Database, hook: Hook) -> None:
    box = Mailbox()
    controller = start_smtp(box)
    try:
        subs = [{"id": "team", "email": "team@example.com", "cadence": "immediate"}]
        world = _world(database, subs, controller.port)
        cfg = config(controller.port, subs)
        outbox.compose(database, cfg, now=NOW)
        outbox.send_pending(database, cfg, now=NOW)
        assert len(box.messages) == 1
        # A webhook added later starts from now: it does not replay what e-mail already told.
        subs[0]["notify"] = [_url(hook)]
        cfg = config(controller.port, subs)
        later = NOW + timedelta(minutes=30)
        outbox.compose(database, cfg, now=later)
        assert outbox.send_pending(database, cfg, now=later).sent == []
        world.now = later + timedelta(minutes=1)
        world.document("yixing", "宜兴市2026年政府工作报告")
        outbox.compose(database, cfg, now=later + timedelta(minutes=5))
        report = outbox.send_pending(database, cfg, now=later + timedelta(minutes=5))
        assert len(report.sent) == 2
        assert len(box.messages) == 2 and len(hook.received) == 1
        assert "宜兴市2026年政府工作报告" in hook.received[0]["message"]
    finally:
        controller.stop()


def test_an_url_apprise_does_not_know_fails_for_good(database: Database) -> None:
    subs = [{"id": "team", "notify": ["nosuchservice://token"], "cadence": "immediate"}]
    _world(database, subs)
    cfg = config(subscriptions=subs)
    outbox.compose(database, cfg, now=NOW)
    report = outbox.send_pending(database, cfg, now=NOW)
    assert report.failed and not report.sent
