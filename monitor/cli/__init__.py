"""The ``govwatch`` command (also ``python -m monitor``): the group and its global options in
``app``, the commands in one module per area, registered on import."""

from monitor.cli import admin, archive, crawling, delivery
from monitor.cli.app import main

__all__ = ["admin", "archive", "crawling", "delivery", "main"]
