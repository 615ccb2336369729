"""A crawl *round*: one crawl of one site, shared through Redis by any number of worker processes
on any machines, with one run record in the (PostgreSQL) database.

The frontier is scrapy-redis's (``crawler.distributed``): a sorted set of pickled requests and a
set of request fingerprints. What scrapy-redis does not have, and this module adds, is a notion of
*the end*: scrapy-redis workers wait for more requests forever, while a round must end once —
removal bookkeeping and the baseline (``monitor.runs.finish_run``) decided exactly once, with the
counters of every worker — when nothing is queued and no worker is still working on something
that could queue more.

Each worker is ``busy`` from the moment it takes a request until Scrapy finds it idle (nothing
scheduled, downloading or being processed), then ``idle``. Taking a request and marking the worker
busy is one atomic step (the ``pop`` script), and so is "mark me idle; is the queue empty and is
every other live worker idle? then I finish" (the ``idle`` script), so no request can be in
flight unseen when a worker decides the round is drained. The first drain ends the list phase:
the worker that sees it schedules the rechecks of known documents (once per round, not once per
worker); the second drain finishes the round. A worker whose heartbeat is older than the timeout
is counted as lost (scrapy-redis takes requests without acknowledgement: a crashed worker's
requests are gone), which makes the run ``partial``; a round nobody works on any more is
resumed by the next worker that starts it or joins it.

Keys, for site S under prefix P (a standalone Redis or Sentinel; not Redis Cluster, as the
scripts touch several keys at once):

- ``P:rounds``: set of the sites with a round under way, where idle workers look for work;
- ``P:S:round``: hash ``run_id``, ``phase`` (starting, lists, rechecks, finishing), ``site``
  (digest of the site's definition: all workers must crawl the same one), ``started``, ``lost``;
- ``P:S:workers`` (worker → busy | idle | lost | left), ``P:S:beats`` (worker → heartbeat, Redis
  server time, so that machines' clocks don't matter), ``P:S:snapshots`` (worker → its counters);
- ``P:S:requests`` and ``P:S:dupefilter``: scrapy-redis's queue and duplicate filter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from monitor.config import SiteConfig
from monitor.exceptions import DistributedError
from monitor.runs import start_run
from monitor.store.db import Database
from monitor.store.repository import Repository

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

WORKER_TIMEOUT = 300.0   # a worker silent for longer is lost (a long extraction blocks its beat)
HEARTBEAT = 15.0
STARTING_TIMEOUT = 60.0  # a round stuck in "starting" this long lost its starter


class Action(StrEnum):
    """What an idle or leaving worker is to do next."""

    WAIT = "wait"          # others are still working: stay open
    RECHECK = "recheck"    # the lists are done: schedule the rechecks of known documents
    FINISH = "finish"      # the round is drained: close the run
    LEAVE = "leave"        # the round is over or is being finished by another worker


def site_digest(site: SiteConfig) -> str:
    return hashlib.sha256(site.model_dump_json().encode()).hexdigest()[:16]


# Counting live workers is shared by the scripts that need it.
_LIVE = """
local function live_workers(workers, beats, now, timeout, except)
  local live = 0
  local states = redis.call('HGETALL', workers)
  for i = 1, #states, 2 do
    local state = states[i + 1]
    if states[i] ~= except and (state == 'busy' or state == 'idle') then
      local beat = tonumber(redis.call('HGET', beats, states[i]) or '0')
      if now - beat <= timeout then live = live + 1 end
    end
  end
  return live
end
"""

_INSPECT = _LIVE + """
-- KEYS: round, workers, beats; ARGV: timeout
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local now = tonumber(redis.call('TIME')[1])
local r = redis.call('HMGET', KEYS[1], 'run_id', 'phase', 'site', 'started', 'lost')
return {r[1] or '', r[2] or '', r[3] or '', r[4] or '0', r[5] or '0',
        tostring(live_workers(KEYS[2], KEYS[3], now, tonumber(ARGV[1]), '')), tostring(now)}
