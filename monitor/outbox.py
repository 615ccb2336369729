"""Exactly-once delivery of digests, by e-mail and through apprise.

1. *Compose*: for each channel of each subscriber (``email``, and one per notify URL) whose
   cadence is due, the events not yet considered for it that match become one message; the
   message and one delivery row per event are written in one transaction (unique per subscriber,
   event and channel), so an event enters at most one message per subscriber and channel. Two
   runs composing at once collide on that constraint, and the loser writes nothing. Events that
   did not match the keywords or publishers get a delivery row without a message. Nothing is
   composed when there is nothing to say.
2. *Send*: each pending, due message is *claimed* (``pending → sending``, with the sender's
   ``host:pid:token`` and a lease), sent, and marked ``sent``. Just before the point of no return
   (SMTP: after the message body, before the final "."; apprise: before the call) it is moved
   ``sending → uncertain``, only if this sender still holds the claim; if another sender took the
   message over meanwhile, the send is withdrawn and the server keeps nothing. If the process
   dies or the connection drops inside that window, nobody can know whether the server kept the
   message, and resending could deliver it twice, so it stays ``uncertain`` and is reported
   (``govwatch digest --send --resend-uncertain`` sends it again, with the same Message-ID).
   A ``sending`` claim whose process is gone (same host, pid not alive) or whose lease ran out
   never reached that point and goes back to ``pending``. Refusals and unreachable servers are
   retried with exponential backoff; 5xx answers about the message and too many attempts end in
   ``failed``.

No global lock: concurrent senders (two overlapping ``digest --send``, two machines on one
PostgreSQL) divide the messages between them through the claims.

Fault injection for tests: ``GOVWATCH_FAULT=exit-after-send`` ends the process with
``os._exit`` right after the server accepted a message and before it is recorded as sent (a
crash in the uncertain window); ``exit-before-commit`` ends it after the message body was
transmitted and before the point of no return; ``exit-after-compose`` after composing, before
sending. Nothing reads the variable outside ``fault()``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from monitor.config import Cadence, Config, Subscription
from monitor.cron import parse_cron
from monitor.digest import CHANNEL_EMAIL, HORIZON, Digest, build_digest, render_digest
from monitor.locks import holder_gone
from monitor.mail import SmtpFailure, SmtpTransport, build_message, new_message_id
from monitor.notify import (
    AppriseTransport,
    ChatMessage,
    NotifyFailure,
    available,
    channel_key,
    is_chat,
    render_chat,
)
from monitor.store.db import Database
from monitor.store.deliveries import OutboxRepository
from monitor.store.records import EventRecord, OutboxRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12        # with the backoff below: about a day and a half of retries
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=10)   # far longer than one send takes (a few SMTP timeouts)
PAGE = 2000
MAX_EVENTS = 20000       # per message; the rest waits for the next digest
FAULT_ENV = "GOVWATCH_FAULT"


def fault(point: str) -> None:
    """Test-only crash points (see the module docstring)."""
    if os.environ.get(FAULT_ENV) == point:
        log.error("%s=%s: exiting on purpose", FAULT_ENV, point)
        logging.shutdown()
        os._exit(70)


# ------------------------------------------------------------------------------- schedules


def last_fire(expression: str, timezone: str, now: datetime) -> datetime | None:
    """The latest time at or before ``now`` at which the cron expression fired (within 8 days:
    the longest schedule is weekly)."""
    trigger = parse_cron(expression, timezone)
    last = None
    fire = trigger.get_next_fire_time(None, now - timedelta(days=8))
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last.astimezone(UTC) if last else None


def due_fire(sub: Subscription, config: Config, served_at: datetime | None,
             now: datetime) -> tuple[bool, datetime | None]:
    """(due now, the schedule time being served). Immediate subscribers are always due; daily and
    weekly ones once per schedule time, whether or not there was anything to say then, so news
    arriving later waits for the next digest instead of going out on the next run."""
    if sub.cadence == Cadence.IMMEDIATE:
        return True, None
    expression = (config.digest_schedule.daily if sub.cadence == Cadence.DAILY
                  else config.digest_schedule.weekly)
    fired = last_fire(expression, config.timezone, now)
    if fired is None:
        return False, None
    return served_at is None or served_at < fired, fired


def channels_of(sub: Subscription) -> dict[str, str]:
    """channel → where it goes (an e-mail address or an apprise URL)."""
    out = {CHANNEL_EMAIL: sub.email} if sub.email else {}
    out.update({channel_key(url): url for url in sub.notify})
    return out


def _target(config: Config, message: OutboxRecord) -> str | None:
    for sub in config.subscriptions:
        if sub.id == message.subscription_id:
            return channels_of(sub).get(message.channel)
    return None


# --------------------------------------------------------------------------------- compose


@dataclass(frozen=True)
class Composed:
    message: OutboxRecord
    digest: Digest


def _gather(repo: Repository, out: OutboxRepository, sub: Subscription, channel: str,
            config: Config, *, floor: datetime, now: datetime) -> Digest:
    """The digest this channel would get now: undelivered events page by page, with the
    documents and versions they need loaded in batches."""
    since = max(floor, now - HORIZON)
    events: list[EventRecord] = []
    after = 0
    while len(events) < MAX_EVENTS:
        page = out.undelivered_events(sub.id, channel, since=since, site_ids=sub.sites,
                                      kinds=[k.value for k in sub.events], after_id=after,
                                      limit=min(PAGE, MAX_EVENTS - len(events)))
        events += page
        if len(page) < PAGE:
            break
        after = page[-1].id
    filters = bool(sub.keywords or sub.publishers)
    documents = out.documents(e.document_id for e in events)
    # A baseline event is only counted, so its text is needed only to match keywords.
    versions = out.versions((e.document_id, e.new_version or e.old_version or 0) for e in events
                            if filters or not e.baseline)
    period = out.last_message_at(sub.id, channel) or since
    return build_digest(repo, events, sub, config, documents=documents, versions=versions,
                        since=period, now=now, channel=channel)


def preview(database: Database, config: Config, *, now: datetime | None = None,
            subscription_ids: Sequence[str] = ()) -> list[Digest]:
    """The e-mail digests that would be composed now if due, without recording anything."""
    now = now or datetime.now(UTC)
    digests = []
    with database.session() as session:
        repo, out = Repository(session), OutboxRepository(session)
        seen = repo.sync_subscriptions([s.id for s in config.subscriptions], now)
        for sub in config.subscriptions:
            if subscription_ids and sub.id not in subscription_ids:
                continue
            channel = CHANNEL_EMAIL if sub.email else next(iter(channels_of(sub)))
            first = out.sync_channels(sub.id, [channel], seen[sub.id])[channel]
            digests.append(_gather(repo, out, sub, channel, config, floor=first.first_seen,
                                   now=now))
        session.rollback()  # a preview leaves no trace, not even first-seen times
    return [d for d in digests if d.worth_sending]


def compose(database: Database, config: Config, *, now: datetime | None = None,
            force: bool = False, subscription_ids: Sequence[str] = ()) -> list[Composed]:
    """Write one outbox message per due channel of each subscriber with something to say."""
    now = now or datetime.now(UTC)
    composed: list[Composed] = []
    seen = _register(database, config, now)
    warned = False
    for sub in config.subscriptions:
        if subscription_ids and sub.id not in subscription_ids:
            continue
        with database.session() as session:
            fresh = not OutboxRepository(session).channel_names(sub.id)
        for channel, target in channels_of(sub).items():
            if is_chat(channel) and not available():
                if not warned:
                    log.warning("subscription %s has notify URLs but apprise is not installed "
                                "(pip install govwatch[notify]); their events wait", sub.id)
                    warned = True
                continue
            try:
                # Channels configured with the subscription start with it (the crawl that
                # registered it is news to them); one added later, or a webhook URL whose token
                # was rotated, starts now instead of replaying what the others already got.
                floor = seen[sub.id] if fresh or channel == CHANNEL_EMAIL else now
                item = _compose_one(database, config, sub, channel, target, floor=floor,
                                    now=now, force=force)
            except IntegrityError:
                # Another run put some of these events in a message first: that run delivers
                # them, and whatever is left is picked up next time.
                log.info("digest for %s/%s was composed concurrently by another run; skipped",
                         sub.id, channel)
                continue
            if item is not None:
                composed.append(item)
    if composed:
        fault("exit-after-compose")
    return composed


def _register(database: Database, config: Config, now: datetime) -> dict[str, datetime]:
    """First-seen times of the subscriptions, registering new ones; a second run registering the
    same new subscription at the same moment loses the insert and reads the winner's row."""
    ids = [s.id for s in config.subscriptions]
    try:
        with database.session() as session:
            return Repository(session).sync_subscriptions(ids, now)
    except IntegrityError:
        with database.session() as session:
            return Repository(session).sync_subscriptions(ids, now)


