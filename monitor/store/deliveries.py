"""The outbox and its deliveries: which event went to which subscriber, on which channel, in which
message.

A message and its delivery rows are written in one transaction; the unique constraint on
(subscription, event, channel) means no event can enter two messages for one subscriber and
channel, even when two digest runs race. An event that was considered and did not match the
subscription's keywords or publishers gets a delivery row without a message, so it is not
considered again on every run.

State changes are compare-and-set (``expect``, ``owner``): two senders can never both move the
same message forward, which is what keeps sending exactly-once (see ``monitor.outbox``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from monitor.store.records import DocumentRecord, EventRecord, OutboxRecord, VersionRecord
from monitor.store.repository import _document, _version
from monitor.store.schema import Channel, Delivery, Document, Event, OutboxMessage, Version


def _outbox(row: OutboxMessage) -> OutboxRecord:
    return OutboxRecord(row.id, row.subscription_id, row.channel, row.created_at,
                        row.message_id, row.subject, row.body, row.state, row.attempts,
                        row.next_attempt_at, row.last_error, row.sent_at, row.claimed_by,
                        row.lease_until)


@dataclass(frozen=True)
class ChannelRecord:
    subscription_id: str
    channel: str
    first_seen: datetime
    served_at: datetime | None


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ----------------------------------------------------------------------------- channels

    def sync_channels(self, subscription_id: str, channels: Iterable[str],
                      now: datetime) -> dict[str, ChannelRecord]:
        """Register channels not seen before (first seen ``now``); returns every one asked."""
        wanted = list(channels)
        rows = {r.channel: r for r in self.session.scalars(select(Channel).where(
            Channel.subscription_id == subscription_id, Channel.channel.in_(wanted)))}
        for channel in wanted:
            if channel not in rows:
                row = Channel(subscription_id=subscription_id, channel=channel, first_seen=now)
                self.session.add(row)
                rows[channel] = row
        self.session.flush()
        return {c: ChannelRecord(subscription_id, c, rows[c].first_seen, rows[c].served_at)
                for c in wanted}

    def channel_names(self, subscription_id: str) -> list[str]:
        return list(self.session.scalars(select(Channel.channel).where(
            Channel.subscription_id == subscription_id).order_by(Channel.channel)))

    def mark_served(self, subscription_id: str, channel: str, at: datetime) -> None:
        self.session.execute(update(Channel).where(
            Channel.subscription_id == subscription_id, Channel.channel == channel)
            .values(served_at=at))

    # ------------------------------------------------------------------------------- events

    def undelivered_events(self, subscription_id: str, channel: str, *, since: datetime,
                           site_ids: Sequence[str] | None = None,
                           kinds: Sequence[str] | None = None, after_id: int = 0,
                           limit: int = 2000) -> list[EventRecord]:
        """Events at or after ``since`` not yet considered for this subscriber and channel,
        in id order from ``after_id`` (page with the last id returned)."""
        considered = select(Delivery.id).where(
            Delivery.subscription_id == subscription_id, Delivery.channel == channel,
            Delivery.event_id == Event.id)
        # Only the document columns an event record carries: whole Document rows made this
        # the slowest part of composing a large digest.
        query = (select(Event, Document.url, Document.title, Document.list_title)
                 .join(Document, Document.id == Event.document_id)
                 .where(Event.at >= since, Event.id > after_id, ~considered.exists())
                 .order_by(Event.id).limit(limit))
        if site_ids is not None:
            query = query.where(Event.site_id.in_(list(site_ids)))
        if kinds is not None:
            query = query.where(Event.kind.in_(list(kinds)))
        return [EventRecord(
            id=e.id, site_id=e.site_id, document_id=e.document_id, run_id=e.run_id, kind=e.kind,
            at=e.at, old_version=e.old_version, new_version=e.new_version,
            fields=dict(e.fields or {}), similarity=e.similarity, baseline=e.baseline,
            summary=dict(e.summary or {}), url=url, title=title or list_title)
            for e, url, title, list_title in self.session.execute(query)]

    def documents(self, ids: Iterable[int]) -> dict[int, DocumentRecord]:
        wanted = sorted(set(ids))
        found: dict[int, DocumentRecord] = {}
        for i in range(0, len(wanted), 500):
            rows = self.session.scalars(select(Document).where(Document.id.in_(wanted[i:i + 500])))
            found.update({r.id: _document(r) for r in rows})
        return found

    def versions(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], VersionRecord]:
        """Versions by (document id, version number), in a few queries rather than one each."""
        wanted = set(pairs)
        documents = sorted({d for d, _ in wanted})
        found: dict[tuple[int, int], VersionRecord] = {}
        for i in range(0, len(documents), 500):
            rows = self.session.scalars(select(Version).where(
                Version.document_id.in_(documents[i:i + 500])))
            found.update({(r.document_id, r.n): _version(r) for r in rows
                          if (r.document_id, r.n) in wanted})
        return found

    # ----------------------------------------------------------------------------- messages

    def add_message(self, *, subscription_id: str, channel: str, message_id: str, subject: str,
                    body: bytes, event_ids: Sequence[int], now: datetime,
                    skipped_ids: Sequence[int] = ()) -> OutboxRecord:
        """The message and its deliveries, in the caller's transaction. Raises
        ``IntegrityError`` if another run already put one of these events in a message."""
        row = OutboxMessage(subscription_id=subscription_id, channel=channel, created_at=now,
                            message_id=message_id, subject=subject, body=body, state="pending",
                            attempts=0, next_attempt_at=now)
        self.session.add(row)
        self.session.flush()
        self._deliveries(subscription_id, channel, event_ids, row.id)
        self._deliveries(subscription_id, channel, skipped_ids, None)
        return _outbox(row)

    def record_skipped(self, subscription_id: str, channel: str,
                       event_ids: Sequence[int]) -> None:
        self._deliveries(subscription_id, channel, event_ids, None)

    def _deliveries(self, subscription_id: str, channel: str, event_ids: Sequence[int],
                    outbox_id: int | None) -> None:
        # One executemany rather than an ORM object per row: a first digest can carry
        # thousands of events.
        if event_ids:
            self.session.execute(insert(Delivery), [
                {"subscription_id": subscription_id, "event_id": event_id, "channel": channel,
                 "outbox_id": outbox_id} for event_id in event_ids])

    def messages(self, *, states: Sequence[str] | None = None, due_at: datetime | None = None,
                 subscription_id: str | None = None, limit: int = 500) -> list[OutboxRecord]:
        query = select(OutboxMessage).order_by(OutboxMessage.id).limit(limit)
        if states:
            query = query.where(OutboxMessage.state.in_(list(states)))
        if due_at is not None:
            query = query.where((OutboxMessage.next_attempt_at.is_(None))
                                | (OutboxMessage.next_attempt_at <= due_at))
        if subscription_id:
            query = query.where(OutboxMessage.subscription_id == subscription_id)
        return [_outbox(r) for r in self.session.scalars(query)]

    def get_message(self, message_id: int) -> OutboxRecord | None:
        row = self.session.get(OutboxMessage, message_id)
        return _outbox(row) if row else None

    def set_state(self, message_id: int, state: str, *, expect: str | Sequence[str] | None = None,
                  owner: str | None = None, **values: Any) -> bool:
        """Move a message to ``state``; with ``expect``, only from that state, and with
        ``owner``, only while that sender holds its claim. Returns whether the row moved."""
        query = update(OutboxMessage).where(OutboxMessage.id == message_id)
        if isinstance(expect, str):
            query = query.where(OutboxMessage.state == expect)
        elif expect is not None:
            query = query.where(OutboxMessage.state.in_(list(expect)))
        if owner is not None:
            query = query.where(OutboxMessage.claimed_by == owner)
        result = self.session.execute(query.values(state=state, **values))
        return bool(getattr(result, "rowcount", 0))

    def claim(self, message_id: int, owner: str, *, now: datetime, lease_until: datetime) -> bool:
        """``pending → sending`` for this sender, if the message is still pending and due."""
        query = (update(OutboxMessage)
                 .where(OutboxMessage.id == message_id, OutboxMessage.state == "pending",
                        (OutboxMessage.next_attempt_at.is_(None))
                        | (OutboxMessage.next_attempt_at <= now))
                 .values(state="sending", claimed_by=owner, lease_until=lease_until,
                         attempts=OutboxMessage.attempts + 1))
        return bool(getattr(self.session.execute(query), "rowcount", 0))

    def last_message_at(self, subscription_id: str, channel: str | None = None) -> datetime | None:
        query = (select(OutboxMessage.created_at)
                 .where(OutboxMessage.subscription_id == subscription_id)
                 .order_by(OutboxMessage.created_at.desc()).limit(1))
        if channel is not None:
            query = query.where(OutboxMessage.channel == channel)
        return self.session.scalar(query)

    def message_events(self, outbox_id: int) -> list[int]:
        return list(self.session.scalars(select(Delivery.event_id).where(
            Delivery.outbox_id == outbox_id).order_by(Delivery.event_id)))

    def delivered_events(self, subscription_id: str, channel: str,
                         states: Sequence[str] = ("sent",)) -> list[int]:
        """Events carried by this subscriber's messages in ``states`` (for reports and tests)."""
        return list(self.session.scalars(
            select(Delivery.event_id).join(OutboxMessage, OutboxMessage.id == Delivery.outbox_id)
            .where(Delivery.subscription_id == subscription_id, Delivery.channel == channel,
                   OutboxMessage.state.in_(list(states))).order_by(Delivery.event_id)))
