"""Cron expressions as users write them, turned into APScheduler 3 triggers.

APScheduler parses the five crontab fields itself, but its day-of-week numbers count 0 as Monday
while crontab counts 0 (and 7) as Sunday: ``"0 7 * * 1-5"`` would silently run Tuesday to Saturday.
So the day-of-week field is translated here into day names, which APScheduler reads unambiguously;
the other four fields are passed through untouched.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering: 0 = Sunday


class CronSyntaxError(ValueError):
    """The expression is not a five-field crontab line."""


def _day_number(token: str) -> int:
    """0-7 as crontab counts them (0 and 7 are Sunday), or a day name."""
    token = token.strip().lower()
    if token in _NAMES:
        return _NAMES.index(token)
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)
    raise CronSyntaxError(f"day of week {token!r} is not 0-7 or a name such as mon")


def _days_of_week(field: str) -> str:
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronSyntaxError(f"step {step_text!r} in day of week is not a positive number")
            step = int(step_text)
        if part in ("*", "?"):
            span = list(range(7))
        elif "-" in part:
            first, last = (_day_number(x) for x in part.split("-", 1))
            if last < first:  # "fri-sun", "sat-mon": walk forward around the week
                last += 7
            span = list(range(first, last + 1))
        else:
            span = [_day_number(part)]
        days.update(d % 7 for d in span[::step])
    return ",".join(_NAMES[d] for d in sorted(days))


def parse_cron(expression: str, timezone: str = "Asia/Shanghai") -> CronTrigger:
    """Build a trigger from ``"m h dom mon dow"``; raises ``CronSyntaxError`` with the reason."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronSyntaxError(
            f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    try:
        tz = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CronSyntaxError(f"unknown time zone {timezone!r}") from exc
    minute, hour, day, month, dow = fields
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_days_of_week(dow), timezone=tz)
    except ValueError as exc:
        raise CronSyntaxError(str(exc)) from exc