def _compose_one(database: Database, config: Config, sub: Subscription, channel: str,
                 target: str, *, floor: datetime, now: datetime,
                 force: bool) -> Composed | None:
    with database.session() as session:
        repo, out = Repository(session), OutboxRepository(session)
        state = out.sync_channels(sub.id, [channel], floor)[channel]
        due, fired = due_fire(sub, config, state.served_at, now)
        if not (due or force):
            return None
        digest = _gather(repo, out, sub, channel, config, floor=state.first_seen, now=now)
        if fired is not None and due:
            out.mark_served(sub.id, channel, fired)
        if not digest.worth_sending:
            out.record_skipped(sub.id, channel, digest.skipped_ids)
            return None
        key = hashlib.sha256(f"{sub.id}:{channel}:{digest.event_ids}:{now.isoformat()}:"
                             f"{secrets.token_hex(4)}".encode()).hexdigest()[:16]
        message_id = new_message_id(f"{sub.id}.{key}")
        if is_chat(channel):
            chat = render_chat(digest, config)
            subject, body = chat.title, chat.encode()
        else:
            subject, text, html = render_digest(digest, config)
            body = build_message(sender=config.smtp.sender, recipient=target, subject=subject,
                                 text=text, html=html, message_id=message_id, date=now)
        record = out.add_message(subscription_id=sub.id, channel=channel,
                                 message_id=message_id, subject=subject, body=body,
                                 event_ids=digest.event_ids, skipped_ids=digest.skipped_ids,
                                 now=now)
    log.info("composed outbox %d for %s/%s: %d events", record.id, sub.id, channel,
             len(digest.event_ids))
    return Composed(record, digest)


