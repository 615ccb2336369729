"""Fixtures for distributed crawling: a Redis key prefix of the test's own (deleted afterwards),
and portals that answer slowly enough for several workers to share the work."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from monitor.demo.server import Page, PortalServer, RequestRecord

if TYPE_CHECKING:
    from redis import Redis


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    from redis import Redis

    client = Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def prefix(redis: Redis) -> Iterator[str]:
    """A key prefix no other test uses; every key under it is deleted afterwards."""
    name = f"govwatch-test-{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(redis.scan_iter(f"{name}:*"))
    if keys:
        redis.delete(*keys)


class SlowPortal(PortalServer):
    """A portal whose every answer takes ``delay`` seconds, as a small government server's do."""

    def __init__(self, pages: dict[str, Page], delay: float) -> None:
        super().__init__(pages)
        self.delay = delay
        self.closing = threading.Event()

    def _handle(self, record: RequestRecord) -> Page | None:  # PortalServer's request hook
        page = super()._handle(record)
        self.closing.wait(self.delay)
        return page

    def stop(self) -> None:
        self.closing.set()
        super().stop()
