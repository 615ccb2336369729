"""Exactly-once delivery of digests.

1. *Compose*: for each subscriber whose cadence is due, the undelivered events that match become
   one message; the message and one delivery row per event are written in one transaction
   (unique per subscriber, event and channel), so an event enters one message per subscriber.
2. *Send*: each pending message is claimed (``pending → sending``), sent, and marked ``sent``.
   Just before the SMTP point of no return it is marked ``uncertain``: if the process dies or the
   connection drops between the final "." and the server's reply, nobody can know whether the
   server kept it, and resending could deliver it twice, so it stays ``uncertain`` and is reported
   (``govwatch digest --resend-uncertain`` sends it again, with the same Message-ID). A message
   left ``sending`` by a crash never reached that point and goes back to ``pending``.
   Refusals are retried with backoff; 5xx answers and too many attempts end in ``failed``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import Cadence, Config, Subscription
from monitor.cron import parse_cron
from monitor.digest import CHANNEL_EMAIL, HORIZON, Digest, build_digest, render_digest
from monitor.locks import held
from monitor.mail import SmtpFailure, SmtpTransport, build_message, new_message_id
from monitor.store.db import Database
from monitor.store.deliveries import OutboxRepository
from monitor.store.records import OutboxRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_SENDING = timedelta(minutes=30)


def _last_fire(expression: str, timezone: str, now: datetime) -> datetime | None:
    """The latest time at or before ``now`` at which the cron expression fired."""
    trigger = parse_cron(expression, timezone)
    probe = now - timedelta(days=8)
    last = None
    fire = trigger.get_next_fire_time(None, probe)
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last


def is_due(sub: Subscription, config: Config, last_message: datetime | None,
           now: datetime) -> bool:
    if sub.cadence == Cadence.IMMEDIATE or last_message is None:
        return True
    expression = (config.digest_schedule.daily if sub.cadence == Cadence.DAILY
                  else config.digest_schedule.weekly)
    fired = _last_fire(expression, config.timezone, now)
    return fired is not None and last_message < fired


@dataclass(frozen=True)
class Composed:
    message: OutboxRecord
    digest: Digest


def _digest_for(session_repo: Repository, out: OutboxRepository, sub: Subscription,
                config: Config, first_seen: datetime, now: datetime) -> Digest:
    last = out.last_message_at(sub.id)
    since = max(first_seen, now - HORIZON)
    events = out.undelivered_events(sub.id, CHANNEL_EMAIL, since=since, site_ids=sub.sites,
                                    kinds=[k.value for k in sub.events])
    return build_digest(session_repo, events, sub, config, since=last or since, now=now)


def preview(database: Database, config: Config, *, now: datetime | None = None,
            subscription_ids: Sequence[str] = ()) -> list[Digest]:
    """The digests that would be sent now, without recording anything."""
    now = now or datetime.now(UTC)
    subs = [s for s in config.subscriptions if not subscription_ids or s.id in subscription_ids]
    with database.session() as session:
        repo, out = Repository(session), OutboxRepository(session)
        seen = repo.sync_subscriptions([s.id for s in config.subscriptions], now)
        digests = [_digest_for(repo, out, sub, config, seen[sub.id], now) for sub in subs]
        session.rollback()  # a preview leaves no trace, not even first-seen times
    return [d for d in digests if not d.empty]


def compose(database: Database, config: Config, *, now: datetime | None = None,
            force: bool = False, subscription_ids: Sequence[str] = ()) -> list[Composed]:
    """Write one outbox message per due subscriber with something to say."""
    now = now or datetime.now(UTC)
    composed: list[Composed] = []
    with database.session() as session:
        seen = Repository(session).sync_subscriptions([s.id for s in config.subscriptions], now)
    for sub in config.subscriptions:
        if subscription_ids and sub.id not in subscription_ids:
            continue
        if not sub.email:
            continue  # notify-only subscribers are served by monitor.notify
        with database.session() as session:
            repo, out = Repository(session), OutboxRepository(session)
            if not force and not is_due(sub, config, out.last_message_at(sub.id), now):
                continue
            digest = _digest_for(repo, out, sub, config, seen[sub.id], now)
            if digest.empty or (not digest.event_ids and not digest.problems):
                continue
            subject, text, html = render_digest(digest)
            key = hashlib.sha256(f"{sub.id}:{digest.event_ids}:{now.isoformat()}".encode()
                                 ).hexdigest()[:16]
            message_id = new_message_id(f"{sub.id}.{key}")
            body = build_message(sender=config.smtp.sender, recipient=sub.email,
                                 subject=subject, text=text, html=html,
                                 message_id=message_id, date=now)
            record = out.add_message(subscription_id=sub.id, channel=CHANNEL_EMAIL,
                                     message_id=message_id, subject=subject, body=body,
                                     event_ids=digest.event_ids, now=now)
            composed.append(Composed(record, digest))
            log.info("composed digest %s for %s: %d events", record.id, sub.id,
                     len(digest.event_ids))
    return composed


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _recipient(config: Config, subscription_id: str) -> str | None:
    for sub in config.subscriptions:
        if sub.id == subscription_id:
            return sub.email
    return None


def _recover(out: OutboxRepository, now: datetime) -> None:
    for message in out.messages(states=["sending"]):
        log.warning("outbox %d was left 'sending' by an interrupted run; it never reached the "
                    "point of no return, so it will be sent again", message.id)
        out.set_state(message.id, "pending", expect="sending", next_attempt_at=now)


def send_pending(database: Database, config: Config, *, transport: SmtpTransport | None = None,
                 now: datetime | None = None, resend_uncertain: bool = False) -> SendReport:
    """Send every pending message that is due; see the module docstring for the states."""
    transport = transport or SmtpTransport(config.smtp)
    report = SendReport()
    with held(database, "outbox-send", ttl=timedelta(hours=1), what="sending digests"):
        now = now or datetime.now(UTC)
        with database.session() as session:
            out = OutboxRepository(session)
            _recover(out, now)
            if resend_uncertain:
                for message in out.messages(states=["uncertain"]):
                    out.set_state(message.id, "pending", expect="uncertain", next_attempt_at=now)
        with database.session() as session:
            due = OutboxRepository(session).messages(states=["pending"], due_at=now)
        for message in due:
            _send_one(database, config, transport, message, report)
        with database.session() as session:
            report.uncertain = [m.id for m in OutboxRepository(session).messages(
                states=["uncertain"])]
    return report


def _send_one(database: Database, config: Config, transport: SmtpTransport,
              message: OutboxRecord, report: SendReport) -> None:
    recipient = _recipient(config, message.subscription_id)
    with database.session() as session:
        out = OutboxRepository(session)
        if recipient is None:
            out.set_state(message.id, "failed", expect="pending",
                          last_error="subscription no longer configured")
            report.failed.append(message.id)
            return
        if not out.set_state(message.id, "sending", expect="pending",
                             attempts=message.attempts + 1):
            return  # another sender claimed it

    def point_of_no_return() -> None:
        with database.session() as session:
            OutboxRepository(session).set_state(message.id, "uncertain", expect="sending")

    now = datetime.now(UTC)
    try:
        transport.send(config.smtp.sender, recipient, message.body, point_of_no_return)
    except SmtpFailure as exc:
        with database.session() as session:
            out = OutboxRepository(session)
            if exc.delivered_unknown:
                out.set_state(message.id, "uncertain", last_error=str(exc))
                report.uncertain.append(message.id)
                log.error("outbox %d: %s; the server may or may not have it", message.id, exc)
            elif exc.permanent or message.attempts + 1 >= MAX_ATTEMPTS:
                out.set_state(message.id, "failed", last_error=str(exc))
                report.failed.append(message.id)
                log.error("outbox %d failed for good: %s", message.id, exc)
            else:
                delay = timedelta(minutes=min(2 ** message.attempts, 360))
                out.set_state(message.id, "pending", last_error=str(exc),
                              next_attempt_at=now + delay)
                report.retrying.append(message.id)
                log.warning("outbox %d: %s; retrying in %s", message.id, exc, delay)
        return
    with database.session() as session:
        OutboxRepository(session).set_state(message.id, "sent", sent_at=datetime.now(UTC),
                                            last_error=None)
    report.sent.append(message.id)
    log.info("outbox %d sent to %s", message.id, recipient)


def write_pending(database: Database, directory: Path) -> SendReport:
    """Deliver pending messages as .eml files in ``directory`` instead of sending them."""
    directory.mkdir(parents=True, exist_ok=True)
    report = SendReport()
    with held(database, "outbox-send", ttl=timedelta(hours=1), what="sending digests"):
        with database.session() as session:
            pending = OutboxRepository(session).messages(states=["pending"])
        for message in pending:
            path = directory / f"{message.created_at:%Y%m%d-%H%M%S}-{message.subscription_id}-" \
                               f"{message.id}.eml"
            with database.session() as session:
                out = OutboxRepository(session)
                if not out.set_state(message.id, "sending", expect="pending"):
                    continue
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(message.body)
            tmp.replace(path)  # a reader never sees half a file
            with database.session() as session:
                OutboxRepository(session).set_state(message.id, "sent",
                                                    sent_at=datetime.now(UTC))
            report.sent.append(message.id)
            report.written.append(path)
    return report
