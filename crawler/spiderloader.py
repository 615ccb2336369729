"""A spider per configured site: ``scrapy list`` prints site ids, ``scrapy crawl wuxi-fgw`` works.

Scrapy's loader finds spider classes in modules; govwatch's sites are data, so this loader makes
a subclass of ``PortalSpider`` for each site in the configuration, besides the module spiders.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from crawler.spiders.portal import PortalSpider
from monitor.config import SiteConfig, default_config_path, load_config
from monitor.exceptions import ConfigError

log = logging.getLogger(__name__)


def site_settings(site: SiteConfig) -> dict[str, Any]:
    """Per-site Scrapy settings from the site's overrides."""
    custom: dict[str, Any] = {"ROBOTSTXT_OBEY": site.obey_robots}
    if site.download_delay is not None:
        custom["DOWNLOAD_DELAY"] = site.download_delay
        custom["AUTOTHROTTLE_START_DELAY"] = max(site.download_delay, 0.01)
        if site.download_delay == 0:
            custom["DOWNLOAD_DELAY_JITTER"] = 0
    return custom


def spider_for(site: SiteConfig) -> type[PortalSpider]:
    attrs = {"name": site.id, "site_id": site.id, "custom_settings": site_settings(site),
             "__doc__": f"{site.display_name} ({', '.join(site.start_urls)})"}
    return type(f"Site_{site.id.replace('-', '_')}", (PortalSpider,), attrs)


class SiteSpiderLoader(SpiderLoader):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        path = settings.get("GOVWATCH_CONFIG") or default_config_path()
        try:
            config = load_config(path)
        except ConfigError as exc:
            log.error("%s", exc)
            return
        for site in config.sites:
            self._spiders[site.id] = spider_for(site)
