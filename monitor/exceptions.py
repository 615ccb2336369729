"""Every error govwatch raises on purpose.

Each is a user-facing condition: the CLI prints its message (no traceback) and exits non-zero.
Programming errors stay ordinary Python exceptions.
"""

from __future__ import annotations


class GovwatchError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with when this reaches it."""

    exit_code = 1


class ConfigError(GovwatchError):
    """The YAML configuration is wrong. Raised by ``monitor.config`` while loading.

    The message names the file, the line when known, the key, and what was expected.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.detail = message
        where = path or "<config>"
        if line is not None:
            where = f"{where}:{line}"
        prefix = f"{where}: {key}: " if key else f"{where}: "
        super().__init__(prefix + message)


class StoreError(GovwatchError):
    """The database can't be opened or is at a schema this version doesn't know.

    Raised by ``monitor.store.db``; the message says which URL and what to run.
    """


class InputError(GovwatchError):
    """A file or URL the user gave on the command line can't be read (``govwatch extract``)."""

    exit_code = 2


class LockedError(GovwatchError):
    """Another govwatch process holds the lock for this work (an overlapping ``run``).

    Raised by ``monitor.locks``; exit status 75 (EX_TEMPFAIL) tells cron monitors to retry later.
    """

    exit_code = 75


class DistributedError(GovwatchError):
    """Distributed crawling can't go ahead: Redis unreachable or not installed, a SQLite database,
    or workers holding different definitions of a site. Raised by ``crawler.rounds`` and
    ``monitor.worker``."""


class DeliveryError(GovwatchError):
    """A digest could not be handed to SMTP or another channel. Raised by ``monitor.notify``;
    the outbox keeps the message and retries it on the next run."""


class ServeError(GovwatchError):
    """``govwatch serve`` can't start as asked: it would expose the archive to the network
    without an access token, or a ``--setting`` is unknown or malformed. Raised by
    ``monitor.web.settings`` before anything listens."""

    exit_code = 2
