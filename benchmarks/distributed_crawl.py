"""Distributed crawling: one site crawled by one process, and by a round of 1, 2 and 4 workers
sharing a Redis frontier, against a loopback portal whose every answer takes a while (a small
government server). Needs PostgreSQL and Redis on 127.0.0.1 (GOVWATCH_BENCH_PG,
GOVWATCH_BENCH_REDIS); skipped without them.

    python -m benchmarks distributed_crawl [NOTICES] [DELAY]

"Round" is the run's own duration (first request to closed run); "wall" adds the processes'
start-up (several seconds of imports each).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

from monitor.store.db import open_database
from monitor.store.repository import Repository
from tests.distributed.portal import SlowPortal, build

PG = os.environ.get("GOVWATCH_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("GOVWATCH_BENCH_REDIS", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parent.parent


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _scenario(name: str, workers: int, count: int, delay: float, folder: Path) -> None:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = f"{PG}?options=-csearch_path%3D{schema}"
    prefix = f"govwatch-bench-{uuid.uuid4().hex[:8]}"
    try:
        with SlowPortal(build(count), delay) as portal:
            config = folder / f"{name}.yaml"
            config.write_text(yaml.safe_dump({"sites": [{
                "id": "big", "start_urls": [portal.url("/list_1.html")], "max_list_pages": 100,
                "download_delay": 0, "obey_robots": False}]}), encoding="utf-8")
            base = [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url]
            env = {**os.environ, "GOVWATCH_REDIS": REDIS, "GOVWATCH_REDIS_PREFIX": prefix}
            open_database(db_url).dispose()  # migrated before the clock starts
            started = time.perf_counter()
            if workers == 0:
                commands = [[*base, "crawl", "big"]]
            else:
                commands = [[*base, "crawl", "--distributed", "big"]] + [
                    [*base, "worker", "--wait", "60"] for _ in range(workers - 1)]
            processes = [subprocess.Popen(c, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL) for c in commands]
            for process in processes:
                process.wait(timeout=900)
            wall = time.perf_counter() - started
            database = open_database(db_url)
            with database.session() as session:
                run = Repository(session).runs("big", limit=1)[0]
                documents = Repository(session).count_documents("big")
            database.dispose()
        assert run.finished_at is not None
        round_time = (run.finished_at - run.started_at).total_seconds()
        pages = sum(run.stats.get("fetches", {}).values())
        shares = run.stats.get("workers", {})
        print(f"{name:<28} {run.status:<8} {documents:>5} docs  {pages:>5} pages  "
              f"round {round_time:6.1f} s ({pages / round_time:5.1f} pages/s)  "
              f"wall {wall:6.1f} s"
              + (f"  pages per worker: {sorted(s['pages'] for s in shares.values())}"
                 if shares else ""), flush=True)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    if not (_up(5432) and _up(6379)):
        print("skipped: needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
        return
    args = [a for a in sys.argv[1:] if a.replace(".", "", 1).isdigit()]
    count = int(args[0]) if args else 150
    delay = float(args[1]) if len(args) > 1 else 0.1
    print(f"{count} notices, {delay * 1000:.0f} ms per answer; one request at a time per "
          "worker in a round, two in a single-process crawl")
    with tempfile.TemporaryDirectory() as folder:
        _scenario("single process (crawl)", 0, count, delay, Path(folder))
        for workers in (1, 2, 4):
            _scenario(f"round of {workers} worker(s)", workers, count, delay, Path(folder))


if __name__ == "__main__":
    main()
