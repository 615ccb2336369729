"""One scheduler per database.

APScheduler 3's job stores "must never be shared between schedulers": two schedulers on one job
store would each run every job. So a second ``govwatch schedule`` on the same database refuses to
start (``LockedError``, exit status 75) — under systemd, a second machine with ``Restart=`` set
becomes a standby that takes over when the first one is gone.

The guard must vanish with its holder however it dies (a ``kill -9`` included), which the
expiring locks of ``monitor.locks`` can't promise without renewals:

- PostgreSQL: a session advisory lock on a connection held open for the scheduler's life; the
  server drops it when the connection goes. Keyed by the current schema as well, so that
  separate installations (or test schemas) in one database don't exclude each other.
- SQLite: a file lock beside the database file (SQLite is local to this machine anyway).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import text

from monitor.exceptions import LockedError
from monitor.store.db import Database

log = logging.getLogger(__name__)


@contextmanager
def only_instance(database: Database, name: str) -> Iterator[None]:
    """Hold the database-wide guard ``name`` for the block, or raise ``LockedError``."""
    refused = LockedError(f"another `govwatch {name}` is running on {database.url}; only one "
                          "may use a database (APScheduler's job store can't be shared)")
    if database.dialect == "postgresql":
        conn = database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            key = zlib.crc32(f"govwatch:{name}:{schema}".encode())
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise refused
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()
    elif database.dialect == "sqlite" and database.engine.url.database not in (None, "",
                                                                                ":memory:"):
        path = Path(str(database.engine.url.database)).expanduser().resolve()
        lock = FileLock(str(path.with_name(f"{path.name}.{name}.lock")))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise refused from None
        try:
            yield
        finally:
            lock.release()
    else:
        log.warning("%s: no guard against a second `govwatch %s` on this kind of database",
                    database.url, name)
        yield
