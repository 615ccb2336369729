"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), configuration files.

Every test that touches the database runs twice, on SQLite and on PostgreSQL: PostgreSQL is the
production store and must pass the same tests. Without a PostgreSQL on 127.0.0.1:5432 those
runs skip with a reason, unless GOVWATCH_REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("GOVWATCH_TEST_PG",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GOVWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parent.parent
# Real portal pages live beside the repository (../shared/real-pages), never inside it.
REAL_PAGES = Path(os.environ.get("GOVWATCH_REAL_PAGES",
                                 REPO.parent / "shared" / "real-pages"))


def require_services() -> bool:
    return os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or fail under GOVWATCH_REQUIRE_SERVICES=1) when a service is not reachable."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if require_services():
        pytest.fail(message + " and GOVWATCH_REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'govwatch.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govwatch.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def database(db_url: str) -> Iterator[object]:
    from monitor.store.db import open_database

    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def redis_url() -> str:
    need_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture
def real_pages() -> Path:
    if not (REAL_PAGES / "MANIFEST.json").exists():
        pytest.skip(f"{REAL_PAGES} is not present (real portal pages are read from beside the "
                    "repository, not copied into it)")
    return REAL_PAGES
