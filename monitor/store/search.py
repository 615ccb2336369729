"""Full-text search over documents' current versions, for Chinese, on SQLite and PostgreSQL.

Chinese has no spaces, so a word index finds nothing; the index is of characters instead:

- queries of three characters or more use a trigram index: SQLite FTS5 with the ``trigram``
  tokenizer (``search_trigram``), PostgreSQL ``pg_trgm`` (``search_documents.body``);
- one- and two-character queries (常见: 补贴, 税, 5G) can't be answered by trigrams, so a second
  index holds each document's distinct characters and character pairs (``search_grams``: FTS5
  on SQLite, a ``tsvector`` of those grams on PostgreSQL).

What is indexed is the display form (simplified script, converter debris removed) of title,
文号, 发布机构 and body, and queries are converted the same way, so 發展 finds 发展.

Answering a query is two steps, because checking a candidate against the text costs a read of
the text (pg_trgm rechecks every candidate; so does FTS5 with ``detail=none``):

1. *probe*: ask the index for at most ``PROBE_LIMIT + 1`` matching documents. A selective query
   (at most ``PROBE_LIMIT`` matches) is answered from those ids, sorted and counted exactly.
2. a *broad* query (more matches) is answered by walking the documents newest first and checking
   each one's text, which stops after a page: with more than ``PROBE_LIMIT`` matches in the
   archive, a page of them is found quickly.

So neither step reads more than about ``PROBE_LIMIT`` texts, whatever the query.

The index is kept current by ``index_document``, which ``Repository`` calls whenever a
document's current version changes, and rebuilt by ``rebuild`` (migration 0004, benchmarks).
Its tables are created by migration 0004 with dialect-specific DDL and are not in the ORM
metadata (``schema.include_name`` keeps schema comparisons away from them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import add
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from crawler.extraction.text import remove_debris, to_simplified

log = logging.getLogger(__name__)

PROBE_LIMIT = 1000   # texts read at most per query; see the module docstring
MAX_TERMS = 5        # a query's space-separated terms beyond this are ignored
MAX_TERM_CHARS = 64

# The index tables, for queries only: migration 0004 creates them (FTS5 virtual tables on
# SQLite), so they live in their own MetaData, not the ORM's.
_tables = MetaData()
sqlite_trigram = Table("search_trigram", _tables, Column("rowid", Integer), Column("body", Text))
pg_documents = Table("search_documents", _tables,
                     Column("document_id", Integer, primary_key=True), Column("body", Text))

_NOT_GRAM = re.compile(r"[\W_]+")   # grams are made of letters and digits only
_LIKE_SPECIAL = re.compile(r"[%_\\]")
_SPACES = re.compile(r"\s+")


# ----------------------------------------------------------------------------- index text


def display(text: str) -> str:
    """The form both documents and queries are indexed and matched in."""
    return to_simplified(remove_debris(text))


def document_body(title: str | None, doc_no: str | None, publisher: str | None,
                  text: str) -> str:
    """What is searched: title, 文号 and 发布机构 first (short, often what people type), then
    the text."""
    head = [part for part in (title, doc_no, publisher) if part]
    return display("\n".join([*head, text]))


def grams(body: str) -> str:
    """Distinct characters and character pairs of the letter-and-digit runs, space-separated,
    lower-cased: the tokens of the short-query index."""
    folded = _NOT_GRAM.sub(" ", body.lower())
    found = set(folded)
    found.update(map(add, folded, folded[1:]))
    return " ".join(sorted(g for g in found if " " not in g))


# ------------------------------------------------------------------------------ maintenance


def _dialect(bind: Session | Connection) -> str:
    return bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name


def index_document(bind: Session | Connection, document_id: int, body: str | None) -> None:
    """Make ``body`` the indexed text of a document (``None`` removes it from the index)."""
    if _dialect(bind) == "postgresql":
        if body is None:
            bind.execute(text("DELETE FROM search_documents WHERE document_id = :id"),
                         {"id": document_id})
            return
        bind.execute(text(
            "INSERT INTO search_documents (document_id, body, grams) "
            "VALUES (:id, :body, array_to_tsvector(string_to_array(:grams, ' '))) "
            "ON CONFLICT (document_id) DO UPDATE SET body = excluded.body, "
            "grams = excluded.grams WHERE search_documents.body IS DISTINCT FROM excluded.body"),
            {"id": document_id, "body": body, "grams": grams(body)})
        return
    old = bind.execute(text("SELECT body FROM search_trigram WHERE rowid = :id"),
                       {"id": document_id}).scalar()
    if old == body:
        return
    if old is not None:
        # search_grams stores no text (it would double the index); FTS5 removes a row of such a
        # table only when told the tokens it was given, which the trigram table still holds.
        bind.execute(text("INSERT INTO search_grams (search_grams, rowid, grams) "
                          "VALUES ('delete', :id, :grams)"), {"id": document_id,
                                                              "grams": grams(old)})
        bind.execute(text("DELETE FROM search_trigram WHERE rowid = :id"), {"id": document_id})
    if body is not None:
        bind.execute(text("INSERT INTO search_trigram (rowid, body) VALUES (:id, :body)"),
                     {"id": document_id, "body": body})
        bind.execute(text("INSERT INTO search_grams (rowid, grams) VALUES (:id, :grams)"),
                     {"id": document_id, "grams": grams(body)})


def rebuild(bind: Session | Connection, *, batch: int = 500) -> int:
    """Index every document's current version from scratch; returns how many were indexed."""
    dialect = _dialect(bind)
    if dialect == "postgresql":
        bind.execute(text("DELETE FROM search_documents"))
    else:
        bind.execute(text("DELETE FROM search_trigram"))
        bind.execute(text("INSERT INTO search_grams (search_grams) VALUES ('delete-all')"))
    query = text(
        "SELECT d.id, COALESCE(v.title, d.list_title), v.metadata, v.text FROM documents d "
        "JOIN versions v ON v.id = d.current_version_id WHERE d.id > :after "
        "ORDER BY d.id LIMIT :batch")
    after, done = 0, 0
    while True:
        rows = bind.execute(query, {"after": after, "batch": batch}).all()
        if not rows:
            return done
        insert_bodies(bind, [(row[0], body_of(row[1], row[2], row[3])) for row in rows],
                      dialect=dialect)
        done += len(rows)
        after = rows[-1][0]


