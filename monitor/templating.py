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
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
