"""deploy/ holds examples people copy: every command in them must be one govwatch accepts, every
variable one govwatch reads, every schedule a valid cron line. (No Docker or systemd here: the
files are read as data.)"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from monitor.cli import main
from monitor.cron import parse_cron

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SOURCES = [p for d in ("monitor", "crawler") for p in (DEPLOY.parent / d).rglob("*.py")]
GOVWATCH = "/opt/govwatch/.venv/bin/govwatch"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def accepts(args: list[str], group: click.Group = main) -> None:
    """Parse ``args`` as govwatch's command line would, without running anything."""
    while args and args[0].startswith("-"):  # global options before the command
        args = args[2:]
    command = group.commands[args[0]]
    if isinstance(command, click.Group):
        accepts(args[1:], command)
    else:
        command.make_context(args[0], list(args[1:]))


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def env_variables(text: str) -> set[str]:
    return set(re.findall(r"^#?(GOVWATCH_[A-Z_]+)=", text, re.MULTILINE))


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_units_run_govwatch_commands_hardened(unit: Path) -> None:
    parsed = read_unit(unit)
    assert set(parsed.sections()) == {"Unit", "Service", "Install"}
    service = parsed["Service"]
    for key in ("ExecStart", "ExecStartPre"):
        if key in service:
            program, *args = shlex.split(service[key])
            assert program == GOVWATCH
            accepts(args)
    assert service["User"] == "govwatch"
    assert service["EnvironmentFile"] == "/etc/govwatch/govwatch.env"
    for setting, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict",
                           "ProtectHome": "yes", "PrivateTmp": "yes",
                           "CapabilityBoundingSet": ""}.items():
        assert service[setting] == value, setting


def test_the_scheduler_unit_lets_crawls_stop_gracefully() -> None:
    service = read_unit(DEPLOY / "systemd" / "govwatch-scheduler.service")["Service"]
    assert service["KillMode"] == "mixed"  # SIGTERM to the scheduler only
    args = shlex.split(service["ExecStart"])
    grace = float(args[args.index("--grace") + 1])
    assert float(service["TimeoutStopSec"]) > grace > 60  # 60: Scrapy's download timeout
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert shlex.split(service["ExecStartPre"])[1:] == ["db", "upgrade"]


def test_crontab_lines_are_valid_schedules_of_govwatch_commands() -> None:
    lines = [line for line in (DEPLOY / "crontab.example").read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert lines
    for line in lines:
        fields = line.split(None, 6)
        parse_cron(" ".join(fields[:5]))
        assert fields[5] == "govwatch"  # /etc/cron.d format: the user
        commands = re.findall(r"(?:^|; )govwatch ((?:run|digest)[^;>]*)", fields[6])
        assert commands, line
        for command in commands:
            accepts(shlex.split(command))


def test_the_environment_example_names_only_variables_govwatch_reads() -> None:
    example = env_variables((DEPLOY / "govwatch.env.example").read_text())
    assert {"GOVWATCH_DB", "GOVWATCH_CONFIG", "GOVWATCH_SMTP_PASSWORD", "GOVWATCH_WEB_TOKEN",
            "GOVWATCH_REDIS", "GOVWATCH_AUTO_MIGRATE"} <= example
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    assert {v for v in example if f'"{v}"' not in code} == set()


def test_docker_compose_runs_postgres_redis_and_govwatch_commands() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "scheduler", "worker", "web"}
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, (name, needed)
        if service.get("image") == "govwatch:latest":
            accepts(service["command"])
            assert service["env_file"] == "govwatch.env"
            assert set(service["environment"]) <= env_variables(
                (DEPLOY / "govwatch.env.example").read_text()) | {"GOVWATCH_AUTO_MIGRATE"}
    assert services["scheduler"]["command"][:2] == ["schedule", "--distributed"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    build = services["scheduler"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
