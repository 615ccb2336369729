"""The browser driven by headless Chromium (Debian's /usr/bin/chromium) against a real uvicorn
server on 127.0.0.1: reading without JavaScript, searching in Chinese, filtering, snapshots,
and pages full of script-injection payloads that must execute nothing."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from monitor.store.db import Database, open_database
from monitor.web.app import create_app
from monitor.web.settings import WebSettings
from tests.conftest import require_services
from tests.web.archive import SITES, Sample, build

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if require_services():
        pytest.fail(message + " and GOVWATCH_REQUIRE_SERVICES=1")
    pytest.skip(message)


@dataclass
class Served:
    base: str
    sample: Sample
    shots: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    _need_chromium()
    import uvicorn

    folder = tmp_path_factory.mktemp("browser")
    database: Database = open_database(f"sqlite:///{folder / 'govwatch.db'}")
    sample = build(database)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = WebSettings(port=port, base_url=f"http://127.0.0.1:{port}", page_size=20)
    server = uvicorn.Server(uvicorn.Config(create_app(database, settings, sites_config=SITES),
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    shots = Path(os.environ.get("GOVWATCH_SCREENSHOTS") or folder / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Served(f"http://127.0.0.1:{port}", sample, shots)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database.dispose()


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    page: Any
    dialogs: list[str]
    console: list[str]

    def executed(self) -> list[str]:
        """Evidence that a payload ran: a dialog, or the flag it sets, in any frame."""
        found = list(self.dialogs)
        for frame in self.page.frames:
            try:
                flag = frame.evaluate("() => window.__pwned")
            except Exception:   # a sandboxed frame may refuse evaluation; dialogs still count
                continue
            if flag is not None:
                found.append(f"{frame.url}: window.__pwned={flag!r}")
        return found


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    # JavaScript on: the point is to show that nothing of the pages' own runs even so.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: console.append(message.text))
    try:
        yield Watched(page, dialogs, console)
    finally:
        context.close()


def test_from_recent_changes_to_a_diff(served: Served, watched: Watched) -> None:
    page = watched.page
    page.goto(served.base + "/")
    status = page.locator("li.change-status", has_text="2021年政府工作重点")
    assert status.locator(".badge-status").inner_text() == "效力变更"
    page.locator("li.change-changed", has_text="2021年政府工作重点").get_by_text(
        "查看差异").click()
    page.wait_for_url(f"**/documents/{served.sample.plan}/diff?a=1&b=2")
    assert page.locator(".headline del.num").first.inner_text() == "7%"
    assert page.locator(".headline ins.num").first.inner_text() == "6.5%"
    assert page.locator(".sbs-replace ins.num", has_text="6.5%").count() >= 1
    page.get_by_role("link", name="行内").click()
    assert page.locator(".inline-diff .para-insert").first.inner_text().startswith("新增")
    page.screenshot(path=str(served.shots / "diff-desktop.png"), full_page=True)


@pytest.mark.parametrize(("query", "title"), [
    ("税", "关于做好春节期间有关工作的通知"),
    ("补贴", "关于下达2021年度专项资金补贴的通知"),
    ("专项资金", "关于下达2021年度专项资金补贴的通知"),
    ("发展", "關於促進經濟發展的若干意見"),
])
def test_search_in_chinese(served: Served, watched: Watched, query: str, title: str) -> None:
    page = watched.page
    page.goto(served.base + "/")
    page.locator("#top-q").fill(query)
    page.locator(".top-search button").click()
    page.wait_for_url("**/documents?q=*")
    assert page.locator(".doc-title", has_text=title).count() == 1
    assert page.locator(".snippet mark").first.inner_text() in (query, "發展")


def test_filter_the_documents(served: Served, watched: Watched) -> None:
    page = watched.page
    page.goto(served.base + "/documents")
    page.locator("select[name=publisher]").select_option("示例市财政局")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**publisher=*")
    assert page.locator(".result-count strong").inner_text() == "1"
    assert page.locator(".doc-title").inner_text() == "关于下达2021年度专项资金补贴的通知"
    page.locator("input[name=changed]").check()
    page.locator("select[name=publisher]").select_option("")
    page.get_by_role("button", name="筛选").click()
    assert page.locator(".result-count strong").inner_text() == "2"


def test_snapshot_opens_in_a_sandbox_and_runs_nothing(served: Served,
                                                      watched: Watched) -> None:
    page = watched.page
    page.goto(f"{served.base}/documents/{served.sample.xss}")
    page.get_by_role("link", name="抓取时的原始网页").click()
    frame_element = page.locator("iframe.snapshot")
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("iframe.snapshot")
    assert "第一段" in frame.locator("body").inner_text()
    frame.locator("#jslink").click()
    page.wait_for_timeout(300)
    assert watched.executed() == []
    page.screenshot(path=str(served.shots / "snapshot-desktop.png"))


def test_payload_pages_execute_nothing(served: Served, watched: Watched) -> None:
    page = watched.page
    xss = served.sample.xss
    for path in [f"/documents/{xss}", f"/documents/{xss}/versions/1",
                 f"/documents/{xss}/diff?a=1&b=2", f"/documents/{xss}/diff?a=1&b=2&view=inline",
                 "/?baseline=true", "/documents", "/documents?q=税收优惠", "/sites/county",
                 f"/documents/{xss}/versions/1/snapshot"]:
        page.goto(served.base + path)
        for element in page.locator(".doc-title a, .change-title a, td, dd, .attachments li"
                                    ).all()[:40]:
            if element.is_visible():
                element.hover()
        assert watched.executed() == [], path
    # The payloads are on the page, as text, and never reached the CSP as markup.
    watched.console.clear()
    page.goto(f"{served.base}/documents/{xss}")
    assert "<svg onload=window.__pwned=3>" in page.locator("table.meta").first.inner_text()
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert not [m for m in watched.console if "Content Security Policy" in m]


def test_reading_works_without_javascript(served: Served, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="zh-CN",
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(served.base + "/")
        page.screenshot(path=str(served.shots / "changes-phone.png"), full_page=True)
        page.goto(f"{served.base}/documents/{served.sample.plan}/diff?a=1&b=3")
        fold = page.locator("details.fold").first
        if fold.count():
            fold.locator("summary").click()    # <details> opens without scripts
        page.screenshot(path=str(served.shots / "diff-phone.png"), full_page=True)
        page.goto(f"{served.base}/documents/{served.sample.plan}")
        assert page.locator("h1").inner_text() == "2021年政府工作重点"
        page.screenshot(path=str(served.shots / "document-phone.png"), full_page=True)
        page.goto(served.base + "/sites")
        page.screenshot(path=str(served.shots / "sites-phone.png"), full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, "the page scrolls sideways on a phone"
    finally:
        context.close()


def test_desktop_pages_and_openapi(served: Served, watched: Watched) -> None:
    page = watched.page
    for name, path in [("changes", "/"), ("documents", "/documents?q=发展"),
                       ("document", f"/documents/{served.sample.plan}"), ("sites", "/sites"),
                       ("site", "/sites/demo"), ("notfound", "/documents/99999")]:
        page.goto(served.base + path)
        page.screenshot(path=str(served.shots / f"{name}-desktop.png"), full_page=True)
    response = page.goto(served.base + "/openapi.json")
    assert response is not None and response.status == 200
    spec = response.json()
    assert spec["info"]["title"] == "govwatch archive" and "/api/v1/documents" in spec["paths"]
    feed = page.goto(served.base + "/changes.atom")
    assert feed is not None and feed.headers["content-type"].startswith("application/atom+xml")
    assert sorted(p.name for p in served.shots.glob("*.png"))
