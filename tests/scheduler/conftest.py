"""Fixtures for the scheduler: a configuration, a stand-in for the crawl and digest children that
records its calls, and a way to wait for something to happen in the scheduler's threads."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent


def write_config(path: Path, sites: list[dict[str, Any]],
                 subscriptions: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(yaml.safe_dump({"sites": sites, "subscriptions": subscriptions or []},
                                   allow_unicode=True), encoding="utf-8")
    return path


def site(site_id: str, schedule: str = "0 7 * * *", **extra: Any) -> dict[str, Any]:
    return {"id": site_id, "start_urls": [f"http://127.0.0.1:9/{site_id}/list.html"],
            "schedule": schedule, **extra}


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "sites.yaml", [site("alpha"), site("beta")],
                        [{"id": "daily", "email": "a@example.com", "cadence": "daily"}])


class Calls:
    """The fake children's calls, read back from their log file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def of(self, *words: str) -> list[dict[str, Any]]:
        """Calls whose command line ends with ``words`` (e.g. ``"crawl", "alpha"``)."""
        return [c for c in self.all() if tuple(c["args"][-len(words):]) == words]


@pytest.fixture
def fake_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Calls]]:
    """An executable standing in for ``python`` (see fake_govwatch.py) and its call log."""
    script = tmp_path / "fake-python"
    script.write_text(f"#!{sys.executable}\n" + (HERE / "fake_govwatch.py").read_text(),
                      encoding="utf-8")
    script.chmod(0o755)
    calls = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_CALLS", str(calls))
    yield str(script), Calls(calls)


def wait_for(condition: Callable[[], Any], timeout: float = 15.0, what: str = "it") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
