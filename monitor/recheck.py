"""When a known document is fetched again: recent and recently changed documents often, old
ones rarely (``RecheckPolicy`` in the site configuration).

A document's age is counted from the later of its publication date and its last real change
(a version after the first); a 2015 notice first crawled today is old, a 2015 notice edited last
week is fresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.config import RecheckPolicy


def _published(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published).replace(tzinfo=UTC)
    except ValueError:
        return None


def next_check(now: datetime, *, first_seen: datetime, published: str | None,
               last_edit: datetime | None, policy: RecheckPolicy) -> datetime:
    """``last_edit``: when the newest version after the first was stored (None if never)."""
    candidates = [d for d in (_published(published), last_edit) if d is not None]
    reference = max(candidates) if candidates else first_seen
    age = now - min(reference, now)
    if age <= timedelta(days=policy.fresh_days):
        hours = policy.fresh_hours
    elif age <= timedelta(days=policy.recent_days):
        hours = policy.recent_hours
    else:
        hours = policy.old_hours
    return now + timedelta(hours=hours)


def is_due(next_check_at: datetime | None, now: datetime) -> bool:
    return next_check_at is None or next_check_at <= now
