"""One test sweeps every site definition (kingfisher-collect's rule): the seeded portals and the
sample portal's sites each load, validate, become a spider and build their start requests.
``govwatch sites --check`` shows a user what discovery finds on a list page.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.spiderloader import SiteSpiderLoader, site_settings, spider_for
from crawler.spiders.portal import PortalSpider
from crawler.urls import in_domains
from monitor.config import SiteConfig, load_config
from monitor.demo.sample import demo_sites
from monitor.demo.server import PortalServer
from tests.crawler.portals import families, site_config

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


def _definitions() -> list[Any]:
    seeded = [("seeds", site) for site in load_config(SEEDS).sites]
    demo = [("demo", SiteConfig(**site)) for site in demo_sites("http://127.0.0.1:8123/")]
    return [pytest.param(origin, site, id=f"{origin}:{site.id}") for origin, site in
            seeded + demo]


async def _collect(requests: AsyncIterator[Request]) -> list[Request]:
    return [request async for request in requests]


@pytest.mark.parametrize(("origin", "site"), _definitions())
def test_site_definition_builds_its_start_requests(origin: str, site: SiteConfig,
                                                   tmp_path: Path) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(yaml.safe_dump({"sites": [site.model_dump(exclude_none=True)]},
                                     allow_unicode=True), encoding="utf-8")
    assert load_config(config).site(site.id) == site  # round-trips through the YAML loader

    spider_class = spider_for(site)
    assert spider_class.name == site.id and issubclass(spider_class, PortalSpider)
    assert spider_class.custom_settings == site_settings(site)
    assert spider_class.custom_settings["ROBOTSTXT_OBEY"] is site.obey_robots
    crawler = get_crawler(spider_class, {"GOVWATCH_CONFIG": str(config),
                                         "GOVWATCH_DB": f"sqlite:///{tmp_path / 'g.db'}"})
    spider = spider_class.from_crawler(crawler)
    try:
        assert isinstance(spider, PortalSpider) and spider.allowed_domains == site.domains
        requests = asyncio.run(_collect(spider.start()))
    finally:
        spider.context.database.dispose()
    assert [r.url for r in requests] == site.start_urls
    for request in requests:
        assert request.method == "GET" and request.callback == spider.parse_list
        assert in_domains(request.url, site.domains)
        # Error pages reach the callback (faults.diagnose reads them); redirects are left to
        # RedirectMiddleware, which follows them (/zcwj → /zcwj/, http → https).
        statuses = request.meta["handle_httpstatus_list"]
        assert all(status in statuses for status in (304, 400, 403, 404, 410, 412, 500, 503))
        assert not [status for status in (301, 302, 303, 307, 308) if status in statuses]
        assert "handle_httpstatus_all" not in request.meta
    if origin == "seeds":
        # This machine has no internet: seeded portals are marked as not checked live.
        assert site.verified is False and site.name and site.notes


def test_spider_loader_lists_every_configured_site() -> None:
    from scrapy.settings import Settings

    loader = SiteSpiderLoader(Settings({"GOVWATCH_CONFIG": str(SEEDS),
                                        "SPIDER_MODULES": ["crawler.spiders"]}))
    assert set(loader.list()) >= {site.id for site in load_config(SEEDS).sites}


def _govwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_sites_validates_and_shows_overrides(tmp_path: Path) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(yaml.safe_dump({"sites": [{
        "id": "quirky", "start_urls": ["http://127.0.0.1:9/list.html"],
        "list_selector": "div.list ul", "link_pattern": r"/art/\d+"}]}), encoding="utf-8")
    done = _govwatch("--config", str(config), "--db", f"sqlite:///{tmp_path / 'none.db'}",
                     "sites")
    assert done.returncode == 0, done.stderr
    assert "overrides: link_pattern='/art/\\\\d+', list_selector='div.list ul'" in done.stdout
    config.write_text(yaml.safe_dump({"sites": [{
        "id": "broken", "start_urls": ["http://127.0.0.1:9/"], "list_selector": "div[["}]}),
        encoding="utf-8")
    bad = _govwatch("--config", str(config), "sites")
    assert bad.returncode != 0 and "list_selector" in bad.stderr and "CSS selector" in bad.stderr


def test_sites_check_shows_what_discovery_finds(tmp_path: Path) -> None:
    portal = families()
    shell = (Path(__file__).parent / "pages" / "js_shell_list.html").read_bytes()
    from tests.crawler.portals import page

    portal.pages["/shell/index.html"] = page(shell, "text/html; charset=utf-8")
    with PortalServer(portal.pages) as server:
        sites = [site_config(portal, server.base_url, site) for site in ("trs", "hanweb")]
        sites.append({"id": "shell", "start_urls": [server.url("/shell/index.html")]})
        config = tmp_path / "sites.yaml"
        config.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True),
                          encoding="utf-8")
        done = _govwatch("--config", str(config), "--db", f"sqlite:///{tmp_path / 'n.db'}",
                         "sites", "--check")
        trs, trs_next = server.url("/trs/zcwj/index.html"), server.url("/trs/zcwj/index_1.html")
    assert done.returncode == 3, done.stdout + done.stderr
    out = done.stdout
    assert f"{trs}: HTTP 200, trs, 4 document links, next GET {trs_next}" in out
    assert "hanweb, 6 document links, next POST" in out and "(Hanweb data proxy)" in out
    assert "拓尔思关于印发2021年第11批重点工作任务分解方案的通知" in out
    assert "no document links: the portal renders its list with JavaScript" in out
    # One request per column, and robots.txt.
    paths = [r.path for r in server.requests]
    assert paths.count("/trs/zcwj/index.html") == 1 and "/trs/zcwj/index_1.html" not in paths