# ------------------------------------------------------------------------------------ send


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)   # claimed by another sender
    written: list[Path] = field(default_factory=list)


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _stale(message: OutboxRecord, now: datetime) -> bool:
    return (message.lease_until is None or message.lease_until < now
            or holder_gone(message.claimed_by))


def recover(database: Database, now: datetime, *, resend_uncertain: bool = False) -> list[int]:
    """Return stale ``sending`` claims to ``pending``; with ``resend_uncertain``, also the
    uncertain messages whose sender is gone. Returns the ids moved."""
    moved = []
    with database.session() as session:
        out = OutboxRepository(session)
        states = ["sending", "uncertain"] if resend_uncertain else ["sending"]
        for message in out.messages(states=states, limit=10000):
            if not _stale(message, now):
                continue
            if out.set_state(message.id, "pending", expect=message.state,
                             owner=message.claimed_by, claimed_by=None, lease_until=None,
                             next_attempt_at=now):
                moved.append(message.id)
                if message.state == "sending":
                    log.warning("outbox %d: the claim of %s is stale (process gone or lease "
                                "over); it never reached the point of no return, so it will be "
                                "sent again",
                                message.id, message.claimed_by)
                else:
                    log.warning("outbox %d was uncertain; sending it again as asked", message.id)
    return moved


