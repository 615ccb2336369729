"""Placeholder until the scheduler lands (issue: runs by itself)."""

from __future__ import annotations

from monitor.exceptions import GovwatchError


def run_scheduler(config_path: str, db_url: str, *, verbose: bool = False) -> None:
    raise GovwatchError("`govwatch schedule` is not built yet in this version; run "
                        "`govwatch run` from cron instead (see deploy/crontab.example)")
