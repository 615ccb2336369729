"""Commands that read the archive: ``serve``, ``export``, ``extract``, ``reextract``,
``outlets``."""

from __future__ import annotations

import json
import sys

import click

from monitor.cli.app import (
    Globals,
    friendly,
    main,
)


def _help_settings(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from monitor.web.server import settings_help

    click.echo("Settings (govwatch serve --setting NAME VALUE):\n" + settings_help())
    ctx.exit()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; beyond loopback an access token is required "
                   "(config web.token_env, default $GOVWATCH_WEB_TOKEN)")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--setting", "overrides", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="change a setting (see --help-settings)")
@click.option("--help-settings", is_flag=True, expose_value=False, is_eager=True,
              callback=_help_settings, help="list the settings and exit")
@click.pass_obj
@friendly
def serve(g: Globals, host: str, port: int, overrides: tuple[tuple[str, str], ...]) -> None:
    """Archive browser (binds 127.0.0.1 unless told otherwise)."""
    from monitor.web.server import serve as run_server

    run_server(g.config_path, g.db_url, host=host, port=port, overrides=overrides)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--versions", is_flag=True, help="list every version of each document")
@click.option("--events", is_flag=True, help="append the events (JSON lines only)")
@click.option("--site", "site_id", help="only this site")
@click.pass_obj
@friendly
def export(g: Globals, fmt: str, versions: bool, events: bool, site_id: str | None) -> None:
    """Dump the archive to stdout."""
    from monitor.export import iter_export, write_csv, write_jsonl

    if events and fmt == "csv":
        raise click.UsageError("--events needs --format jsonl (events have no CSV form)")
    rows = iter_export(g.database(), versions=versions, events=events, site_id=site_id)
    out = sys.stdout
    if fmt == "csv":
        write_csv(rows, out)
    else:
        write_jsonl(rows, out)


@main.command()
@click.argument("source")
@click.option("--url", help="the page's address, for relative links and dates in the URL")
@click.option("--encoding", help="force a character set (e.g. gb18030)")
@friendly
def extract(source: str, url: str | None, encoding: str | None) -> None:
    """Extract one saved or live page and print the result as JSON.

    The JSON holds the export's document fields. What could not be found (no body, no
    metadata) and why some text may look wrong is said on stderr; the exit status is 3 when
    the page has no body text (a file — a PDF, a Word file — is kept whole: status 0)."""
    from monitor.extract_cmd import extract_source, notes

    result = extract_source(source, url=url, encoding=encoding)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    for note in notes(result):
        click.echo(f"govwatch: {note}", err=True)
    sys.exit(0 if result.has_body or result.is_file else 3)


@main.command()
@click.option("--site", "site_id", help="only this site")
@click.pass_obj
@friendly
def reextract(g: Globals, site_id: str | None) -> None:
    """Re-run extraction over stored page bytes after an extractor upgrade (no events)."""
    from monitor.reextract import reextract_all

    report = reextract_all(g.database(), g.config, site_id=site_id)
    click.echo(f"{report.checked} documents checked, {report.updated} re-extracted, "
               f"{report.unchanged} unchanged, {report.missing_raw} without stored bytes")


@main.command()
@click.option("--index", "index", is_flag=True,
              help="index every document not yet indexed (an archive from an older version)")
@click.argument("document_id", type=int, required=False)
@click.pass_obj
@friendly
def outlets(g: Globals, index: bool, document_id: int | None) -> None:
    """The same text published by other outlets: index the archive, or show a document's links."""
    from monitor.outlets import index_all, linked_documents

    database = g.database()
    if index:
        click.echo(f"{index_all(database)} documents indexed")
    if document_id is not None:
        links = linked_documents(database, document_id)
        if not links:
            click.echo(f"document {document_id}: no other outlet carries its text")
        for link in links:
            click.echo(f"{link.similarity:.1%} similar, {link.shared_chars} characters shared: "
                       f"{link.site_id} {link.title or ''} {link.url}")
    elif not index:
        raise click.UsageError("give a DOCUMENT_ID to show its links, or --index")
