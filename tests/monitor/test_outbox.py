"""Exactly-once delivery through the outbox, against a real SMTP server (aiosmtpd) on 127.0.0.1:
servers that refuse, connections cut mid-DATA or mid-run, answers that never come, stale claims,
concurrent composers and senders. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from monitor import mail, outbox
from monitor.config import Config
from monitor.store.db import Database
from monitor.store.deliveries import OutboxRepository
from tests.monitor.digest_world import NOW, Archive, CuttingProxy, Mailbox, config, start_smtp

SUBSCRIBERS = [
    {"id": "analyst", "email": "analyst@example.com", "cadence": "immediate"},
    {"id": "yixing-watch", "email": "yx@example.com", "sites": ["yixing"],
     "cadence": "immediate"},
    {"id": "subsidies", "email": "money@example.com", "keywords": ["补贴"],
     "cadence": "immediate"},
]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, Controller]]:
    box = Mailbox()
    controller = start_smtp(box)
    yield box, controller
    controller.stop()


@pytest.fixture
def proxy(mailbox: tuple[Mailbox, Controller]) -> Iterator[CuttingProxy]:
    relay = CuttingProxy(mailbox[1].port)
    yield relay
    relay.close()


def _world(database: Database) -> Archive:
    archive = Archive(database)
    archive.subscribe(config(subscriptions=SUBSCRIBERS))
    archive.document("wuxi-fgw", "关于下达2026年专项资金补贴的通知")
    archive.document("yixing", "宜兴市2026年政府工作报告", text="坚持稳中求进。",
                     publisher="宜兴市人民政府")
    return archive


def _cfg(port: int) -> Config:
    return config(port, SUBSCRIBERS)


def _delivered(box: Mailbox) -> Counter[tuple[str, str]]:
    """(recipient, document title) pairs over every message the server kept."""
    seen: Counter[tuple[str, str]] = Counter()
    for msg in box.parsed():
        body = msg.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        for title in ("关于下达2026年专项资金补贴的通知", "宜兴市2026年政府工作报告"):
            if title in text:
                seen[(str(msg["To"]), title)] += 1
    return seen


EXPECTED = Counter({
    ("analyst@example.com", "关于下达2026年专项资金补贴的通知"): 1,
    ("analyst@example.com", "宜兴市2026年政府工作报告"): 1,
    ("yx@example.com", "宜兴市2026年政府工作报告"): 1,
    ("money@example.com", "关于下达2026年专项资金补贴的通知"): 1,
})


def _cycle(database: Database, cfg: Config, now: datetime) -> outbox.SendReport:
    outbox.compose(database, cfg, now=now)
    return outbox.send_pending(database, cfg, now=now)


def test_each_event_reaches_each_subscriber_once_and_reruns_send_nothing(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = _cfg(controller.port)
    report = _cycle(database, cfg, NOW)
    assert len(report.sent) == 3 and not report.failed and not report.uncertain
    assert _delivered(box) == EXPECTED
    again = _cycle(database, cfg, NOW + timedelta(minutes=20))
    assert again.sent == [] and len(box.messages) == 3


def test_nothing_to_say_sends_nothing(database: Database,
                                      mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    Archive(database).site("wuxi-fgw")
    report = _cycle(database, _cfg(controller.port), NOW)
    assert report.sent == [] and box.messages == []


def test_a_refusal_is_retried_with_backoff_and_delivered_once(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = config(controller.port)          # one subscriber
    box.faults = ["4xx", "4xx"]
    first = _cycle(database, cfg, NOW)
    assert first.retrying and not first.sent
    # Not due yet: the backoff holds it back.
    assert outbox.send_pending(database, cfg, now=NOW).retrying == []
    second = outbox.send_pending(database, cfg, now=NOW + timedelta(minutes=2))
    assert second.retrying and not second.sent
    third = outbox.send_pending(database, cfg, now=NOW + timedelta(minutes=10))
    assert third.sent
    assert len(box.messages) == 1
    with database.session() as session:
        message = OutboxRepository(session).get_message(third.sent[0])
    assert message is not None and message.state == "sent" and message.attempts == 3


def test_a_5xx_answer_fails_for_good(database: Database,
                                     mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    box.faults = ["5xx"]
    report = _cycle(database, config(controller.port), NOW)
    assert report.failed and box.messages == []


def test_connection_cut_mid_data_is_retried_and_delivered_once(
        database: Database, proxy: CuttingProxy, mailbox: tuple[Mailbox, Controller],
        monkeypatch: pytest.MonkeyPatch) -> None:
    box, _ = mailbox
    _world(database)
    cfg = config(proxy.port)
    proxy.cut_in_data = 1
    check = mail._peer_spoke_or_left

    def after_the_cut(smtp: Any) -> bool:
        # On a loaded machine the relay may close a moment after the client has sent the body;
        # wait for it, so that the test is about the cut and not about the scheduler.
        proxy.cut_done.wait(5)
        return check(smtp)

    monkeypatch.setattr(mail, "_peer_spoke_or_left", after_the_cut)
    first = _cycle(database, cfg, NOW)
    assert first.retrying and not first.uncertain, "no final '.' was sent: not uncertain"
    assert box.messages == []
    second = outbox.send_pending(database, cfg, now=NOW + timedelta(minutes=5))
    assert second.sent and len(box.messages) == 1


def test_server_gone_mid_run_leaves_the_rest_for_the_next_run(
        database: Database, proxy: CuttingProxy, mailbox: tuple[Mailbox, Controller]) -> None:
    box, _ = mailbox
    _world(database)
    cfg = config(proxy.port, SUBSCRIBERS)

    def vanish(accepted: int) -> None:
        if accepted == 1:
            proxy.refusing = True
            proxy.drop_all()

    box.on_accept = vanish
    first = _cycle(database, cfg, NOW)
    assert len(first.sent) + len(first.uncertain) == 1
    assert len(first.retrying) == 1, "one attempt at the gone server, the rest untouched"
    proxy.refusing = False
    box.on_accept = None
    later = NOW + timedelta(minutes=5)
    outbox.send_pending(database, cfg, now=later)
    outbox.send_pending(database, cfg, now=later + timedelta(minutes=5))
    assert _delivered(box) == EXPECTED


def test_an_answer_that_never_comes_is_uncertain_and_not_resent(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = config(controller.port)
    box.faults = ["keep-and-drop"]
    first = _cycle(database, cfg, NOW)
    assert first.uncertain and not first.sent
    rerun = _cycle(database, cfg, NOW + timedelta(hours=1))
    assert rerun.sent == [] and rerun.uncertain == first.uncertain
    assert len(box.messages) == 1, "the server kept it once; nobody sent it again"
    # The operator checked the mailbox, found nothing, and asks for it again: same Message-ID.
    box.messages.clear()
    resent = outbox.send_pending(database, cfg, resend_uncertain=True)
    assert resent.sent == first.uncertain and len(box.messages) == 1
    with database.session() as session:
        record = OutboxRepository(session).get_message(first.uncertain[0])
    assert record is not None
    assert str(box.parsed()[0]["Message-ID"]).strip() == record.message_id


def test_a_claim_left_by_a_dead_process_goes_back_to_pending(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = config(controller.port)
    composed = outbox.compose(database, cfg, now=NOW)
    message = composed[0].message
    dead = f"{socket.gethostname()}:999999999:feed"   # no such pid
    alive_elsewhere = "another-host:1:beef"
    with database.session() as session:
        assert OutboxRepository(session).claim(message.id, alive_elsewhere, now=NOW,
                                               lease_until=NOW + timedelta(hours=1))
    # Another machine holds a live lease: leave it alone.
    assert outbox.send_pending(database, cfg, now=NOW).sent == [] and box.messages == []
    with database.session() as session:
        OutboxRepository(session).set_state(message.id, "sending", claimed_by=dead)
    assert outbox.send_pending(database, cfg, now=NOW).sent == [message.id]
    assert len(box.messages) == 1


def test_a_sender_that_lost_its_claim_withdraws_the_message(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = config(controller.port)
    outbox.compose(database, cfg, now=NOW)

    real_set_state = OutboxRepository.set_state
    stolen = False

    def set_state(self: OutboxRepository, message_id: int, state: str, **kw: object) -> bool:
        nonlocal stolen
        if state == "uncertain" and not stolen:
            # Our lease ran out while the body was on the wire and another sender took over.
            stolen = True
            real_set_state(self, message_id, "sending", claimed_by="another-host:1:cafe")
        return real_set_state(self, message_id, state, **kw)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(OutboxRepository, "set_state", set_state)
        report = outbox.send_pending(database, cfg)
    assert report.sent == [] and report.skipped and box.messages == []


def test_concurrent_composers_and_senders_deliver_once(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    _world(database)
    cfg = _cfg(controller.port)
    errors: list[BaseException] = []

    def cycle() -> None:
        try:
            _cycle(database, cfg, NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=cycle) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    outbox.send_pending(database, cfg)   # whatever a loser of a race left pending
    assert _delivered(box) == EXPECTED


def test_a_site_that_starts_failing_is_reported_once(
        database: Database, mailbox: tuple[Mailbox, Controller]) -> None:
    box, controller = mailbox
    archive = Archive(database)
    cfg = config(controller.port)
    archive.subscribe(cfg)
    archive.run("wuxi-fgw", "ok", at=NOW - timedelta(days=1))
    outbox.compose(database, cfg, now=NOW - timedelta(hours=3))   # subscriber starts here
    archive.run("wuxi-fgw", "blocked", "WAF challenge page (HTTP 412)",
                at=NOW - timedelta(hours=2))
    first = _cycle(database, cfg, NOW)
    assert len(first.sent) == 1
    subject = str(box.parsed()[0]["Subject"])
    assert "1 个网站抓取失败" in subject and "无锡市发展和改革委员会" in subject
    archive.run("wuxi-fgw", "blocked", "WAF challenge page (HTTP 412)",
                at=NOW + timedelta(minutes=10))
    assert _cycle(database, cfg, NOW + timedelta(minutes=30)).sent == []
    assert len(box.messages) == 1


def test_outbox_folder_gets_eml_files_once(database: Database, tmp_path: Path) -> None:
    _world(database)
    cfg = _cfg(25)
    outbox.compose(database, cfg, now=NOW)
    folder = tmp_path / "outbox"
    report = outbox.write_pending(database, folder, now=NOW)
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 3 and sorted(report.written) == files
    recipients = set()
    for path in files:
        msg = message_from_bytes(path.read_bytes(), policy=default)
        recipients.add(str(msg["To"]))
        assert msg.get_body(("html",)) is not None and msg.get_body(("plain",)) is not None
    assert recipients == {"analyst@example.com", "yx@example.com", "money@example.com"}
    assert not list(folder.glob("*.tmp"))
    outbox.compose(database, cfg, now=NOW + timedelta(minutes=20))
    assert outbox.write_pending(database, folder).written == []
    assert len(list(folder.glob("*.eml"))) == 3
