"""Named locks in the database, so that two govwatch processes (two cron runs overlapping, two
machines sharing one PostgreSQL) never do the same work at once. A lock expires, so a crashed
holder can't block work forever; and a holder on this machine whose process has ended loses its
lock at once (a `govwatch run` killed by the OOM killer must not block cron for hours)."""

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


def holder_gone(owner: str | None) -> bool:
    """Whether the holder named ``host:pid`` (or ``host:pid:token``) is a process on this host
    that has ended. A holder on another host is only presumed gone when its lease runs out."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return False


def acquire(database: Database, name: str, *, ttl: timedelta, owner: str | None = None) -> bool:
    owner = owner or owner_id()
    now = datetime.now(UTC)
    try:
        with database.session() as session:
            return Repository(session).try_lock(name, owner, now, now + ttl, holder_gone)
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
