"""The whole pipeline, as a user runs it: real crawls in a subprocess against the sample portal on
loopback, then the database and `govwatch export` checked against what the portal published.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crawler.extraction.text import normalize
from monitor.demo.sample import (
    DEFAULT_SAMPLES,
    build_portal,
    demo_sites,
    revision_changes,
    sample_documents,
)
from monitor.demo.server import PortalServer
from monitor.store.db import open_database
from monitor.store.repository import Repository

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def portal() -> Iterator[PortalServer]:
    with PortalServer(build_portal(DEFAULT_SAMPLES, revision=0)) as server:
        yield server


def govwatch(config: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url, *args],
        cwd=REPO, capture_output=True, text=True, timeout=300)


def export(config: Path, db_url: str, *flags: str) -> list[dict[str, object]]:
    done = govwatch(config, db_url, "export", *flags)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_crawl_change_crawl(portal: PortalServer, db_url: str, tmp_path: Path) -> None:
    portal.set_pages(build_portal(DEFAULT_SAMPLES, revision=0))
    config = tmp_path / "sites.yaml"
    config.write_text(yaml.safe_dump({
        "sites": demo_sites(portal.base_url),
        "subscriptions": [{"id": "e2e", "email": "e2e@example.com", "cadence": "immediate"}],
    }, allow_unicode=True), encoding="utf-8")

    first = govwatch(config, db_url, "crawl")
    assert first.returncode == 0, first.stdout + first.stderr
    expected = {portal.url(d.path): d for d in sample_documents(DEFAULT_SAMPLES, 0)}

    # Every published document is in the archive exactly once, as version 1, with its metadata.
    docs = {d["url"]: d for d in export(config, db_url) if d["type"] == "document"}
    assert set(docs) == set(expected)
    for url, doc in docs.items():
        sample = expected[url]
        assert doc["versions"] == 1 and doc["state"] == "active"
        assert normalize(str(doc["title"])) == normalize(sample.title), url
        metadata = doc["metadata"]
        assert isinstance(metadata, dict)
        assert metadata.get("index_no") == sample.index_no, url
        if sample.status is not None:
            assert normalize(str(metadata.get("status"))) == normalize(sample.status), url
        assert {a["url"] for a in doc["attachments"]} == {  # type: ignore[union-attr]
            portal.url(a.path) for a in sample.attachments}, url
        assert all(a["sha256"] for a in doc["attachments"]), url  # type: ignore[union-attr]

    events = [e for e in export(config, db_url, "--events") if e["type"] == "event"]
    assert {(e["kind"], e["url"], e["baseline"]) for e in events} == {
        ("new", url, True) for url in expected}

    # The portal publishes its revision; the second crawl reports exactly what changed.
    portal.set_pages(build_portal(DEFAULT_SAMPLES, revision=1))
    second = govwatch(config, db_url, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    changes = revision_changes(DEFAULT_SAMPLES, 1).absolute(portal.base_url)
    events = [e for e in export(config, db_url, "--events") if e["type"] == "event"
              and not e["baseline"]]
    assert sorted((str(e["kind"]), str(e["url"])) for e in events) == sorted(
        changes.expected_events())
    status = next(e for e in events if e["kind"] == "status")
    assert status["fields"] == {"status": {"old": "有效", "new": "失效"}}

    # Noise (counters, clock, reordered list, script switch) made no version.
    database = open_database(db_url)
    with database.session() as session:
        repo = Repository(session)
        for url in changes.noise_only:
            site = url.split("/")[3]
            doc = repo.find_document(site, url)
            assert doc is not None and doc.version_count == 1, url
        runs = repo.runs(limit=100)
    database.dispose()
    assert {r.status for r in runs} == {"ok"}

    # The digest tells the subscriber, and is recorded so it is not told twice.
    preview = govwatch(config, db_url, "digest")
    assert "效力变更" in preview.stdout and "已建档" in preview.stdout
    outbox = tmp_path / "outbox"
    sent = govwatch(config, db_url, "digest", "--outbox", str(outbox))
    assert sent.returncode == 0, sent.stderr
    assert len(list(outbox.glob("*.eml"))) == 1
    again = govwatch(config, db_url, "digest", "--outbox", str(outbox))
    assert "Nothing to report" in again.stdout
    assert len(list(outbox.glob("*.eml"))) == 1
