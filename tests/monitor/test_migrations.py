"""The Alembic migrations build exactly the schema the ORM declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from monitor.store.db import Database
from monitor.store.schema import Base, include_name


def test_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as conn:
        # include_name: the search index (migration 0004) is dialect-specific DDL, not ORM.
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": include_name})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_reopening_a_migrated_database_is_a_no_op(database: Database, db_url: str) -> None:
    from monitor.store.db import open_database, schema_revision

    again = open_database(db_url)
    current, head = schema_revision(again.engine)
    assert current == head
    again.dispose()


def test_every_migration_downgrades_and_upgrades_again(database: Database) -> None:
    """Down to an empty database and back up to the newest schema, one step at a time."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import inspect

    from monitor.store.db import MIGRATIONS, schema_revision, upgrade

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    leftover = set(inspect(database.engine).get_table_names()) - {"alembic_version"}
    assert leftover == set()
    upgrade(database.engine)
    current, head = schema_revision(database.engine)
    assert current == head
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
