"""``govwatch demo``: the whole loop on a machine with no network, in well under a minute.

Serves the bundled sample portal (built from the seed documents) on 127.0.0.1, crawls it, applies
a revision (a new document, an edited plan target, a status change to 失效, and noise that must
not count: view counters, a clock, a reordered list, a traditional↔simplified re-serve), crawls
again, and prints the digest it would mail, also written as .eml into an outbox folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import yaml

from monitor.demo.sample import build_portal, demo_sites
from monitor.demo.server import PortalServer
from monitor.exceptions import GovwatchError

SAMPLES = Path(__file__).resolve().parents[2] / "seeds" / "samples"


def _config(base_url: str, outbox: Path) -> dict[str, object]:
    return {
        "sites": demo_sites(base_url),
        "subscriptions": [{
            "id": "demo",
            "email": "analyst@example.com",
            "cadence": "immediate",
            "events": ["new", "changed", "status", "removed", "restored"],
        }],
        "smtp": {"host": "127.0.0.1", "port": 2525, "sender": "govwatch@localhost"},
        "web": {"base_url": "http://127.0.0.1:8000"},
    }


def _govwatch(config: Path, db_url: str, *args: str) -> int:
    # Each crawl in its own process: Twisted's reactor runs once per process.
    command = [sys.executable, "-m", "monitor", "--config", str(config), "--db", db_url, *args]
    return subprocess.call(command)


def _command() -> str:
    """How the user runs govwatch from here: ``govwatch`` when that is on the PATH (an activated
    virtual environment), else the script beside this interpreter (``.venv/bin/govwatch`` after
    ``make demo``)."""
    script = Path(sys.executable).with_name("govwatch")
    found = shutil.which("govwatch")
    if found and Path(found).resolve() == script.resolve():
        return "govwatch"
    if not script.exists():
        return "govwatch"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def run_demo(workdir: Path) -> int:
    if not SAMPLES.is_dir():
        raise GovwatchError(f"the sample documents are missing ({SAMPLES}); run the demo from "
                            "a checkout of the repository")
    started = time.monotonic()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    config_path = workdir / "demo.yaml"
    db_path = workdir / "govwatch.db"
    db_url = f"sqlite:///{db_path}"
    outbox = workdir / "outbox"

    with PortalServer(build_portal(SAMPLES, revision=0)) as portal:
        config_path.write_text(
            "# Written by `govwatch demo`: the sample portal on this machine.\n"
            + yaml.safe_dump(_config(portal.base_url, outbox), allow_unicode=True,
                             sort_keys=False), encoding="utf-8")
        click.secho(f"1/4 sample portal serving on {portal.base_url}; first crawl "
                    "(the baseline)…", bold=True)
        if _govwatch(config_path, db_url, "crawl") not in (0, 3):
            raise GovwatchError("the first crawl failed; see the messages above")
        click.secho("\n2/4 the portal publishes a revision: one new document, one edited plan, "
                    "one status change to 失效, and noise (view counters, a clock, a reordered "
                    "list, a script switch)…", bold=True)
        portal.set_pages(build_portal(SAMPLES, revision=1))
        click.secho("3/4 second crawl…", bold=True)
        if _govwatch(config_path, db_url, "crawl") not in (0, 3):
            raise GovwatchError("the second crawl failed; see the messages above")
    click.secho("\n4/4 the digest govwatch would mail:\n", bold=True)
    _govwatch(config_path, db_url, "digest")
    _govwatch(config_path, db_url, "digest", "--outbox", str(outbox))
    elapsed = time.monotonic() - started
    click.secho(f"\nDone in {elapsed:.0f} s. Everything is in {workdir}/.", bold=True)
    click.echo("Next:")
    command = _command()
    prefix = f"{command} --config {config_path} --db {db_url}"
    steps = [(f"{prefix} serve", "browse the archive at http://127.0.0.1:8000"),
             (f"{prefix} export --events", "the archive as JSON lines"),
             (f"ls {outbox}/", "the digest as mailed (.eml)"),
             (f"{command} sites --check", "the real portals in seeds/sites.yaml")]
    width = max(len(command) for command, _ in steps)
    for command, what in steps:
        click.echo(f"  {command.ljust(width)}  # {what}")
    return 0
