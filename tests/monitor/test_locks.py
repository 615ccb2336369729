"""Named locks: one holder at a time, expiry, and a dead holder on this machine losing its lock
at once (a `govwatch run` killed by the OOM killer must not block cron until the lock expires)."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from monitor.exceptions import LockedError
from monitor.locks import acquire, held, holder_gone, owner_id, release
from monitor.store.db import Database

HOUR = timedelta(hours=1)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_one_holder_at_a_time(database: Database) -> None:
    assert acquire(database, "run", ttl=HOUR, owner="elsewhere:1")
    assert not acquire(database, "run", ttl=HOUR, owner="elsewhere:2")
    assert acquire(database, "run", ttl=HOUR, owner="elsewhere:1")  # re-entrant for its owner
    release(database, "run", owner="elsewhere:1")
    assert acquire(database, "run", ttl=HOUR, owner="elsewhere:2")


def test_an_expired_lock_is_free(database: Database) -> None:
    assert acquire(database, "run", ttl=-HOUR, owner="elsewhere:1")
    assert acquire(database, "run", ttl=HOUR, owner="elsewhere:2")


def test_a_dead_holder_on_this_machine_loses_the_lock(database: Database) -> None:
    dead = f"{socket.gethostname()}:{dead_pid()}"
    assert holder_gone(dead) and holder_gone(dead + ":token")
    assert acquire(database, "run", ttl=HOUR, owner=dead)
    with held(database, "run", ttl=HOUR):
        pass


def test_a_live_holder_or_one_on_another_machine_keeps_it(database: Database) -> None:
    assert not holder_gone(owner_id())
    assert not holder_gone("another-host:1")
    assert acquire(database, "run", ttl=HOUR, owner="another-host:1")
    with pytest.raises(LockedError, match="already running"), held(database, "run", ttl=HOUR):
        pass
