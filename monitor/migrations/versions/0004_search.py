"""search: full-text index for the archive browser, and indexes for its lists

Revision ID: 0004
Revises: 0003

SQLite: two FTS5 tables, ``search_trigram`` (tokenizer ``trigram``: queries of three characters
or more) and ``search_grams`` (each document's distinct characters and character pairs, for one-
and two-character queries). PostgreSQL: ``search_documents`` with a pg_trgm index over the text
and a tsvector of the same grams; and indexes that sort documents newest first with undated ones
last. See ``monitor.store.search``. None of these are in the ORM metadata: their names start with
``search_`` (``monitor.store.schema.include_name``).
"""

from typing import Sequence, Union
import logging

from alembic import op
import sqlalchemy as sa


revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

log = logging.getLogger("monitor.migrations")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema holding pg_trgm, installing it if needed; None if it can't be installed (the
    search then works without the trigram index, only slower)."""
    def installed() -> str | None:
        return bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")).scalar()

    schema = installed()
    if schema:
        return schema
    # In a shared schema when possible: an extension created in a per-tenant (or per-test)
    # schema disappears, with every index using it, when that schema is dropped.
    for statement in ("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
                      "CREATE EXTENSION IF NOT EXISTS pg_trgm"):
        try:
            with bind.begin_nested():
                bind.execute(sa.text(statement))
            return installed()
        except sa.exc.DBAPIError as exc:
            log.warning("%s failed: %s", statement, exc.orig)
    log.warning("pg_trgm is not available: searches of three characters or more will scan "
                "texts instead of using a trigram index; ask the database owner to run "
                "CREATE EXTENSION pg_trgm, then `govwatch db upgrade` on a fresh database")
    return None


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_status"), ["status"], unique=False)

    if bind.dialect.name == "postgresql":
        op.execute("CREATE TABLE search_documents ("
                   "document_id integer PRIMARY KEY REFERENCES documents (id), "
                   "body text NOT NULL, grams tsvector NOT NULL)")
        schema = _trigram_schema(bind)
        if schema:
            opclass = f'"{schema}".gin_trgm_ops'
            op.execute(f"CREATE INDEX search_documents_body_trgm ON search_documents "
                       f"USING gin (body {opclass})")
        op.execute("CREATE INDEX search_documents_grams ON search_documents USING gin (grams)")
        # Lists sort newest first with undated documents last; PostgreSQL puts NULLs first in a
        # descending sort, so the index must say NULLS LAST to serve that order.
        op.execute("CREATE INDEX search_documents_order ON documents "
                   "(published DESC NULLS LAST, id DESC)")
        op.execute("CREATE INDEX search_documents_site_order ON documents "
                   "(site_id, published DESC NULLS LAST, id DESC)")
    else:
        # detail=none: the index records which documents hold a trigram, not where; FTS5 then
        # checks the stored text, and the index is a fraction of the size.
        op.execute("CREATE VIRTUAL TABLE search_trigram USING fts5("
                   "body, tokenize='trigram', detail=none)")
        # Contentless: these are tokens, not text anyone reads back.
        op.execute("CREATE VIRTUAL TABLE search_grams USING fts5("
                   "grams, content='', tokenize='unicode61 remove_diacritics 0', detail=none)")
        # SQLite sorts NULLs last when descending, so a plain index serves the lists' order;
        # ix_documents_published already covers the unfiltered list (the rowid is the id).
        op.execute("CREATE INDEX search_documents_site_order ON documents "
                   "(site_id, published, id)")

    from monitor.store import search

    indexed = search.rebuild(bind)
    if indexed:
        log.info("search index: %d documents indexed", indexed)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS search_documents_site_order")
        op.execute("DROP INDEX IF EXISTS search_documents_order")
        op.execute("DROP TABLE IF EXISTS search_documents")
    else:
        op.execute("DROP INDEX IF EXISTS search_documents_site_order")
        op.execute("DROP TABLE IF EXISTS search_grams")
        op.execute("DROP TABLE IF EXISTS search_trigram")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_status"))
        batch_op.drop_index(batch_op.f("ix_documents_category"))
