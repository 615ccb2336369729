"""Distributed crawling from the command line: ``govwatch crawl --distributed`` starts a round per
site (or joins the one under way) and works on it; ``govwatch worker`` waits for rounds to start
and works on them. Both crawl in this process until their rounds are done (``crawler.rounds``).

Workers may run on any number of machines. They need the same configuration, the same PostgreSQL
database and the same Redis; SQLite can't be shared between machines and serialises writers, so
it is refused.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.config import Config, SiteConfig
from monitor.crawl import CrawlRequest, crawl
from monitor.exceptions import DistributedError
from monitor.locks import owner_id
from monitor.store.db import Database, open_database
from monitor.store.records import RunRecord
from monitor.store.repository import Repository

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider

    from crawler.rounds import Round

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "govwatch"
POLL = 1.0  # seconds between looks for new rounds


@dataclass(frozen=True)
class Assignment:
    """A site this process crawls, the run of its round, and whether it started the round."""

    site: SiteConfig
    run_id: int
    role: str


def connect(redis_url: str | None) -> Redis:
    if not redis_url:
        raise DistributedError("distributed crawling needs Redis: pass --redis URL or set "
                               "GOVWATCH_REDIS (e.g. redis://:password@10.0.0.5:6379/0)")
    try:
        from redis import Redis
        from redis.exceptions import RedisError
    except ModuleNotFoundError as exc:
        raise DistributedError("distributed crawling needs the redis and scrapy-redis "
                               "packages: install govwatch[distributed]") from exc
    client = Redis.from_url(redis_url)
    try:
        client.ping()
    except RedisError as exc:
        raise DistributedError(f"can't reach Redis at {redis_url}: {exc}") from exc
    return client


def check_database(database: Database) -> None:
    if database.dialect == "sqlite":
        raise DistributedError(f"distributed crawling needs PostgreSQL (--db {database.url} is "
                               "SQLite, which other machines can't reach and which takes one "
                               "writer at a time)")


def _round(client: Redis, prefix: str, site_id: str) -> Round:
    from crawler.rounds import Round

    return Round(client, prefix, site_id, owner_id())


def start_rounds(config: Config, database: Database, client: Redis, prefix: str,
                 site_ids: tuple[str, ...]) -> list[Assignment]:
    """A round for each site: started, or joined when one is under way already."""
    assignments = []
    for site in config.select_sites(site_ids):
        round_ = _round(client, prefix, site.id)
        role = round_.begin(database, site)
        assert role is not None and round_.run_id is not None
        assignments.append(Assignment(site, round_.run_id, role))
    return assignments


def await_rounds(config: Config, database: Database, client: Redis, prefix: str,
                 site_ids: tuple[str, ...], *, wait: float = 0,
                 max_sites: int = 8) -> list[Assignment]:
    """Join the rounds under way among ``site_ids`` (all enabled sites if none), waiting up to
    ``wait`` seconds (0: as long as it takes) for at least one."""
    from crawler.rounds import rounds_under_way

    sites = {s.id: s for s in config.select_sites(site_ids)}
    deadline = time.monotonic() + wait if wait else None
    while True:
        joined: list[Assignment] = []
        for site_id in sorted(rounds_under_way(client, prefix) & sites.keys()):
            round_ = _round(client, prefix, site_id)
            if round_.begin(database, sites[site_id], start=False) is None:
                continue  # it ended meanwhile
            assert round_.run_id is not None
            joined.append(Assignment(sites[site_id], round_.run_id, "join"))
            if len(joined) >= max_sites:
                break
        if joined:
            return joined
        if deadline is not None and time.monotonic() > deadline:
            return []
        time.sleep(POLL)


def crawl_rounds(config: Config, request: CrawlRequest, assignments: list[Assignment],
                 redis_url: str, prefix: str) -> list[RunRecord]:
    """Work on the rounds until each is done (or this process is told to stop); returns their
    runs as they are then (``running`` when other workers are still at it)."""
    from crawler.distributed import distributed_settings
    from crawler.round_spider import round_spider_for

    by_site = {a.site.id: a for a in assignments}

    def factory(site: SiteConfig) -> type[Spider]:
        a = by_site[site.id]
        return round_spider_for(site, a.run_id, a.role)

    settings = tuple(distributed_settings(redis_url, prefix).items()) + request.settings
    crawl(config, CrawlRequest(request.config_path, request.db_url, tuple(by_site),
                               request.verbose, settings, spider_factory=factory))
    database = open_database(request.db_url)
    try:
        with database.session() as session:
            repo = Repository(session)
            runs = [repo.get_run(a.run_id) for a in assignments]
    finally:
        database.dispose()
    return [r for r in runs if r is not None]

