"""The YAML configuration: sites, subscriptions, mail and web settings.

``load_config(path)`` reads one YAML file or every ``*.yaml``/``*.yml`` in a folder (sorted by name;
``sites`` and ``subscriptions`` lists are concatenated, mappings such as ``smtp`` are taken from the
last file that sets them). Every mistake becomes a ``ConfigError`` naming the file, the line, the
key and what was expected.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crawler.urls import registrable_domain
from monitor.cron import CronSyntaxError, parse_cron
from monitor.exceptions import ConfigError

DEFAULT_TIMEZONE = "Asia/Shanghai"
SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class EventKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    STATUS = "status"
    REMOVED = "removed"
    RESTORED = "restored"


class Cadence(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


def _check_cron(value: str, timezone: str) -> str:
    try:
        parse_cron(value, timezone)
    except CronSyntaxError as exc:
        raise ValueError(
            f"{value!r} is not a valid cron expression ({exc}); expected five fields such as "
            "\"0 7 * * *\" or \"30 8 * * mon-fri\"") from exc
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; expected an IANA name such as "
                         "Asia/Shanghai") from exc
    return value


def _check_css(value: str | None) -> str | None:
    if value is None:
        return None
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"{value!r} is not a valid CSS selector ({exc})") from exc
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecheckPolicy(_Model):
    """How often known documents are fetched again (days since the document last changed →
    minimum hours between rechecks). Recent and recently changed documents are rechecked often."""

    fresh_days: int = Field(30, ge=0, description="documents changed within this many days...")
    fresh_hours: float = Field(0, ge=0, description="...are rechecked every run (0) or this often")
    recent_days: int = Field(365, ge=0)
    recent_hours: float = Field(24 * 7, ge=0)
    old_hours: float = Field(24 * 30, ge=0, description="everything older")


class SiteConfig(_Model):
    id: str
    name: str | None = None
    start_urls: Annotated[list[str], Field(min_length=1)]
    allowed_domains: list[str] = Field(default_factory=list)
    timezone: str = DEFAULT_TIMEZONE
    schedule: str = "0 7 * * *"
    max_list_pages: int = Field(20, ge=1)
    stop_after_known_pages: int = Field(
        1, ge=0, description="stop paginating after this many list pages holding only known "
                             "documents (0: always go to max_list_pages)")
    full_walk_days: float | None = Field(
        None, ge=0, description="walk every column to its end at least this often, early stops "
                                "or not (default GOVWATCH_FULL_WALK_DAYS, 7; 0: every run)")
    link_pattern: str | None = None
    list_selector: str | None = None
    next_page_selector: str | None = None
    metadata_selector: str | None = None
    body_selector: str | None = None
    encoding: str | None = None
    download_delay: float | None = Field(None, ge=0)
    obey_robots: bool = True
    enabled: bool = True
    recheck: RecheckPolicy = Field(default_factory=lambda: RecheckPolicy())
    verified: bool | None = Field(
        None, description="false marks a definition whose URLs were not checked against the "
                          "live portal")
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not SITE_ID.match(value):
            raise ValueError(
                f"{value!r} must be lower-case letters, digits and '-' (e.g. wuxi-fgw)")
        return value

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("link_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"{value!r} is not a valid regular expression ({exc})") from exc
        return value

    @field_validator("list_selector", "next_page_selector", "metadata_selector", "body_selector")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return _check_css(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}; expected e.g. gb18030 or utf-8") \
                    from exc
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str, info: ValidationInfo) -> str:
        return _check_cron(value, info.data.get("timezone", DEFAULT_TIMEZONE))

    @property
    def domains(self) -> list[str]:
        """Allowed domains, defaulting to the start URLs' registrable domains: a column on
        www.dingxi.gov.cn lists documents on zwgk.dingxi.gov.cn and on dingxi.gov.cn itself,
        all the same portal (gov.cn is a public suffix, so no other city's site comes with it;
        www.gov.cn stays www.gov.cn)."""
        if self.allowed_domains:
            return list(self.allowed_domains)
        hosts = [urlsplit(u).hostname or "" for u in self.start_urls]
        return sorted({registrable_domain(h) for h in hosts if h})

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Subscription(_Model):
    id: str
    email: str | None = None
    notify: list[str] = Field(
        default_factory=list, description="apprise URLs (dingtalk://, wecom://, feishu://, "
                                          "slack://, json://…) besides or instead of email")
    sites: list[str] | None = None
    keywords: list[str] = Field(default_factory=list)
    publishers: list[str] = Field(default_factory=list)
    events: list[EventKind] = Field(default_factory=lambda: list(EventKind))
    cadence: Cadence = Cadence.DAILY
    language: Literal["zh", "en"] = "zh"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not SITE_ID.match(value):
            raise ValueError(f"{value!r} must be lower-case letters, digits and '-'")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[^@\s]+@[^@\s]+$", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> Subscription:
        if not self.email and not self.notify:
            raise ValueError("a subscription needs an email address or notify URLs")
        return self


class SmtpConfig(_Model):
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str = "GOVWATCH_SMTP_PASSWORD"
    sender: str = "govwatch@localhost"
    timeout: float = Field(30, gt=0)

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env)


class WebConfig(_Model):
    base_url: str = "http://127.0.0.1:8000"
    token_env: str = Field("GOVWATCH_WEB_TOKEN",
                           description="environment variable holding the access token required "
                                       "when serving on a non-loopback address")


class DigestSchedule(_Model):
    daily: str = "0 8 * * *"
    weekly: str = "0 8 * * mon"
    immediate: str = "*/15 * * * *"


class Config(_Model):
    sites: list[SiteConfig] = Field(default_factory=list)
    subscriptions: list[Subscription] = Field(default_factory=list)
    smtp: SmtpConfig = Field(default_factory=lambda: SmtpConfig())
    web: WebConfig = Field(default_factory=lambda: WebConfig())
    digest_schedule: DigestSchedule = Field(default_factory=lambda: DigestSchedule())
    timezone: str = DEFAULT_TIMEZONE
    user_agent: str | None = None
    sources: tuple[str, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _check_timezone(value)

    def site(self, site_id: str) -> SiteConfig:
        for site in self.sites:
            if site.id == site_id:
                return site
        known = ", ".join(s.id for s in self.sites) or "none configured"
        raise ConfigError(f"no site with id {site_id!r} (known: {known})",
                          path=", ".join(self.sources) or None)

    def select_sites(self, ids: Sequence[str]) -> list[SiteConfig]:
        if not ids:
            return [s for s in self.sites if s.enabled]
        return [self.site(i) for i in ids]


# ---------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Located:
    """One file's parsed data with its YAML node tree, to turn error paths into line numbers."""

    path: str
    data: dict[str, Any]
    node: yaml.Node | None


