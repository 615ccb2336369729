"""Building digest messages (``email``) and handing them to SMTP (``smtplib``).

``SmtpTransport.send`` marks the point of no return: everything up to the end of the message body
can fail without the server keeping anything (a server discards a DATA transfer that never sees
its final "."), so only the moment between sending that "." and reading the reply is uncertain.
The caller is told just before it (``before_commit``) so the outbox can record it; a crash inside
that window leaves the message marked *uncertain* instead of resending it blindly.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from monitor.config import SmtpConfig

log = logging.getLogger(__name__)


def build_message(*, sender: str, recipient: str, subject: str, text: str, html: str,
                  message_id: str, date: object) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(date)  # type: ignore[arg-type]
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailer"] = "govwatch"
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg.as_bytes()


def new_message_id(key: str) -> str:
    # Stable per outbox entry: a message resent by hand keeps its Message-ID, and mail clients
    # collapse the duplicate.
    return make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "-", key)[:60], domain="govwatch")


class SmtpFailure(Exception):
    """Sending failed. ``permanent`` for 5xx answers, ``delivered_unknown`` when the failure came
    after the point of no return."""

    def __init__(self, message: str, *, permanent: bool = False,
                 delivered_unknown: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.delivered_unknown = delivered_unknown


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


@dataclass
class SmtpTransport:
    config: SmtpConfig

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        smtp.ehlo()
        if cfg.starttls and not cfg.ssl:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if cfg.username:
            password = cfg.password
            if password is None:
                smtp.close()
                raise SmtpFailure(f"SMTP login for {cfg.username} needs the password in "
                                  f"${cfg.password_env}", permanent=True)
            smtp.login(cfg.username, password)
        return smtp

    def send(self, sender: str, recipient: str, data: bytes,
             before_commit: Callable[[], None]) -> str:
        """Send one message; returns the server's reply. Raises ``SmtpFailure``."""
        committed = False
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpFailure(f"can't connect to {self.config.host}:{self.config.port}: "
                              f"{exc}") from exc
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise SmtpFailure(f"MAIL FROM refused: {code} {reply!r}", permanent=code >= 500)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise SmtpFailure(f"RCPT TO {recipient} refused: {code} {reply!r}",
                                  permanent=code >= 500)
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                raise SmtpFailure(f"DATA refused: {code} {reply!r}", permanent=code >= 500)
            smtp.send(_dot_stuff(data))
            before_commit()
            committed = True
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                # The server answered: it did not take the message.
                raise SmtpFailure(f"message refused: {code} {reply!r}", permanent=code >= 500)
            return reply.decode("utf-8", "replace")
        except SmtpFailure:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpFailure(f"SMTP conversation failed: {exc}",
                              delivered_unknown=committed) from exc
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
