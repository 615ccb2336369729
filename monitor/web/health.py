"""A site's health as the sites page shows it, from its last run's recorded fetch outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.outcomes import FetchOutcome
from monitor.config import SiteConfig
from monitor.store.queries import SiteHealth


def _outcome(name: str) -> FetchOutcome | None:
    try:
        return FetchOutcome(name)
    except ValueError:
        return None


@dataclass(frozen=True)
class SiteView:
    id: str
    name: str
    health: SiteHealth | None          # None: configured, never crawled
    config: SiteConfig | None          # None: in the archive, no longer configured
    failures: int                      # failed fetches in the last run
    blocked: int                       # fetches refused (WAF challenge, robots.txt)
    fetches: int

    @property
    def state(self) -> str:
        """never | running | ok | partial | failed | blocked"""
        run = self.health.last_run if self.health else None
        if run is None:
            return "never"
        return run.status

    @property
    def last_crawl(self) -> datetime | None:
        run = self.health.last_run if self.health else None
        return (run.finished_at or run.started_at) if run else None

    @property
    def start_urls(self) -> list[str]:
        return list(self.config.start_urls) if self.config else []


def site_view(site_id: str, health: SiteHealth | None, config: SiteConfig | None) -> SiteView:
    failures = blocked = fetches = 0
    run = health.last_run if health else None
    outcomes = (run.stats or {}).get("fetches", {}) if run else {}
    if isinstance(outcomes, dict):
        for name, count in outcomes.items():
            n = int(count) if isinstance(count, int | float) else 0
            fetches += n
            outcome = _outcome(str(name))
            if outcome is not None and outcome.is_failure:
                failures += n
            if outcome is not None and outcome.is_blocking:
                blocked += n
    name = health.name if health else (config.display_name if config else site_id)
    return SiteView(site_id, name, health, config, failures, blocked, fetches)


def site_views(healths: list[SiteHealth], configs: dict[str, SiteConfig]) -> list[SiteView]:
    known = {h.id: h for h in healths}
    ids = list(configs) + sorted(i for i in known if i not in configs)
    return [site_view(i, known.get(i), configs.get(i)) for i in ids]
