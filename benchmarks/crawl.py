"""Crawl speed and memory on a generated portal on loopback.

``python -m benchmarks.crawl [--docs 10000] [--small 2000] [--db URL]``

A TRS-style portal of N documents (20 to a list page, ``createPageHTML`` pagination, one
attachment per ten documents, ETag and Last-Modified on every page) is generated on the fly by
an asyncio server in this process; each crawl runs in a child process, as ``govwatch crawl``
does. Reported, for N documents:

- the first (baseline) crawl: fetch + extract + store, documents per second;
- a recheck run where nothing changed and every document is due: conditional requests, 304s,
  no extraction — documents per second, and how many times faster than the first crawl
  (aim: at least 5×);
- a plain Scrapy fetch of the same pages (a minimal spider that only follows links), and the
  first crawl's time as a multiple of it;
- peak RSS of each crawl process, at ``--small`` documents and at ``--docs``, to show memory
  flat in the number of documents.

Politeness is tuned for loopback through settings overrides (the defaults would spend hours
on 10,000 pages, which is the point of them on a real portal).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PER_PAGE = 20
# Loopback: no delays, more connections; the defaults stay polite for real portals.
FAST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "GOVWATCH_PROGRESS_INTERVAL": 30,
    "LOG_LEVEL": "WARNING",
}
LAST_MODIFIED = "Mon, 15 Mar 2021 08:00:00 GMT"
CHROME_HEAD = "".join(
    f'<link rel="stylesheet" href="/css/style{k}.css"><script src="/js/lib{k}.js"></script>'
    for k in range(6)) + ("<script>var _hmt = _hmt || [];(function(){var hm = document."
                          "createElement('script');hm.src='https://hm.baidu.com/hm.js?0';})();"
                          "function setFontSize(s){document.getElementById('zoom').style."
                          "fontSize=s+'px';}</script>") * 4
CHROME_TOP = (
    '<div class="topbar">今天是：2021年3月15日 星期一 <a href="/wza/">无障碍</a> <a href="/en/">'
    'English</a></div><div class="header"><ul class="nav">'
    + "".join(f'<li><a href="/col/col{k}/index.html">一级栏目{k}</a><ul class="sub">'
              + "".join(f'<li><a href="/col/col{k}{j}/index.html">二级栏目{k}-{j}</a></li>'
                        for j in range(8)) + "</ul></li>" for k in range(10))
    + '</ul></div><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">'
      "政府信息公开</a> &gt; 政策文件</div>")
CHROME_BOTTOM = (
    '<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>'
    '<div class="links"><select>' + "".join(f"<option>友情链接{k}</option>" for k in range(40))
    + '</select></div><div class="footer"><p>主办单位：某市人民政府办公室 承办单位：某市大数据'
      "管理局</p><p>网站标识码：3202000000 苏ICP备00000000号 苏公网安备 32020002000000号</p>"
      '<p><a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a></p></div>')
PARAGRAPH = ("为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，激发市场主体活力，结合本市"
             "实际，现就做好第{n}项重点工作提出如下意见。各地各部门要加强组织领导，细化工作措施，"
             "确保各项任务落到实处。")


# --------------------------------------------------------------------------------- the portal


class Portal:
    """Pages generated from their path; counts what was asked."""

    def __init__(self, docs: int) -> None:
        self.docs = docs
        self.pages = (docs + PER_PAGE - 1) // PER_PAGE
        self.asked: Counter[str] = Counter()
        self.lock = threading.Lock()

    def _list(self, index: int) -> bytes:
        first = self.docs - index * PER_PAGE
        rows = "".join(
            f'<li><a href="./202103/t202103{n % 28 + 1:02d}_{n}.html" title="关于印发第{n}批'
            f'重点工作任务的通知">关于印发第{n}批重点工作任务的通知</a><span class="date">'
            f"2021-03-{n % 28 + 1:02d}</span></li>"
            for n in range(first, max(first - PER_PAGE, 0), -1))
        return self._layout("政策文件", f'<ul class="list">{rows}</ul><div class="page"><script>'
                            f'createPageHTML({self.pages}, {index}, "index", "html");</script>'
                            "</div>").encode()

    def _detail(self, n: int) -> bytes:
        body = "".join(f"<p>{PARAGRAPH.format(n=n * 10 + k)}</p>" for k in range(8))
        files = f'<p>附件：<a href="../files/{n}.pdf">任务分解表{n}.pdf</a></p>' if n % 10 == 0 \
            else ""
        table = (f"<table><tr><td>索引号：</td><td>014109429/2021-{n:05d}</td><td>发布机构：</td>"
                 f"<td>某市人民政府办公室</td></tr><tr><td>生成日期：</td><td>2021-03-01</td>"
                 f"<td>公开日期：</td><td>2021-03-01</td></tr><tr><td>文号：</td><td>某政办发"
                 f"〔2021〕{n}号</td><td>效力状况：</td><td>有效</td></tr></table>")
        return self._layout(f"关于印发第{n}批重点工作任务的通知",
                            f'<div class="xxgk">{table}</div><h1>关于印发第{n}批重点工作任务的通知'
                            f'</h1><div class="TRS_Editor">{body}{files}</div>').encode()

    @staticmethod
    def _layout(title: str, main: str) -> str:
        # Portal pages are mostly chrome: a 20-30 KB page around a few KB of document.
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某市人民政府'
                f"</title>{CHROME_HEAD}</head><body>{CHROME_TOP}<div class=\"main\">{main}</div>"
                f"{CHROME_BOTTOM}</body></html>")

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        kind, body = self._page(path)
        with self.lock:
            self.asked[kind] += 1
        if body is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        etag = '"' + hashlib.md5(path.encode()).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if headers.get("if-none-match") == etag:
            with self.lock:
                self.asked["304"] += 1
            return 304, validators, b""
        ctype = "application/pdf" if kind == "file" else (
            "text/plain" if kind == "robots" else "text/html; charset=UTF-8")
        return 200, {"Content-Type": ctype, **validators}, body

    def _page(self, path: str) -> tuple[str, bytes | None]:
        if path == "/robots.txt":
            return "robots", b"User-agent: *\nDisallow: /admin/\n"
        m = re.fullmatch(r"/bench/index(?:_(\d+))?\.html", path)
        if m:
            index = int(m.group(1) or 0)
            return "list", self._list(index) if index < self.pages else None
        m = re.fullmatch(r"/bench/202103/t202103\d\d_(\d+)\.html", path)
        if m and 1 <= int(m.group(1)) <= self.docs:
            return "detail", self._detail(int(m.group(1)))
        m = re.fullmatch(r"/bench/files/(\d+)\.pdf", path)
        if m:
            return "file", b"%PDF-1.4\n" + m.group(1).encode() * 200 + b"\n%%EOF\n"
        return "missing", None


class Server:
    """HTTP/1.1 with keep-alive on asyncio, in a thread: fast enough not to be what is timed."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                if int(headers.get("content-length", 0)):
                    await reader.readexactly(int(headers["content-length"]))
                status, extra, body = self.portal.respond(target.split("?", 1)[0], headers)
                head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n" + "".join(
                    f"{k}: {v}\r\n" for k, v in extra.items()) + "\r\n"
                writer.write(head.encode("latin-1") + (body if method != "HEAD" else b""))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=256))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> Server:
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)