def send_pending(database: Database, config: Config, *, transport: SmtpTransport | None = None,
                 chat: AppriseTransport | None = None, now: datetime | None = None,
                 resend_uncertain: bool = False) -> SendReport:
    """Send every pending message that is due; see the module docstring for the states."""
    now = now or datetime.now(UTC)
    recover(database, now, resend_uncertain=resend_uncertain)
    with database.session() as session:
        due = OutboxRepository(session).messages(states=["pending"], due_at=now, limit=10000)
    report = SendReport()
    owner = sender_id()
    smtp = transport or SmtpTransport(config.smtp)
    chat = chat or AppriseTransport()
    smtp_down: str | None = None
    try:
        for message in due:
            if message.channel == CHANNEL_EMAIL and smtp_down:
                continue  # the server is unreachable: leave the rest for the next run
            down = _send_one(database, config, smtp, chat, message, owner, report, now)
            if down and message.channel == CHANNEL_EMAIL:
                smtp_down = down
    finally:
        smtp.close()
    with database.session() as session:
        report.uncertain = [m.id for m in OutboxRepository(session).messages(
            states=["uncertain"], limit=10000)]
    return report


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _send_one(database: Database, config: Config, smtp: SmtpTransport, chat: AppriseTransport,
              message: OutboxRecord, owner: str, report: SendReport,
              now: datetime) -> str | None:
    """Send one message; returns an error when the SMTP server itself is unusable."""
    target = _target(config, message)
    with database.session() as session:
        out = OutboxRepository(session)
        if target is None:
            if out.set_state(message.id, "failed", expect="pending",
                             last_error="subscription or channel no longer configured"):
                report.failed.append(message.id)
            return None
        if not out.claim(message.id, owner, now=now, lease_until=now + LEASE):
            report.skipped.append(message.id)
            return None  # another sender has it
    attempts = message.attempts + 1

    def before_commit() -> bool:
        fault("exit-before-commit")
        # Compare-and-set on our claim: if another sender took the message over (our lease ran
        # out), this fails and the transport withdraws the message.
        with database.session() as session:
            return OutboxRepository(session).set_state(
                message.id, "uncertain", expect="sending", owner=owner,
                lease_until=max(now, datetime.now(UTC)) + LEASE)

    try:
        if is_chat(message.channel):
            chat.send(target, ChatMessage.decode(message.body), before_commit)
        else:
            smtp.send(config.smtp.sender, target, message.body, before_commit)
    except (SmtpFailure, NotifyFailure) as exc:
        return _failed(database, message, owner, attempts, exc, report, now)
    fault("exit-after-send")
    with database.session() as session:
        OutboxRepository(session).set_state(message.id, "sent", expect="uncertain", owner=owner,
                                            sent_at=datetime.now(UTC), last_error=None,
                                            lease_until=None)
    report.sent.append(message.id)
    log.info("outbox %d sent to %s/%s", message.id, message.subscription_id, message.channel)
    return None


def _failed(database: Database, message: OutboxRecord, owner: str, attempts: int,
            exc: SmtpFailure | NotifyFailure, report: SendReport,
            now: datetime) -> str | None:
    error = str(exc)
    with database.session() as session:
        out = OutboxRepository(session)
        if exc.aborted:
            report.skipped.append(message.id)
            log.warning("outbox %d was taken over by another sender; withdrawn", message.id)
            return None
        if exc.delivered_unknown:
            out.set_state(message.id, "uncertain", expect="uncertain", owner=owner,
                          last_error=error, lease_until=None)
            report.uncertain.append(message.id)
            log.error("outbox %d: %s; the server may or may not have it", message.id, error)
            return None
        if exc.permanent or attempts >= MAX_ATTEMPTS:
            out.set_state(message.id, "failed", expect=("sending", "uncertain"), owner=owner,
                          last_error=error, lease_until=None)
            report.failed.append(message.id)
            log.error("outbox %d failed for good after %d attempts: %s", message.id, attempts,
                      error)
            return None
        delay = _backoff(attempts)
        out.set_state(message.id, "pending", expect=("sending", "uncertain"), owner=owner,
                      last_error=error, claimed_by=None, lease_until=None,
                      next_attempt_at=now + delay)
        report.retrying.append(message.id)
        log.warning("outbox %d: %s; retrying in %s", message.id, error, delay)
    return error if getattr(exc, "connection", False) else None



# ----------------------------------------------------------------------------------- files


def write_pending(database: Database, directory: Path, *,
                  now: datetime | None = None) -> SendReport:
    """Deliver pending messages as files in ``directory`` instead of sending them: e-mail as
    ``.eml``, chat messages as ``.md``. The file name is fixed per message and written
    atomically, so a run interrupted between writing and recording rewrites the same file."""
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    recover(database, now)
    report = SendReport()
    owner = sender_id()
    with database.session() as session:
        pending = OutboxRepository(session).messages(states=["pending"], limit=10000)
    for message in pending:
        with database.session() as session:
            if not OutboxRepository(session).claim(message.id, owner, now=now,
                                                   lease_until=now + LEASE):
                report.skipped.append(message.id)
                continue
        stem = f"{message.created_at:%Y%m%d-%H%M%S}-{message.subscription_id}-{message.id}"
        if is_chat(message.channel):
            chat = ChatMessage.decode(message.body)
            path, data = directory / f"{stem}.md", f"# {chat.title}\n\n{chat.body}".encode()
        else:
            path, data = directory / f"{stem}.eml", message.body
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # a reader never sees half a file
        with database.session() as session:
            OutboxRepository(session).set_state(message.id, "sent", expect="sending",
                                                owner=owner, sent_at=datetime.now(UTC),
                                                lease_until=None)
        report.sent.append(message.id)
        report.written.append(path)
    return report
