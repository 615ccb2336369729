"""Named locks in the database, so that two govwatch processes (two cron runs overlapping, two
machines sharing one PostgreSQL) never do the same work at once. A lock expires, so a crashed
holder can't block work forever."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from monitor.exceptions import LockedError
from monitor.store.db import Database
from monitor.store.repository import Repository


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(database: Database, name: str, *, ttl: timedelta, owner: str | None = None) -> bool:
    owner = owner or owner_id()
    now = datetime.now(UTC)
    try:
        with database.session() as session:
            return Repository(session).try_lock(name, owner, now, now + ttl)
    except IntegrityError:
        return False  # someone inserted the same lock between our check and our insert


def release(database: Database, name: str, owner: str | None = None) -> None:
    with database.session() as session:
        Repository(session).release_lock(name, owner or owner_id())


@contextmanager
def held(database: Database, name: str, *, ttl: timedelta,
         what: str = "this work") -> Iterator[None]:
    """Hold the lock for the block, or raise ``LockedError`` naming what is already running."""
    owner = owner_id()
    if not acquire(database, name, ttl=ttl, owner=owner):
        raise LockedError(f"{what} is already running in another govwatch process "
                          f"(lock {name!r}); try again later")
    try:
        yield
    finally:
        release(database, name, owner)
