"""Opening the database: engine, SQLite pragmas, Alembic migrations, sessions."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from monitor.exceptions import StoreError

log = logging.getLogger(__name__)

DEFAULT_DB = "sqlite:///govwatch.db"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def default_db_url() -> str:
    return os.environ.get("GOVWATCH_DB", DEFAULT_DB)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the archive browser read while a crawl writes; a busy timeout rather than
    # "database is locked" when the scheduler, a crawl and the web page meet.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"--db {url!r} is not a database URL; expected e.g. "
                         "sqlite:///govwatch.db or postgresql+psycopg://user@host/db") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"--db {url}: folder {parent} does not exist")
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreError(f"--db {url}: the driver is not installed ({exc.name}); for PostgreSQL "
                         "install govwatch[postgres]") from exc


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def schema_revision(engine: Engine) -> tuple[str | None, str]:
    """(current revision of the database, newest revision this code knows)."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head or ""


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several workers may start at once against one PostgreSQL: one migrates, the rest wait.
            conn.execute(text("SELECT pg_advisory_xact_lock(7340652)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class Database:
    """An engine and its session factory. ``open_database`` returns one that is migrated."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default migrate to the newest schema) the database at ``url``.

    Migrating on open keeps SQLite zero-setup; on PostgreSQL an advisory lock serialises it.
    Set ``GOVWATCH_AUTO_MIGRATE=0`` to require an explicit ``govwatch db upgrade`` instead.
    """
    url = url or default_db_url()
    engine = make_engine(url)
    try:
        current, head = schema_revision(engine)
        if current != head:
            if migrate and os.environ.get("GOVWATCH_AUTO_MIGRATE", "1") != "0":
                log.info("migrating %s from %s to %s", engine.url.render_as_string(), current,
                         head)
                upgrade(engine)
            else:
                raise StoreError(f"database {url} is at schema {current or 'empty'}, this "
                                 f"govwatch needs {head}: run `govwatch db upgrade`")
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"can't open database {make_url(url).render_as_string()}: "
                         f"{exc.orig}") from exc
    return Database(engine)
