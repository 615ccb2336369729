"""Alembic environment. Run through ``govwatch db upgrade`` (or automatically on first use);
``monitor.store.db`` passes the connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from monitor.store.schema import Base, include_name

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `govwatch db upgrade`")
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


run()