# ---------------------------------------------------------------------------- child processes


def _child_crawl(argv: list[str]) -> None:
    """In the child: ``govwatch crawl`` in this process, then its peak RSS."""
    from monitor.cli import main as govwatch

    with contextlib.suppress(SystemExit):  # the crawl command ends with its exit status
        govwatch(argv, standalone_mode=False)
    _report_rss()


def _child_plain(start_url: str) -> None:
    """In the child: a minimal Scrapy spider fetching the same pages, nothing else."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    elapsed: dict[str, float] = {}

    class Plain(scrapy.Spider):
        # Scrapy's own settings, but the same loopback overrides as the govwatch crawls.
        name = "plain"
        custom_settings = {**FAST_SETTINGS, "ROBOTSTXT_OBEY": True}  # noqa: RUF012 (Scrapy declares it so)

        async def start(self) -> Any:
            elapsed["start"] = time.perf_counter()
            yield scrapy.Request(start_url, callback=self.parse_list)

        def parse_list(self, response: Any) -> Iterator[scrapy.Request]:
            for href in response.css("ul.list a::attr(href)").getall():
                yield response.follow(href, self.parse_detail)
            pager = re.search(r"createPageHTML\((\d+), (\d+),", response.text)
            if pager and int(pager.group(2)) + 1 < int(pager.group(1)):
                yield response.follow(f"index_{int(pager.group(2)) + 1}.html", self.parse_list)

        def parse_detail(self, response: Any) -> Iterator[scrapy.Request]:
            for href in response.css("a[href$='.pdf']::attr(href)").getall():
                yield response.follow(href, self.parse_file)

        def parse_file(self, response: Any) -> None:
            return None

        def closed(self, reason: str) -> None:
            elapsed["s"] = time.perf_counter() - elapsed["start"]

    process = CrawlerProcess({"LOG_LEVEL": "WARNING"})
    process.crawl(Plain)
    process.start()
    _report_rss(elapsed=elapsed.get("s", 0.0))


def _report_rss(**extra: float) -> None:
    # ru_maxrss is in kilobytes on Linux: the peak resident set of this process.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(os.environ["BENCH_REPORT"]).write_text(json.dumps({"rss_mb": peak, **extra}))


def _spawn(args: list[str]) -> tuple[dict[str, float], float]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as report:
        path = report.name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks.crawl", *args],
                          env={**os.environ, "BENCH_REPORT": path}, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    result = json.loads(Path(path).read_text())
    os.unlink(path)
    return result, wall


# ------------------------------------------------------------------------------- measurement


@dataclass(frozen=True)
class Crawl:
    seconds: float        # the run record's start to finish (no interpreter start-up)
    wall: float           # the whole child process
    rss_mb: float
    fetches: dict[str, int]
    requests: int


def _govwatch_crawl(config: Path, db_url: str, site: str) -> Crawl:
    from monitor.store.db import open_database
    from monitor.store.repository import Repository

    overrides = [arg for name, value in FAST_SETTINGS.items()
                 for arg in ("-s", f"{name}={json.dumps(value)}")]
    result, wall = _spawn(["--child-crawl", "--config", str(config), "--db", db_url, "crawl",
                           *overrides])
    database = open_database(db_url)
    with database.session() as session:
        run = Repository(session).runs(site, limit=1)[0]
    database.dispose()
    assert run.finished_at is not None, "the crawl did not finish"
    seconds = (run.finished_at - run.started_at).total_seconds()
    return Crawl(seconds, wall, result["rss_mb"], dict(run.stats.get("fetches", {})),
                 int(run.stats.get("requests", 0)))


def measure(docs: int, db_url: str | None) -> dict[str, Any]:
    portal = Portal(docs)
    server = Server(portal).start()
    work = Path(tempfile.mkdtemp(prefix="govwatch-bench-"))
    db = db_url or f"sqlite:///{work / 'bench.db'}"
    config = work / "sites.yaml"
    every_run = {"fresh_hours": 0, "recent_hours": 0, "old_hours": 0}
    site = f"bench-{docs}"
    config.write_text(json.dumps({"sites": [{
        "id": site, "name": "基准门户", "start_urls": [
            f"http://127.0.0.1:{server.port}/bench/index.html"],
        "max_list_pages": portal.pages + 1, "download_delay": 0, "recheck": every_run}]}),
        encoding="utf-8")
    try:
        first = _govwatch_crawl(config, db, site)
        first_asked = dict(portal.asked)
        portal.asked.clear()
        recheck = _govwatch_crawl(config, db, site)
        recheck_asked = dict(portal.asked)
        plain, plain_wall = _spawn(["--child-plain",
                                    f"http://127.0.0.1:{server.port}/bench/index.html"])
    finally:
        server.stop()
    return {"docs": docs, "first": first, "recheck": recheck, "plain": plain,
            "plain_wall": plain_wall, "first_asked": first_asked, "recheck_asked": recheck_asked}


def _print(m: dict[str, Any]) -> None:
    docs, first, recheck = m["docs"], m["first"], m["recheck"]
    plain = m["plain"]["elapsed"]
    print(f"--- {docs:,} documents ({(docs + PER_PAGE - 1) // PER_PAGE} list pages, "
          f"{docs // 10:,} attachments)")
    print(f"first crawl   {first.seconds:8.1f} s  {docs / first.seconds:8.1f} docs/s  "
          f"{first.requests:,} requests  peak RSS {first.rss_mb:6.1f} MB  "
          f"(process {first.wall:.1f} s)  fetches {first.fetches}")
    print(f"recheck run   {recheck.seconds:8.1f} s  {docs / recheck.seconds:8.1f} docs/s  "
          f"{recheck.requests:,} requests  peak RSS {recheck.rss_mb:6.1f} MB  "
          f"(process {recheck.wall:.1f} s)  fetches {recheck.fetches}")
    print(f"plain Scrapy  {plain:8.1f} s  {docs / plain:8.1f} docs/s  "
          f"peak RSS {m['plain']['rss_mb']:6.1f} MB  (process {m['plain_wall']:.1f} s)")
    print(f"recheck is {first.seconds / recheck.seconds:.1f}x faster than the first crawl "
          f"(aim >= 5x); first crawl takes {first.seconds / plain:.1f}x a plain fetch")
    print(f"server saw: first {m['first_asked']}; recheck {m['recheck_asked']}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-crawl":
        _child_crawl(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-plain":
        _child_plain(sys.argv[2])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000,
                        help="a smaller portal, to show memory flat in the number of documents")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    results = [measure(n, args.db) for n in sorted({args.small, args.docs}) if n > 0]
    for result in results:
        _print(result)
    if len(results) == 2:
        small, large = results
        print(f"peak RSS, first crawl: {small['first'].rss_mb:.1f} MB at {small['docs']:,} docs, "
              f"{large['first'].rss_mb:.1f} MB at {large['docs']:,} docs; recheck: "
              f"{small['recheck'].rss_mb:.1f} MB → {large['recheck'].rss_mb:.1f} MB")


if __name__ == "__main__":
    main()