def body_of(title: str | None, metadata: Any, text_: str) -> str:
    meta = metadata if isinstance(metadata, dict) else _json(metadata)
    return document_body(title, _str(meta.get("doc_no")), _str(meta.get("publisher")), text_)


def insert_bodies(bind: Session | Connection, rows: Sequence[tuple[int, str]], *,
                  dialect: str | None = None) -> None:
    """Bulk-add documents that are not indexed yet (rebuilds, benchmarks)."""
    if not rows:
        return
    if (dialect or _dialect(bind)) == "postgresql":
        bind.execute(text(
            "INSERT INTO search_documents (document_id, body, grams) "
            "VALUES (:id, :body, array_to_tsvector(string_to_array(:grams, ' ')))"),
            [{"id": i, "body": b, "grams": grams(b)} for i, b in rows])
        return
    bind.execute(text("INSERT INTO search_trigram (rowid, body) VALUES (:id, :body)"),
                 [{"id": i, "body": b} for i, b in rows])
    bind.execute(text("INSERT INTO search_grams (rowid, grams) VALUES (:id, :grams)"),
                 [{"id": i, "grams": grams(b)} for i, b in rows])


def _str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _json(value: Any) -> dict[str, Any]:
    import json

    try:
        loaded = json.loads(value) if isinstance(value, str | bytes) else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


# ---------------------------------------------------------------------------------- queries


def terms(query: str) -> tuple[str, ...]:
    """A query's terms: space-separated, in display form, each at most MAX_TERM_CHARS."""
    found: list[str] = []
    for word in _SPACES.split(display(query).strip()):
        word = word[:MAX_TERM_CHARS]
        if word and word not in found:
            found.append(word)
    return tuple(found[:MAX_TERMS])


def _like(term: str) -> str:
    return "%" + _LIKE_SPECIAL.sub(lambda m: "\\" + m.group(0), term) + "%"


@dataclass(frozen=True)
class _Probe:
    sql: str
    params: dict[str, Any]
    exact: bool   # the ids it returns all contain the term


def _probe(term: str, dialect: str) -> _Probe | None:
    """The index lookup for one term, or None when no index can narrow it down."""
    key, exact = term, True
    plain_gram = not _NOT_GRAM.search(term)
    if (len(term) < 3 and not plain_gram) or (len(term) >= 3 and _LIKE_SPECIAL.search(term)):
        # Punctuation in a short term, or LIKE wildcards in a long one: look up its longest run
        # of letters and digits, and let the text check decide.
        runs = sorted(_NOT_GRAM.split(term), key=len, reverse=True)
        if not runs or not runs[0]:
            return None
        key, exact = runs[0], False
    if len(key) >= 3:
        if dialect == "postgresql":
            return _Probe("SELECT document_id FROM search_documents WHERE body ILIKE :p "
                          "LIMIT :n", {"p": _like(key)}, exact)
        # FTS5 answers LIKE from the trigram index (then checks the stored text) when the
        # pattern holds three characters or more between wildcards; no ESCAPE clause (the key
        # has no wildcard characters), which FTS5 would not hand to the index.
        return _Probe("SELECT rowid FROM search_trigram WHERE body LIKE :p LIMIT :n",
                      {"p": f"%{key}%"}, exact)
    gram = key.lower()[:2]
    if dialect == "postgresql":
        return _Probe("SELECT document_id FROM search_documents "
                      "WHERE grams @@ CAST(:g AS tsquery) LIMIT :n",
                      {"g": "'" + gram.replace("'", "''") + "'"}, exact)
    return _Probe("SELECT rowid FROM search_grams WHERE search_grams MATCH :g LIMIT :n",
                  {"g": '"' + gram.replace('"', '""') + '"'}, exact)