def _line_of(node: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read(path: Path) -> _Located:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file "
                          "as UTF-8", path=str(path)) from exc
    except OSError as exc:
        raise ConfigError(f"can't read: {exc.strerror}", path=str(path)) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"not valid YAML: {exc.problem}", path=str(path), line=line) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with keys such as sites: and subscriptions:",
                          path=str(path), line=1)
    return _Located(str(path), data, node)


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the (nested) model at ``loc``, for "did you mean" hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = field.annotation
    return list(getattr(current, "model_fields", {}))


def _validate(model: type[BaseModel], value: Any, located: _Located,
              prefix: tuple[str | int, ...]) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = prefix + tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            fields = _model_at(model, err["loc"][:-1])
            close = difflib.get_close_matches(str(err["loc"][-1]), fields, n=1)
            msg = f"unknown key; did you mean {close[0]!r}?" if close else \
                f"unknown key (allowed: {', '.join(sorted(fields))})"
        elif err["type"] == "missing":
            msg = "required key is missing"
        raise ConfigError(msg, path=located.path, line=_line_of(located.node, loc),
                          key=_dotted(loc)) from exc


_LISTS: dict[str, type[SiteConfig] | type[Subscription]] = {
    "sites": SiteConfig, "subscriptions": Subscription}
_MAPPINGS: dict[str, type[BaseModel]] = {"smtp": SmtpConfig, "web": WebConfig,
                                         "digest_schedule": DigestSchedule}
_SCALARS = {"timezone", "user_agent"}


def config_files(path: str | os.PathLike[str]) -> list[Path]:
    root = Path(path)
    if root.is_dir():
        files = sorted(p for p in root.iterdir()
                       if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise ConfigError("folder holds no .yaml files", path=str(root))
        return files
    if not root.exists():
        raise ConfigError("no such file or folder; pass --config or set GOVWATCH_CONFIG",
                          path=str(root))
    return [root]


def load_config(path: str | os.PathLike[str]) -> Config:
    """Load and validate a configuration file or folder."""
    merged: dict[str, Any] = {"sites": [], "subscriptions": []}
    seen: dict[tuple[str, str], str] = {}
    files = config_files(path)
    for file in files:
        located = _read(file)
        for key, value in located.data.items():
            if key in _LISTS:
                if not isinstance(value, list):
                    raise ConfigError("expected a list (each item starting with '- ')",
                                      path=located.path, line=_line_of(located.node, [key]),
                                      key=key)
                for i, entry in enumerate(value):
                    item = _validate(_LISTS[key], entry, located, (key, i))
                    where = f"{located.path}:{_line_of(located.node, [key, i])}"
                    if (key, item.id) in seen:
                        raise ConfigError(f"duplicate id {item.id!r} (first defined at "
                                          f"{seen[(key, item.id)]})", path=located.path,
                                          line=_line_of(located.node, [key, i, "id"]),
                                          key=f"{key}[{i}].id")
                    seen[(key, item.id)] = where
                    merged[key].append(item)
            elif key in _MAPPINGS:
                mapping_model: type[BaseModel] = _MAPPINGS[key]
                merged[key] = _validate(mapping_model, value if value is not None else {},
                                        located, (key,))
            elif key in _SCALARS:
                merged[key] = value
            else:
                allowed = ", ".join(sorted([*_LISTS, *_MAPPINGS, *_SCALARS]))
                raise ConfigError(f"unknown top-level key (allowed: {allowed})",
                                  path=located.path, line=_line_of(located.node, [key]), key=key)
    site_ids = {s.id for s in merged["sites"]}
    for sub in merged["subscriptions"]:
        for site_id in sub.sites or []:
            if site_id not in site_ids:
                raise ConfigError(
                    f"subscription {sub.id!r} names site {site_id!r}, which is not configured "
                    f"(known: {', '.join(sorted(site_ids)) or 'none'})",
                    path=", ".join(str(f) for f in files), key=f"subscriptions.{sub.id}.sites")
    merged["sources"] = tuple(str(f) for f in files)
    try:
        return Config.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(err["msg"].removeprefix("Value error, "),
                          path=", ".join(merged["sources"]), key=_dotted(err["loc"])) from exc


def default_config_path() -> str:
    return os.environ.get("GOVWATCH_CONFIG", "seeds")
