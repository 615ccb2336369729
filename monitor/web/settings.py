"""The archive browser's settings, declared once as data.

Each setting has a name, a type, a default and a help line; ``govwatch serve --setting NAME VALUE``
changes one, ``govwatch serve --help-settings`` lists them (from this table), and the defaults for
``base_url`` and ``token_env`` come from the configuration's ``web:`` section.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from monitor.exceptions import ServeError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("host", str, "127.0.0.1",
            "address to listen on; anything but a loopback address needs an access token"),
    Setting("port", int, 8000, "TCP port to listen on"),
    Setting("base_url", str, "http://127.0.0.1:8000",
            "public address of the browser, for links in feeds (config web.base_url)"),
    Setting("token_env", str, "GOVWATCH_WEB_TOKEN",
            "environment variable holding the access token (config web.token_env)"),
    Setting("page_size", int, 50, "documents or changes per page"),
    Setting("feed_size", int, 50, "entries per Atom feed"),
    Setting("facet_ttl", int, 60,
            "seconds the filter drop-downs (发布机构, 主题分类, 效力状况) are cached"),
    Setting("allowed_hosts", str, "",
            "extra Host names accepted (comma-separated), e.g. the name a reverse proxy "
            "forwards; loopback names and the base_url host are always accepted"),
)

MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    token_env: str = "GOVWATCH_WEB_TOKEN"
    page_size: int = 50
    feed_size: int = 50
    facet_ttl: int = 60
    allowed_hosts: str = ""
    # Not a setting: read from the environment variable named by token_env.
    token: str | None = None

    @property
    def exposed(self) -> bool:
        return not is_loopback(self.host)

    def host_names(self) -> frozenset[str]:
        """Host header values accepted (a guard against DNS rebinding)."""
        from urllib.parse import urlsplit

        names = {"127.0.0.1", "::1", "[::1]", *LOOPBACK_NAMES}
        base_host = urlsplit(self.base_url).hostname
        if base_host:
            names.add(base_host)
        if self.exposed:
            names.add(self.host)
        names.update(h.strip() for h in self.allowed_hosts.split(",") if h.strip())
        return frozenset(names)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may resolve to anything


def _convert(setting: Setting, value: str) -> Any:
    if setting.type is int:
        try:
            number = int(value)
        except ValueError as exc:
            raise ServeError(f"--setting {setting.name}: expected a whole number, "
                             f"got {value!r}") from exc
        if number < (0 if setting.name == "port" else 1):
            raise ServeError(f"--setting {setting.name}: must be positive, got {number}")
        return number
    return value


def build_settings(overrides: Iterable[tuple[str, str]] = (), *,
                   defaults: Mapping[str, Any] | None = None,
                   environ: Mapping[str, str] | None = None) -> WebSettings:
    """Settings from the table's defaults, then ``defaults`` (config, --host/--port), then
    ``--setting`` overrides; the token from the environment."""
    known = {s.name: s for s in SETTINGS}
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    values.update({k: v for k, v in (defaults or {}).items() if v is not None})
    for name, raw in overrides:
        if name not in known:
            raise ServeError(f"--setting {name}: unknown setting (known: "
                             f"{', '.join(sorted(known))})")
        values[name] = _convert(known[name], raw)
    settings = WebSettings(**{f.name: values[f.name] for f in fields(WebSettings)
                              if f.name in values})
    env = os.environ if environ is None else environ
    token = env.get(settings.token_env) or None
    return replace(settings, token=token)


def check_exposure(settings: WebSettings) -> None:
    """Refuse to serve the archive on the network without an access token."""
    if settings.exposed and not settings.token:
        raise ServeError(
            f"refusing to listen on {settings.host}, which other machines can reach, without an "
            f"access token: set the environment variable {settings.token_env} to a long random "
            f"secret (e.g. `export {settings.token_env}=$(python3 -c 'import secrets; "
            f"print(secrets.token_urlsafe(32))')`), or serve on 127.0.0.1 behind an "
            f"authenticating reverse proxy")
    if settings.token is not None and len(settings.token) < MIN_TOKEN_LENGTH:
        raise ServeError(f"the access token in {settings.token_env} is too short to resist "
                         f"guessing; use at least {MIN_TOKEN_LENGTH} random characters")
