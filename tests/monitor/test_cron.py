"""Cron expressions: crontab's day-of-week numbering (0 = Sunday), not APScheduler's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.cron import CronSyntaxError, parse_cron

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 0, 0, tzinfo=TZ)


def fires(expression: str, count: int = 7) -> list[str]:
    trigger = parse_cron(expression)
    out, previous, now = [], None, MONDAY
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        out.append(fire.strftime("%a %H:%M"))
        previous, now = fire, fire
    return out


@pytest.mark.parametrize(("expression", "days"), [
    ("0 7 * * 1-5", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon"]),
    ("0 7 * * mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon"]),
    ("0 7 * * 0", ["Sun", "Sun"]),
    ("0 7 * * 7", ["Sun", "Sun"]),
    ("0 7 * * 5-7", ["Fri", "Sat", "Sun", "Fri"]),
    ("0 7 * * sat-mon", ["Mon", "Sat", "Sun", "Mon"]),
    ("0 7 * * */2", ["Tue", "Thu", "Sat", "Sun", "Tue"]),
])
def test_day_of_week_is_crontab_numbering(expression: str, days: list[str]) -> None:
    assert [f.split()[0] for f in fires(expression, len(days))] == days


def test_time_zone_is_shanghai() -> None:
    assert fires("30 8 * * *", 1) == ["Mon 08:30"]


@pytest.mark.parametrize("expression", ["0 7 * *", "0 7 * * 8", "61 7 * * *", "0 7 * * mon-"])
def test_bad_expressions(expression: str) -> None:
    with pytest.raises(CronSyntaxError):
        parse_cron(expression)
