"""Building digest messages (``email``) and handing them to SMTP (``smtplib``).

``SmtpTransport.send`` marks the point of no return: everything up to the end of the message body
can fail without the server keeping anything (a server discards a DATA transfer that never sees
its final "."), so only the moment between sending that "." and reading the reply is uncertain.
The caller is asked just before it (``before_commit``): it records the message as *uncertain*
and may refuse (another sender took the message over), in which case the connection is dropped
without the "." and the server keeps nothing.

The SMTP password is read from the environment variable the configuration names, handed to
``smtplib.login`` and nowhere else: it is never logged and never part of an error message.
"""

from __future__ import annotations

import logging
import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from types import TracebackType

from monitor.config import SmtpConfig

log = logging.getLogger(__name__)


def build_message(*, sender: str, recipient: str, subject: str, text: str, html: str,
                  message_id: str, date: datetime, preheader: str | None = None) -> bytes:
    """A multipart/alternative message: the plain-text twin first, the HTML part last (mail
    clients show the last part they can display)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(date)
    # Tell auto-responders and list software this is machine mail (RFC 3834).
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Mailer"] = "govwatch"
    if preheader:
        msg["X-Govwatch-Summary"] = preheader
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg.as_bytes()


def new_message_id(key: str) -> str:
    # Stable per outbox entry: a message resent by hand keeps its Message-ID, and mail clients
    # collapse the duplicate.
    return make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "-", key)[:60], domain="govwatch")


class SmtpFailure(Exception):
    """Sending failed. ``permanent`` for 5xx answers about this message, ``delivered_unknown``
    when the failure came after the point of no return, ``connection`` when the server could not
    be reached or refused the login (every other message would fail the same way), ``aborted``
    when ``before_commit`` refused and the message was withdrawn before the point of no return."""

    def __init__(self, message: str, *, permanent: bool = False,
                 delivered_unknown: bool = False, connection: bool = False,
                 aborted: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.delivered_unknown = delivered_unknown
        self.connection = connection
        self.aborted = aborted


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _peer_spoke_or_left(smtp: smtplib.SMTP) -> bool:
    """Whether the server closed the connection (or said something) while we sent the body: a
    server says nothing during DATA, so either way it will not take the message, and not sending
    the final "." keeps it that way instead of entering the uncertain window."""
    sock = smtp.sock
    if sock is None:
        return True
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _reply(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return text.replace("\n", " ")[:300]


class SmtpTransport:
    """One SMTP connection, opened on first use and reused for the messages of one run (a
    ``RSET`` between them); after any error it is dropped and the next message reconnects."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _scrub(self, text: str) -> str:
        # Defence in depth: no server or library message may carry the password onwards.
        password = self.config.password
        return text.replace(password, "***") if password else text

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        where = f"{cfg.host}:{cfg.port}"
        try:
            if cfg.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpFailure(f"can't connect to {where}: {self._scrub(str(exc))}",
                              connection=True) from None
        if smtp.sock is not None:
            # The message body and its final "." are two writes followed by a read: with Nagle's
            # algorithm and delayed ACKs that stalls every message by tens of milliseconds.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            smtp.ehlo()
            if cfg.starttls and not cfg.ssl:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if cfg.username:
                password = cfg.password
                if password is None:
                    raise SmtpFailure(f"SMTP login as {cfg.username} needs the password in "
                                      f"${cfg.password_env}, which is not set", connection=True)
                try:
                    smtp.login(cfg.username, password)
                except UnicodeEncodeError:
                    raise SmtpFailure(f"the password in ${cfg.password_env} has non-ASCII "
                                      "characters, which SMTP AUTH (smtplib) cannot send",
                                      connection=True) from None
                except smtplib.SMTPAuthenticationError as exc:
                    raise SmtpFailure(f"{where} refused the login as {cfg.username} "
                                      f"({exc.smtp_code} {self._scrub(_reply(exc.smtp_error))})",
                                      connection=True) from None
        except SmtpFailure:
            smtp.close()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            # ``from None``: the chained smtplib exception could quote the AUTH exchange.
            raise SmtpFailure(f"{where}: {self._scrub(str(exc))}", connection=True) from None
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _drop(self) -> None:
        """Close the socket without a word: mid-DATA, a QUIT would be read as message text."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def send(self, sender: str, recipient: str, data: bytes,
             before_commit: Callable[[], bool]) -> str:
        """Send one message; returns the server's reply. Raises ``SmtpFailure``.

        ``before_commit`` runs after the whole message body was transmitted and before the final
        "."; if it returns False the message is withdrawn (the server discards it)."""
        if self._smtp is None:
            self._smtp = self._connect()
        else:
            try:
                self._smtp.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()
                self._smtp = self._connect()
        smtp = self._smtp
        committed = False
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise SmtpFailure(f"MAIL FROM refused: {code} {_reply(reply)}",
                                  permanent=code >= 500)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise SmtpFailure(f"RCPT TO {recipient} refused: {code} {_reply(reply)}",
                                  permanent=code >= 500)
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                raise SmtpFailure(f"DATA refused: {code} {_reply(reply)}", permanent=code >= 500)
            smtp.send(_dot_stuff(data))
            try:
                go_on = before_commit()
            except BaseException:
                self._drop()  # e.g. the database is gone: leave the server nothing to keep
                raise
            if not go_on:
                self._drop()
                raise SmtpFailure("withdrawn before the point of no return", aborted=True)
            if _peer_spoke_or_left(smtp):
                self._drop()
                raise SmtpFailure("the server closed the connection during the message; "
                                  "it was not committed")
            committed = True
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                # The server answered: it did not take the message.
                raise SmtpFailure(f"message refused: {code} {_reply(reply)}",
                                  permanent=code >= 500)
            return _reply(reply)
        except SmtpFailure as exc:
            if not exc.aborted:
                # After a refusal the conversation is in an unknown state: start afresh.
                self._drop()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise SmtpFailure(f"SMTP conversation failed: {self._scrub(str(exc)) or type(exc)}",
                              delivered_unknown=committed) from None
