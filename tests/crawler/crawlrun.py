"""Running ``govwatch crawl`` in a subprocess (Twisted's reactor runs once per process) and reading
what it stored."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitor.store.db import open_database
from monitor.store.records import DocumentRecord, FetchRecord, RunRecord, VersionRecord
from monitor.store.repository import Repository

REPO = Path(__file__).resolve().parents[2]
# Loopback needs no politeness pauses; retries still happen, with short waits.
FAST: dict[str, Any] = {"GOVWATCH_PROGRESS_INTERVAL": 0, "GOVWATCH_RETRY_BACKOFF": 0.05,
                        "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 3, "AUTOTHROTTLE_ENABLED": False}


def write_config(path: Path, sites: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
    return path


def crawl(config: Path, db_url: str, *sites: str, settings: dict[str, Any] | None = None,
          ) -> subprocess.CompletedProcess[str]:
    options = []
    for name, value in {**FAST, **(settings or {})}.items():
        options += ["-s", f"{name}={json.dumps(value)}"]
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url, "crawl",
         *options, *sites], cwd=REPO, capture_output=True, text=True, timeout=300)


@dataclass(frozen=True)
class Archive:
    documents: dict[str, DocumentRecord]      # canonical URL → document
    versions: dict[str, list[VersionRecord]]  # canonical URL → versions, oldest first
    fetches: list[FetchRecord]                # of the site's last run
    run: RunRecord


def archive(db_url: str, site: str) -> Archive:
    database = open_database(db_url)
    try:
        with database.session() as session:
            repo = Repository(session)
            documents = {d.url: d for d in repo.iter_documents(site)}
            versions = {url: repo.versions(d.id) for url, d in documents.items()}
            run = repo.runs(site, limit=1)[0]
            fetches = repo.fetches(run_id=run.id, limit=10_000)
    finally:
        database.dispose()
    return Archive(documents, versions, fetches, run)
