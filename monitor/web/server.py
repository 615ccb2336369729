"""``govwatch serve``: check the settings, open the archive, run the browser under uvicorn."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from monitor.config import load_config
from monitor.store.db import open_database
from monitor.web.settings import SETTINGS, WebSettings, build_settings, check_exposure

log = logging.getLogger(__name__)


def settings_help() -> str:
    """The settings table as ``govwatch serve --help-settings`` prints it."""
    width = max(len(s.name) for s in SETTINGS)
    return "\n".join(f"  {s.name:<{width}}  {s.help} (default: {s.default!r})"
                     for s in SETTINGS)


def resolve_settings(config_path: str, *, host: str, port: int,
                     overrides: Iterable[tuple[str, str]] = ()) -> WebSettings:
    config = load_config(config_path)
    defaults: dict[str, object] = {"host": host, "port": port,
                                   "token_env": config.web.token_env}
    # Links in feeds need the address users reach; without web.base_url in the configuration,
    # that is where we listen.
    if "base_url" in config.web.model_fields_set:
        defaults["base_url"] = config.web.base_url
    settings = build_settings(overrides, defaults=defaults)
    if "base_url" not in config.web.model_fields_set and \
            not any(name == "base_url" for name, _ in overrides):
        shown = f"[{settings.host}]" if ":" in settings.host else settings.host
        settings = build_settings(overrides, defaults={
            **defaults, "base_url": f"http://{shown}:{settings.port}"})
    check_exposure(settings)
    return settings


def serve(config_path: str, db_url: str, *, host: str, port: int,
          overrides: Iterable[tuple[str, str]] = ()) -> None:
    import uvicorn

    from monitor.web.app import create_app

    overrides = list(overrides)
    settings = resolve_settings(config_path, host=host, port=port, overrides=overrides)
    config = load_config(config_path)
    database = open_database(db_url)
    app = create_app(database, settings, sites_config=config.sites)
    if settings.token:
        log.info("access token required (HTTP Basic password or Bearer token, from $%s)",
                 settings.token_env)
    log.info("archive browser on %s (listening on %s:%d)", settings.base_url, settings.host,
             settings.port)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, server_header=False,
                    proxy_headers=False)
    finally:
        database.dispose()
