"""Commands about the setup: ``sites`` (and ``--check``), ``db`` (migrations) and ``demo``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import (
    EXIT_SITES_FAILED,
    Globals,
    friendly,
    main,
)
from monitor.config import SiteConfig


@main.command()
@click.argument("site_ids", nargs=-1, metavar="[SITE]...")
@click.option("--check", is_flag=True,
              help="fetch each start URL once and show what discovery finds there (document "
                   "links, pagination, or why there are none)")
@click.pass_obj
@friendly
def sites(g: Globals, site_ids: tuple[str, ...], check: bool) -> None:
    """List configured sites and validate the configuration.

    With --check, also fetch each site's list pages (one request each, and robots.txt): exit
    status 3 when a column shows no document links.
    """
    config = g.config
    chosen = [config.site(i) for i in site_ids] if site_ids else config.sites
    click.echo(f"configuration: {', '.join(config.sources)}")
    stats: dict[str, Any] = {}
    if not g.db_url.startswith("sqlite:///") or Path(g.db_url.removeprefix("sqlite:///")).exists():
        from monitor.store.repository import Repository

        with g.database().session() as session:
            repo = Repository(session)
            for site in chosen:
                last = repo.runs(site.id, limit=1)
                stats[site.id] = (repo.count_documents(site.id), last[0] if last else None)
    failed = False
    for site in chosen:
        flags = [] if site.enabled else ["disabled"]
        if site.verified is False:
            flags.append("not checked live")
        click.echo(f"{site.id}  {site.display_name}  [{site.schedule} {site.timezone}]"
                   + (f"  ({', '.join(flags)})" if flags else ""))
        overrides = {name: getattr(site, name) for name in _OVERRIDES
                     if getattr(site, name) is not None}
        if overrides:
            click.echo("    overrides: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items()))
        if not check:
            for url in site.start_urls:
                click.echo(f"    {url}")
        else:
            failed = not _check_site(site, config.user_agent) or failed
        if site.id in stats:
            count, last = stats[site.id]
            when = f"last run {last.status} at {last.started_at:%Y-%m-%d %H:%M} UTC" if last \
                else "never crawled"
            click.echo(f"    {count} documents, {when}")
            if last and last.message:
                click.echo(f"    {last.message}")
    click.echo(f"{len(config.sites)} sites, {len(config.subscriptions)} subscriptions: "
               "configuration OK")
    if failed:
        sys.exit(EXIT_SITES_FAILED)


_OVERRIDES = ("link_pattern", "list_selector", "next_page_selector", "metadata_selector",
              "body_selector", "encoding", "download_delay")


def _check_site(site: SiteConfig, user_agent: str | None) -> bool:
    from crawler import settings as crawl_settings
    from crawler.check import check_site

    good = True
    for column in check_site(site, user_agent or crawl_settings.USER_AGENT):
        head = f"    {column.url}: " + (f"redirected to {column.fetched_url}: "
                                          if column.fetched_url else "")
        if column.outcome != "ok":
            click.echo(head + f"{column.outcome}" + (f" — {column.reason}" if column.reason
                                                      else ""))
            good = False
            continue
        nxt = column.next[0] if column.next else None
        following = "last page" if nxt is None else (
            f"next {nxt.method} {nxt.url}" + (" (Hanweb data proxy)" if nxt.jpage else ""))
        click.echo(head + f"HTTP {column.status}, {column.family}, {len(column.links)} document "
                          f"links, {following}")
        for link in column.links[:5]:
            click.echo(f"      {link.date or '          '}  {link.title or ''}  {link.url}")
        if len(column.links) > 5:
            click.echo(f"      … and {len(column.links) - 5} more")
        if column.offsite:
            click.echo(f"      {len(column.offsite)} document links outside allowed_domains, "
                       f"e.g. {column.offsite[0]}")
        if not column.links:
            good = False
            why = ("the portal renders its list with JavaScript" if column.scripted else
                   "the page says the column is empty" if column.says_empty else
                   "configure link_pattern / list_selector for this markup")
            click.echo(f"      no document links: {why}")
    return good


@main.command()
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("demo-output"), show_default=True,
              help="where the demo keeps its database, configuration and outbox")
@friendly
def demo(workdir: Path) -> None:
    """Offline showcase: serve the sample portal, crawl, change it, crawl again, show the digest."""
    from monitor.demo.run import run_demo

    sys.exit(run_demo(workdir))


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.pass_obj
@friendly
def db_upgrade(g: Globals) -> None:
    """Migrate the database to the newest schema."""
    from monitor.store.db import make_engine, schema_revision, upgrade

    engine = make_engine(g.db_url)
    before, head = schema_revision(engine)
    upgrade(engine)
    click.echo(f"{engine.url.render_as_string()}: {before or 'empty'} → {head}")


@db.command("current")
@click.pass_obj
@friendly
def db_current(g: Globals) -> None:
    """Show the database's schema revision."""
    from monitor.store.db import make_engine, schema_revision

    current, head = schema_revision(make_engine(g.db_url))
    state = "up to date" if current == head else f"needs `govwatch db upgrade` to {head}"
    click.echo(f"{current or 'empty'} ({state})")
