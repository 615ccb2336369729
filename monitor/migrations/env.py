"""Alembic environment. Run through ``govwatch db upgrade`` (or automatically on first use);
``monitor.store.db`` passes the connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from monitor.store.schema import FOREIGN_TABLES, Base

config = context.config
target_metadata = Base.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Leave the tables libraries own (APScheduler's job store) out of autogenerate."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `govwatch db upgrade`")
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run()