@dataclass(frozen=True)
class SearchPlan:
    """How to restrict a query on documents to those matching the search terms.

    ``ids`` is the exact candidate set for a selective query (None for a broad one);
    ``where(id_column)`` is the condition to add to a query over documents (or over anything
    carrying a document id): an id list, a per-row text check, or both.
    """

    terms: tuple[str, ...]
    ids: frozenset[int] | None
    check: tuple[str, ...]    # terms the ids alone don't prove
    dialect: str

    @property
    def selective(self) -> bool:
        return self.ids is not None

    def where(self, id_column: ColumnElement[int]) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        if self.ids is not None:
            conditions.append(id_column.in_(sorted(self.ids)))
        for i, term in enumerate(self.check):
            conditions.append(self._contains(id_column, term, i))
        return and_(true(), *conditions)

    def _contains(self, id_column: ColumnElement[int], term: str,
                  i: int) -> ColumnElement[bool]:
        # A correlated scalar subquery, so that the database checks one document at a time in
        # the outer query's order (and stops after a page) instead of collecting every match.
        pattern: BindParameter[str] = bindparam(f"search_term_{i}", _like(term))
        if self.dialect == "postgresql":
            body = select(pg_documents.c.body).where(
                pg_documents.c.document_id == id_column).scalar_subquery()
            return body.ilike(pattern, escape="\\")
        body = select(sqlite_trigram.c.body).where(
            sqlite_trigram.c.rowid == id_column).scalar_subquery()
        return body.like(pattern, escape="\\")


def plan(session: Session, query: str, *, limit: int | None = None) -> SearchPlan | None:
    """Probe the index for each term; None when the query has no terms."""
    limit = PROBE_LIMIT if limit is None else limit
    found = terms(query)
    if not found:
        return None
    dialect = _dialect(session)
    best: set[int] | None = None
    proven: set[str] = set()
    for term in sorted(found, key=len, reverse=True):
        probe = _probe(term, dialect)
        if probe is None:
            continue
        ids = {int(r) for r in session.execute(text(probe.sql),
                                               {**probe.params, "n": limit + 1}).scalars()}
        if len(ids) > limit:
            continue      # broad term: checked per row instead
        best = ids if best is None else best & ids
        if probe.exact:
            proven.add(term)
    if best is None:
        return SearchPlan(found, None, found, dialect)
    return SearchPlan(found, frozenset(best), tuple(t for t in found if t not in proven),
                      dialect)


def bodies(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Indexed text of some documents (for result snippets)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if _dialect(session) == "postgresql":
        query = select(pg_documents.c.document_id, pg_documents.c.body).where(
            pg_documents.c.document_id.in_(wanted))
    else:
        query = select(sqlite_trigram.c.rowid, sqlite_trigram.c.body).where(
            sqlite_trigram.c.rowid.in_(wanted))
    return {int(i): str(b) for i, b in session.execute(query)}


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def snippet(body: str, found: Sequence[str], width: int = 60) -> tuple[Piece, ...]:
    """A stretch of ``body`` around the first hit of any term, hits marked."""
    flat = _SPACES.sub(" ", body)
    lowered = flat.lower()
    positions = [(lowered.find(t.lower()), t) for t in found]
    hits = sorted((p, t) for p, t in positions if p >= 0)
    if not hits:
        return (Piece(flat[:width * 2], False),) if flat else ()
    start = max(hits[0][0] - width // 3, 0)
    window = flat[start:start + width * 2]
    low = window.lower()
    marks = [False] * len(window)
    for term in found:
        t = term.lower()
        pos = low.find(t)
        while t and pos >= 0:
            for k in range(pos, min(pos + len(t), len(window))):
                marks[k] = True
            pos = low.find(t, pos + len(t))
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("…", False))
    for char, hit in zip(window, marks, strict=True):
        if pieces and pieces[-1].hit == hit and pieces[-1].text != "…":
            pieces[-1] = Piece(pieces[-1].text + char, hit)
        else:
            pieces.append(Piece(char, hit))
    if start + len(window) < len(flat):
        pieces.append(Piece("…", False))
    return tuple(pieces)
