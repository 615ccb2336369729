"""The HTML part of a digest, opened in headless Chromium as a webmail client would show it: no
console errors, no requests, no scripts, fits a phone and a desktop, dark text on white.

Set GOVWATCH_SCREENSHOTS=DIR to keep the screenshots for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import outbox
from monitor.digest import render_digest
from monitor.store.db import Database
from tests.conftest import require_services
from tests.monitor.digest_world import NOW, PLAN, Archive, config

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if require_services():
            pytest.fail(message + " and GOVWATCH_REQUIRE_SERVICES=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update"])
        yield chromium
        chromium.close()


@pytest.fixture
def sqlite_database(sqlite_url: str) -> Iterator[Database]:
    from monitor.store.db import open_database

    db = open_database(sqlite_url)
    yield db
    db.dispose()


def _html(database: Database, language: str) -> str:
    world = Archive(database, now=NOW - timedelta(days=1))
    cfg = config(subscriptions=[{"id": "analyst", "email": "a@example.com",
                                 "cadence": "immediate", "language": language}])
    world.subscribe(cfg)
    for i in range(120):
        world.document("wuxi-fgw", f"旧文件{i}", baseline=True)
    world.now = NOW - timedelta(hours=2)
    plan = world.document("wuxi-fgw", "无锡市2026年国民经济和社会发展计划（草案）",
                          doc_no="锡发改〔2026〕8号")
    old = world.document("yixing", "宜兴市关于进一步加强农业扶持的若干意见（试行）的实施细则",
                         text="农业扶持。", publisher="宜兴市农业农村局")
    world.document("yixing", "宜兴市2026年政府工作报告", text="坚持稳中求进，工作总基调不变。" * 5,
                   publisher="宜兴市人民政府")
    world.revise(plan, text=PLAN.replace("增长7%左右", "增长6.5%左右").replace(
        "九个方面", "十个方面"), title="无锡市2026年国民经济和社会发展计划")
    world.revise(old, status="失效")
    world.run("yixing", "ok", at=NOW - timedelta(days=2))
    world.run("yixing", "blocked", "WAF 质询页面（HTTP 412）", at=NOW - timedelta(hours=1))
    digest = outbox.preview(database, cfg, now=NOW)[0]
    return render_digest(digest, cfg)[2]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_digest_html_renders_cleanly_in_chromium(browser: Any, sqlite_database: Database,
                                                 tmp_path: Path, language: str) -> None:
    html = _html(sqlite_database, language)
    shots = Path(os.environ.get("GOVWATCH_SCREENSHOTS") or tmp_path)
    for width in (800, 375):
        page = browser.new_page(viewport={"width": width, "height": 900},
                                java_script_enabled=True)
        problems: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m, p=problems: p.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e, p=problems: p.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r, p=problems: p.append(f"failed: {r.url}"))
        page.on("request", lambda r, q=requests: q.append(r.url))
        page.set_content(html, wait_until="load")
        assert problems == []
        assert requests == [], "a digest loads nothing: mail clients block remote content"
        assert page.locator("script").count() == 0
        # Fits the screen: nothing wider than the viewport (a phone is 375px wide).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        column = page.evaluate("document.querySelectorAll('table')[1].getBoundingClientRect()"
                               ".width")
        assert column <= 642
        # Dark text on a white card.
        color = page.evaluate("getComputedStyle(document.querySelectorAll('table')[1]).color")
        assert color == "rgb(31, 35, 40)"
        assert page.locator("del").count() >= 1 and page.locator("ins").count() >= 1
        page.screenshot(path=str(shots / f"digest-{language}-{width}.png"), full_page=True)
        page.close()