"""

_CLAIM = """
-- KEYS: round; ARGV: worker, starting timeout
local now = tonumber(redis.call('TIME')[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local phase = redis.call('HGET', KEYS[1], 'phase')
  local started = tonumber(redis.call('HGET', KEYS[1], 'started') or '0')
  if phase ~= 'starting' or now - started <= tonumber(ARGV[2]) then return 0 end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'phase', 'starting', 'owner', ARGV[1], 'started', now)
return 1
"""

_OPEN = """
-- KEYS: round, workers, beats, snapshots, requests, dupefilter, rounds
-- ARGV: worker, run_id, site digest, site id
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1]
   or redis.call('HGET', KEYS[1], 'phase') ~= 'starting' then return 0 end
local now = redis.call('TIME')[1]
-- Whatever an earlier round left behind (a frontier nobody closed) is not this round's.
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HSET', KEYS[1], 'run_id', ARGV[2], 'phase', 'lists', 'site', ARGV[3], 'lost', 0)
redis.call('HSET', KEYS[2], ARGV[1], 'busy')
redis.call('HSET', KEYS[3], ARGV[1], now)
redis.call('SADD', KEYS[7], ARGV[4])
return 1
"""

_JOIN = _LIVE + """
-- KEYS: round, workers, beats; ARGV: worker, run_id, timeout
if redis.call('HGET', KEYS[1], 'run_id') ~= ARGV[2] then return 0 end
local now = tonumber(redis.call('TIME')[1])
local phase = redis.call('HGET', KEYS[1], 'phase')
if phase == 'finishing' then
  -- The worker finishing the round went silent: finish it in its place.
  if live_workers(KEYS[2], KEYS[3], now, tonumber(ARGV[3]), '') > 0 then return 0 end
  redis.call('HSET', KEYS[1], 'phase', 'rechecks')
elseif phase ~= 'lists' and phase ~= 'rechecks' then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], 'idle')
redis.call('HSET', KEYS[3], ARGV[1], now)
return 1
"""

_BEAT = """
-- KEYS: round, beats; ARGV: worker, run_id
if redis.call('HGET', KEYS[1], 'run_id') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], redis.call('TIME')[1])
return 1
"""

_POP = """
-- KEYS: requests, round, workers; ARGV: run_id, worker
if redis.call('HGET', KEYS[2], 'run_id') ~= ARGV[1] then return false end
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return false end
redis.call('HSET', KEYS[3], ARGV[2], 'busy')
return item[1]
"""

_IDLE = """
-- KEYS: round, workers, beats, snapshots, requests; ARGV: run_id, worker, snapshot, timeout
if redis.call('HGET', KEYS[1], 'run_id') ~= ARGV[1] then return 'leave' end
local now = tonumber(redis.call('TIME')[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], now)
redis.call('HSET', KEYS[2], ARGV[2], 'idle')
local phase = redis.call('HGET', KEYS[1], 'phase')
if phase ~= 'lists' and phase ~= 'rechecks' then return 'leave' end
if redis.call('ZCARD', KEYS[5]) > 0 then return 'wait' end
local states = redis.call('HGETALL', KEYS[2])
for i = 1, #states, 2 do
  if states[i + 1] == 'busy' then
    local beat = tonumber(redis.call('HGET', KEYS[3], states[i]) or '0')
    if now - beat <= tonumber(ARGV[4]) then return 'wait' end
    redis.call('HSET', KEYS[2], states[i], 'lost')
    redis.call('HINCRBY', KEYS[1], 'lost', 1)
  end
end
if phase == 'lists' then
  redis.call('HSET', KEYS[1], 'phase', 'rechecks')
  -- Busy until its rechecks are queued, so that nobody finishes the round in between.
  redis.call('HSET', KEYS[2], ARGV[2], 'busy')
  return 'recheck'
