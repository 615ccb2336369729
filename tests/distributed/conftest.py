"""Fixtures for distributed crawling: a Redis client, and a key prefix of the test's own (deleted
afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

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
