"""Fixtures for the archive browser: a sample archive (on SQLite and PostgreSQL) and a
TestClient over the app."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package for its TestClient and warns, once, at import
    # when it finds httpx (pinned by this project) instead; the client works the same.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from monitor.store.db import Database
from monitor.web.app import create_app
from monitor.web.settings import WebSettings
from tests.web.archive import SITES, Sample, build

SETTINGS = WebSettings(base_url="http://testserver", page_size=20)


@pytest.fixture
def sample(database: Database) -> Sample:
    return build(database)


@pytest.fixture
def client(database: Database, sample: Sample) -> Iterator[TestClient]:
    app = create_app(database, SETTINGS, sites_config=SITES)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
