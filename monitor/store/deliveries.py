"""The outbox and its deliveries: which event went to which subscriber, in which message.

A message and its delivery rows are written in one transaction; the unique constraint on
(subscription, event, channel) means no event can enter two messages for one subscriber, even
when two digest runs race.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor.store.records import EventRecord, OutboxRecord
from monitor.store.repository import _event
from monitor.store.schema import Delivery, Document, Event, OutboxMessage


def _outbox(row: OutboxMessage) -> OutboxRecord:
    return OutboxRecord(row.id, row.subscription_id, row.channel, row.created_at,
                        row.message_id, row.subject, row.body, row.state, row.attempts,
                        row.next_attempt_at, row.last_error, row.sent_at)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def undelivered_events(self, subscription_id: str, channel: str, *, since: datetime,
                           site_ids: Sequence[str] | None = None,
                           kinds: Sequence[str] | None = None,
                           limit: int = 5000) -> list[EventRecord]:
        """Events at or after ``since`` not yet in a message to this subscriber and channel."""
        delivered = select(Delivery.event_id).where(Delivery.subscription_id == subscription_id,
                                                    Delivery.channel == channel)
        query = (select(Event, Document).join(Document, Document.id == Event.document_id)
                 .where(Event.at >= since, Event.id.not_in(delivered))
                 .order_by(Event.id).limit(limit))
        if site_ids is not None:
            query = query.where(Event.site_id.in_(list(site_ids)))
        if kinds is not None:
            query = query.where(Event.kind.in_(list(kinds)))
        return [_event(e, d) for e, d in self.session.execute(query)]

    def add_message(self, *, subscription_id: str, channel: str, message_id: str, subject: str,
                    body: bytes, event_ids: Sequence[int], now: datetime) -> OutboxRecord:
        row = OutboxMessage(subscription_id=subscription_id, channel=channel, created_at=now,
                            message_id=message_id, subject=subject, body=body, state="pending",
                            attempts=0, next_attempt_at=now)
        self.session.add(row)
        self.session.flush()
        self.session.add_all(Delivery(subscription_id=subscription_id, event_id=event_id,
                                      channel=channel, outbox_id=row.id)
                             for event_id in event_ids)
        self.session.flush()
        return _outbox(row)

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

    def set_state(self, message_id: int, state: str, *, expect: str | None = None,
                  **values: Any) -> bool:
        """Move a message to ``state``; with ``expect``, only from that state (a claim).
        Returns whether the row was updated."""
        query = update(OutboxMessage).where(OutboxMessage.id == message_id)
        if expect is not None:
            query = query.where(OutboxMessage.state == expect)
        result = self.session.execute(query.values(state=state, **values))
        return bool(getattr(result, "rowcount", 0))

    def last_message_at(self, subscription_id: str) -> datetime | None:
        return self.session.scalar(
            select(OutboxMessage.created_at).where(OutboxMessage.subscription_id == subscription_id)
            .order_by(OutboxMessage.created_at.desc()).limit(1))

    def message_events(self, outbox_id: int) -> list[int]:
        return list(self.session.scalars(select(Delivery.event_id).where(
            Delivery.outbox_id == outbox_id).order_by(Delivery.event_id)))
