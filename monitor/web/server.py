"""Placeholder until the archive browser lands (issue: the archive browser)."""

from __future__ import annotations

from monitor.exceptions import GovwatchError


def serve(config_path: str, db_url: str, *, host: str, port: int) -> None:
    raise GovwatchError("`govwatch serve` (the archive browser) is not built yet in this "
                        "version; use `govwatch export` to read the archive")
