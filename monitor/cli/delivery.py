"""``govwatch digest``: preview, send or write the digests."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.app import (
    EXIT_DELIVERY_FAILED,
    EXIT_OK,
    Globals,
    friendly,
    main,
)


@main.command()
@click.option("--send", is_flag=True, help="mail the digests (SMTP settings in the config)")
@click.option("--outbox", "outbox_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write the digests as .eml files into this folder instead of mailing them")
@click.option("--force", is_flag=True, help="ignore cadences: compose for every subscriber now")
@click.option("--subscription", "subscriptions", multiple=True, help="only this subscription")
@click.option("--resend-uncertain", is_flag=True,
              help="send again messages whose delivery is unknown after a crash")
@click.pass_obj
@friendly
def digest(g: Globals, send: bool, outbox_dir: Path | None, force: bool,
           subscriptions: tuple[str, ...], resend_uncertain: bool) -> None:
    """Render pending events per subscription; --send mails them, --outbox writes .eml files.

    Without --send or --outbox, the digests are printed and nothing is recorded.
    """
    sys.exit(deliver_digests(g, send=send, outbox_dir=outbox_dir, force=force,
                     subscriptions=subscriptions, resend_uncertain=resend_uncertain))


def deliver_digests(g: Globals, *, send: bool, outbox_dir: Path | None, force: bool = False,
            subscriptions: tuple[str, ...] = (), resend_uncertain: bool = False) -> int:
    from monitor import outbox
    from monitor.digest import render_digest

    config = g.config
    known = {s.id for s in config.subscriptions}
    unknown = [s for s in subscriptions if s not in known]
    if unknown:
        raise click.UsageError(f"no subscription {', '.join(map(repr, unknown))} (known: "
                               f"{', '.join(sorted(known)) or 'none configured'})")
    database = g.database()
    if not send and outbox_dir is None:
        digests = outbox.preview(database, config, subscription_ids=subscriptions)
        if not digests:
            click.echo("Nothing to report.")
        for d in digests:
            subject, text, _ = render_digest(d, config)
            click.echo(f"To: {d.subscription.email or d.channel}")
            click.echo(f"Subject: {subject}\n")
            click.echo(text)
        return EXIT_OK
    composed = outbox.compose(database, config, force=force, subscription_ids=subscriptions)
    for item in composed:
        click.echo(f"composed: {item.message.subject} → {item.digest.subscription.id} "
                   f"({item.message.channel})")
    if outbox_dir is not None:
        report = outbox.write_pending(database, outbox_dir)
        for path in report.written:
            click.echo(f"wrote {path}")
    else:
        report = outbox.send_pending(database, config, resend_uncertain=resend_uncertain)
        click.echo(f"sent {len(report.sent)}, retrying {len(report.retrying)}, "
                   f"failed {len(report.failed)}, uncertain {len(report.uncertain)}")
        if report.uncertain:
            click.echo("govwatch: some digests may or may not have reached the server (outbox "
                       f"ids {report.uncertain}): the connection or the process ended between "
                       "the message and the server's answer. Check the recipient's mailbox; "
                       "run `govwatch digest --send --resend-uncertain` if they did not arrive",
                       err=True)
    if not composed and not report.sent:
        click.echo("Nothing to report.")
    return EXIT_DELIVERY_FAILED if report.failed or report.retrying else EXIT_OK
