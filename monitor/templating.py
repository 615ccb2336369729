"""The jinja2 environment for mail and web templates (``templates/``)."""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

DISPLAY_TZ = ZoneInfo("Asia/Shanghai")


def templates_dir() -> Path:
    """``templates/`` beside the packages, or ``GOVWATCH_TEMPLATES``."""
    override = os.environ.get("GOVWATCH_TEMPLATES")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "templates"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times are stored in UTC and shown in Asia/Shanghai."""
    if value is None:
        return ""
    return value.astimezone(DISPLAY_TZ).strftime(fmt)


def thousands(value: int) -> str:
    return f"{value:,}"


# A table row's cells are separated by tabs in the text, and diffs compare the separators (a
# value moved to another column is a tab deleted on one side of it and inserted on the other).
# A tab shows as blank, so a changed one is drawn as a cell border.
CELL_BORDER = "│"


def cells(text: str) -> str:
    return text.replace("\t", CELL_BORDER)


def percent(value: float | None) -> str:
    """A share with one decimal. A text that changed never reads 100.0% similar (nor one with
    a trace in common 0.0%): the mail said "100%" beside the edit it reported."""
    if value is None:
        return ""
    shown = round(value * 100, 1)
    if shown >= 100 and value < 1:
        shown = 99.9
    elif shown <= 0 < value:
        shown = 0.1
    return f"{shown:.1f}%"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "htm", "xml", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["local_time"] = local_time
    env.filters["thousands"] = thousands
    env.filters["percent"] = percent
    env.filters["cells"] = cells
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