end
redis.call('HSET', KEYS[1], 'phase', 'finishing')
return 'finish'
"""

_LEAVE = _LIVE + """
-- KEYS: round, workers, beats, snapshots; ARGV: run_id, worker, snapshot, timeout, clean
if redis.call('HGET', KEYS[1], 'run_id') ~= ARGV[1] then return 'leave' end
local now = tonumber(redis.call('TIME')[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
if ARGV[5] == '1' and redis.call('HGET', KEYS[2], ARGV[2]) ~= 'busy' then
  redis.call('HDEL', KEYS[2], ARGV[2])
else
  -- Stopped in the middle of work: the requests it had taken are lost with it.
  redis.call('HSET', KEYS[2], ARGV[2], 'left')
  redis.call('HINCRBY', KEYS[1], 'lost', 1)
end
if live_workers(KEYS[2], KEYS[3], now, tonumber(ARGV[4]), ARGV[2]) > 0 then return 'leave' end
if redis.call('HGET', KEYS[1], 'phase') == 'finishing' then return 'leave' end
-- The last one out closes the round, whatever is left in the queue.
redis.call('HSET', KEYS[1], 'phase', 'finishing')
return 'finish'
"""

_CLOSE = """
-- KEYS: round, workers, beats, snapshots, requests, dupefilter, rounds; ARGV: run_id, site id
if redis.call('HGET', KEYS[1], 'run_id') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('SREM', KEYS[7], ARGV[2])
return 1
"""


@dataclass(frozen=True)
class RoundInfo:
    run_id: int | None
    phase: str
    site_digest: str
    started: float
    lost: int
    live_workers: int
    now: float


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Round:
    """One site's round as seen by one worker. ``redis`` must return bytes (the frontier holds
    pickles), as scrapy-redis's connections do."""

    def __init__(self, redis: Redis, prefix: str, site_id: str, worker: str, *,
                 timeout: float = WORKER_TIMEOUT) -> None:
        self.redis = redis
        self.prefix = prefix
        self.site_id = site_id
        self.worker = worker
        self.timeout = timeout
        self.run_id: int | None = None
        self._scripts: dict[str, Any] = {}
        base = f"{prefix}:{site_id}"
        self.key_round, self.key_workers = f"{base}:round", f"{base}:workers"
        self.key_beats, self.key_snapshots = f"{base}:beats", f"{base}:snapshots"
        self.key_requests, self.key_dupefilter = f"{base}:requests", f"{base}:dupefilter"
        self.key_rounds = rounds_key(prefix)

    def _run(self, script: str, keys: list[str], args: list[Any]) -> Any:
        # A registered script runs by its SHA (EVALSHA) and is sent again if the server lost it.
        if script not in self._scripts:
            self._scripts[script] = self.redis.register_script(script)
        return self._scripts[script](keys=keys, args=args)

    @property
    def _all_keys(self) -> list[str]:
        return [self.key_round, self.key_workers, self.key_beats, self.key_snapshots,
                self.key_requests, self.key_dupefilter]

    # ------------------------------------------------------------------- starting, joining

    def inspect(self) -> RoundInfo | None:
        found = self._run(_INSPECT, [self.key_round, self.key_workers, self.key_beats],
                          [self.timeout])
        if not found:
            return None
        run_id, phase, digest, started, lost, live, now = (_text(v) for v in found)
        return RoundInfo(int(run_id) if run_id else None, phase, digest, float(started),
                         int(lost), int(live), float(now))

    def begin(self, database: Database, site: SiteConfig, *, start: bool = True,
              wait: float = 30.0) -> str | None:
        """Join the round of ``site`` under way, or (``start``) start one, creating its run;
        returns ``"join"``, ``"start"``, or ``None`` when there is no round to join. A round
        nobody works on any more is joined and resumed."""
        digest = site_digest(site)
        deadline = time.monotonic() + wait
        while True:
            info = self.inspect()
            if info is None or (info.phase == "starting"
                                and info.now - info.started > STARTING_TIMEOUT):
                if not start:
                    return None
                if self._run(_CLAIM, [self.key_round], [self.worker, STARTING_TIMEOUT]):
                    return self._open(database, site, digest)
            elif info.phase != "starting" and info.run_id is not None:
                if info.site_digest != digest:
                    raise DistributedError(
                        f"{site.id}: the round under way crawls a different definition of the "
                        "site; give every worker the same configuration")
                with database.session() as session:
                    run = Repository(session).get_run(info.run_id)
                if run is None or run.status != "running":
                    # Closed in the database but not in Redis: its finisher stopped in between.
                    self.close(info.run_id)
                    continue
                if self.join(info.run_id):
                    log.info("%s: joined the round of run %d (%d other live worker(s))",
                             site.id, info.run_id, info.live_workers)
                    return "join"
                if not start:
                    return None  # it is being finished: nothing left to help with
            if time.monotonic() > deadline:
                raise DistributedError(f"{site.id}: the round under way could neither be joined "
                                       f"nor did it end within {wait:.0f} s")
            time.sleep(0.2)

    def _open(self, database: Database, site: SiteConfig, digest: str) -> str:
        try:
            run = start_run(database, site, worker=self.worker)
        except BaseException:
            self.redis.delete(self.key_round)
            raise
        if not self._run(_OPEN, [*self._all_keys, self.key_rounds],
                         [self.worker, run.id, digest, self.site_id]):
            raise DistributedError(f"{site.id}: lost the claim on the round while starting it")
        self.run_id = run.id
        log.info("%s: started a round (run %d)", site.id, run.id)
        return "start"

    def join(self, run_id: int) -> bool:
        if not self._run(_JOIN, [self.key_round, self.key_workers, self.key_beats],
                         [self.worker, run_id, self.timeout]):
            return False
        self.run_id = run_id
        return True

    # --------------------------------------------------------------------------- working

    def beat(self) -> bool:
        return bool(self._run(_BEAT, [self.key_round, self.key_beats],
                              [self.worker, self.run_id]))

    def pop(self) -> bytes | None:
        """The next request of the frontier (pickled), marking this worker busy."""
        found = self._run(_POP, [self.key_requests, self.key_round, self.key_workers],
                          [self.run_id, self.worker])
        return bytes(found) if found else None

    def idle(self, snapshot: dict[str, Any]) -> Action:
        return Action(_text(self._run(
            _IDLE, [self.key_round, self.key_workers, self.key_beats, self.key_snapshots,
                    self.key_requests],
            [self.run_id, self.worker, json.dumps(snapshot), self.timeout])))

    def leave(self, snapshot: dict[str, Any], *, clean: bool) -> Action:
        """This worker stops (``clean``: with nothing in hand). The last live worker out gets
        ``FINISH``."""
        return Action(_text(self._run(
            _LEAVE, [self.key_round, self.key_workers, self.key_beats, self.key_snapshots],
            [self.run_id, self.worker, json.dumps(snapshot), self.timeout, int(clean)])))

    def snapshots(self) -> dict[str, dict[str, Any]]:
        raw = self.redis.hgetall(self.key_snapshots)
        return {_text(k): json.loads(v) for k, v in raw.items()}

    def lost(self) -> int:
        return int(self.redis.hget(self.key_round, "lost") or 0)

    def close(self, run_id: int | None = None) -> bool:
        """Forget the round (its frontier included): after its run is finished."""
        return bool(self._run(_CLOSE, [*self._all_keys, self.key_rounds],
                              [run_id or self.run_id, self.site_id]))


def rounds_key(prefix: str) -> str:
    return f"{prefix}:rounds"


def rounds_under_way(redis: Redis, prefix: str) -> set[str]:
    return {_text(m) for m in redis.smembers(rounds_key(prefix))}
