"""Stands in for ``python -m monitor …`` as the scheduler's children, so that the scheduler's own
behaviour (triggers, overlaps, time limits, restarts) is tested in seconds without Scrapy.

Written out with a ``#!`` line naming the test's interpreter and passed as
``ScheduleOptions.python``. It appends one JSON line per call to ``$FAKE_CALLS``, then behaves as
the environment says: ``FAKE_SLEEP`` seconds, ``FAKE_EXIT`` status, ``FAKE_IGNORE_TERM`` (a
child that must be killed), ``FAKE_START_RUN`` (opens a run record and never closes it, as a
crawl killed mid-way does).
"""

import json
import os
import signal
import sys
import time

args = sys.argv[1:]  # -m monitor --config C --db D [--verbose] COMMAND ...
with open(os.environ["FAKE_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(json.dumps({"pid": os.getpid(), "args": args, "at": time.time(),
                            "db": os.environ.get("GOVWATCH_DB")}) + "\n")
if os.environ.get("FAKE_IGNORE_TERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.environ.get("FAKE_START_RUN") and "crawl" in args:
    from monitor.config import load_config
    from monitor.runs import start_run
    from monitor.store.db import open_database

    config = load_config(args[args.index("--config") + 1])
    database = open_database(os.environ["GOVWATCH_DB"])
    start_run(database, config.site(args[-1]), worker=f"fake:{os.getpid()}")
    database.dispose()
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
