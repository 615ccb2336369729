"""Faults become fetch outcomes, never versions: timeouts, 5xx, truncated bodies, WAF and
JavaScript challenges, soft-404 and maintenance pages served with 200, robots.txt, Retry-After.
A site that is blocked, failing or rendered by JavaScript says so in the run summary and in its
run record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.demo.server import Page, PortalServer, make_etag
from tests.crawler.crawlrun import archive, crawl, write_config
from tests.crawler.faultserver import FaultServer, Reply, answer, in_turn, slow, truncated
from tests.crawler.portals import SITE_NAME, Doc, _footer, _header, _sidebar, detail_html, page
from tests.crawler.test_crawl_families import make_due

pytestmark = pytest.mark.slow
HTML = "text/html; charset=utf-8"
TS_CHALLENGE = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                b'<script type="text/javascript">$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};'
                b"$_ts.nsd=12345;$_ts.cd=\"qhzbrrAlcGlZ\";</script><script type=\"text/javascript\""
                b' src="/abc/def.js" r="m"></script></head><body></body></html>')
JSL_CHALLENGE = (b"<html><body><script>document.cookie=('_')+('_jsl_clearance')+('=1611712345.9|0"
                 b"|abc');location.href=location.pathname+location.search</script></body></html>")
WALL = (b'<html><head><meta http-equiv="refresh" content="0"><script>document.cookie='
        b'"wzws_cid=abc; path=/";</script></head><body></body></html>')
SELF_REFRESH = (b'<html><head><meta http-equiv="refresh" content="0;url={self}"></head>'
                b"<body>\xe8\xaf\xb7\xe7\xa8\x8d\xe5\x80\x99</body></html>")


def chrome_page(title: str, message: str) -> bytes:
    """An error page as portals serve them: the whole chrome around one line."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body>{_header()}<div class="position">当前位置：<a href="/">首页</a></div>
<div class="main"><div class="error-box"><img src="/images/404.png"><p>{message}</p>
<a href="/">返回首页</a></div></div>{_sidebar()}{_footer()}
<div class="friend-links">{"".join(f'<a href="http://www.{n}.gov.cn/">{n}市人民政府</a>'
                                     for n in ("wuxi", "changzhou", "suzhou", "nantong"))}
</div></body></html>""".encode()


def doc(n: int, path: str) -> Doc:
    return Doc(path, f"关于做好第{n}批重点项目申报工作的通知", f"2021-03-{n:02d}",
               f"014109420/2021-{n:05d}", (f"第{n}批重点项目申报工作有关事项通知如下。",
                                          "一、申报条件。二、申报材料。三、申报时间。"),
               ((f"附件{n}.pdf", f"/faults/files/{n}.pdf"),))


def faults_list(docs: list[tuple[Doc, str]]) -> bytes:
    rows = "".join(f'<li><a href="{href}" title="{d.title}">{d.title}</a><span>{d.date}</span>'
                   "</li>" for d, href in docs)
    return (f'<html><head><meta charset="utf-8"><title>通知公告_{SITE_NAME}</title></head><body>'
            f'{_header()}<ul class="list">{rows}</ul>{_footer()}</body></html>').encode()


def records(docs: list[Doc]) -> bytes:
    return "".join(f"<record><![CDATA[<li><a href='{d.path}' title='{d.title}'>{d.title}</a>"
                   f"<b>{d.date}</b></li>]]></record>" for d in docs).encode()


def hanweb_page(docs: list[Doc]) -> bytes:
    """A Hanweb 栏目 page whose jpage() asks the proxy by POST for the rest."""
    return (b'<html><head><meta charset="utf-8"></head><body><div id="8">'
            b'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/hg/module/web/'
            b'jpage/dataproxy.jsp?page=1&columnid=9&unitid=8"></a>]]></nextgroup><recordset>'
            + records(docs) + b"</recordset></datastore></script><script>$('#8').jpage({"
            b"totalRecord:6,perPage:3,groupSize:1,proxyUrl:'/hg/module/web/jpage/dataproxy.jsp',"
            b"ajaxParam:{col:1,webid:2,columnid:9,unitid:'8'}});</script></div></body></html>")


def test_faults_are_outcomes_never_versions(db_url: str, tmp_path: Path) -> None:
    good, large, flaky = doc(1, "/faults/202103/t20210301_1.html"), \
        doc(8, "/faults/202103/t20210308_8.html"), doc(11, "/t20210311_11.html")
    huge = b"%PDF-1.4\n" + b"0" * 10_000
    fault_routes = {
        "/t20210309_9.html": truncated(Reply(200, {"Content-Type": HTML}, b"<html><body>abc"),
                                       announced=5000),
        "/t20210310_10.html": slow(3, Reply(200, {"Content-Type": HTML}, b"late")),
        # Overloaded for a second, and says so: the retry waits, then succeeds.
        "/t20210311_11.html": in_turn(
            Reply(503, {"Content-Type": HTML, "Retry-After": "1"}, b"busy"),
            Reply(200, {"Content-Type": HTML}, detail_html(flaky).encode())),
        "/t20210312_12.html": answer(Reply(429, {"Content-Type": HTML, "Retry-After": "3600"},
                                           b"slow down")),
        "/t20210313_13.html": answer(Reply(500, {"Content-Type": HTML}, b"error")),
    }
    with FaultServer(fault_routes) as faults, PortalServer() as server:
        listed = [(good, good.path), (large, large.path), (flaky, faults.url(flaky.path))]
        outcomes: dict[str, str] = {}
        pages: dict[str, Page] = {
            good.path: page(detail_html(good).encode(), HTML),
            large.path: page(detail_html(large).encode(), HTML),
            "/faults/files/1.pdf": page(b"%PDF-1.4\nsmall\n%%EOF\n", "application/pdf"),
            "/faults/files/8.pdf": page(huge, "application/pdf"),
            "/robots.txt": page(b"User-agent: *\nDisallow: /faults/private/\n", "text/plain"),
        }
        local = {
            2: ("/faults/202103/t20210302_2.html", page(TS_CHALLENGE, HTML, status=412),
                "challenge"),
            3: ("/faults/202103/t20210303_3.html", page(JSL_CHALLENGE, HTML, status=521),
                "challenge"),
            4: ("/faults/202103/t20210304_4.html",
                page(chrome_page(f"页面不存在_{SITE_NAME}",
                                 "对不起，您访问的页面不存在或已被删除！"), HTML), "soft404"),
            5: ("/faults/202103/t20210305_5.html",
                page(chrome_page(f"系统维护中_{SITE_NAME}", "系统维护中，请稍后再访问。"), HTML),
                "maintenance"),
            6: ("/faults/202103/t20210306_6.html",
                page(WALL, HTML, headers={"Set-Cookie": "wzws_cid=abc; Path=/"}), "challenge"),
            7: ("/faults/private/t20210307_7.html", page(detail_html(good).encode(), HTML),
                "robots"),
            16: ("/faults/202103/t20210316_16.html",
                 page(SELF_REFRESH.replace(b"{self}", b"/faults/202103/t20210316_16.html"),
                      HTML, headers={"Set-Cookie": "wall=1; Path=/"}), "challenge"),
        }
        for n, (path, served, outcome) in local.items():
            pages[path] = served
            listed.append((doc(n, path), path))
            outcomes[server.url(path)] = outcome
        remote = {9: "truncated", 10: "timeout", 12: "throttled", 13: "server_error"}
        for n, outcome in remote.items():
            path = f"/t202103{n:02d}_{n}.html"
            listed.append((doc(n, path), faults.url(path)))
            outcomes[faults.url(path)] = outcome
        pages["/faults/index.html"] = page(faults_list(listed), HTML)
        server.set_pages(pages)
        config = write_config(tmp_path / "sites.yaml", [{
            "id": "faults", "start_urls": [server.url("/faults/index.html")],
            "download_delay": 0}])

        done = crawl(config, db_url, settings={"DOWNLOAD_TIMEOUT": 1,
                                               "GOVWATCH_ATTACHMENT_MAXSIZE": 2000})
        assert done.returncode == 0, done.stdout + done.stderr  # partial: not a failed site
        stored = archive(db_url, "faults")
        # Only the three real documents are in the archive.
        assert set(stored.documents) == {server.url(good.path), server.url(large.path),
                                         faults.url(flaky.path)}
        found = {f.url: f.outcome for f in stored.fetches if f.kind == "detail"}
        assert {url: found.get(url) for url in outcomes} == outcomes
        assert stored.run.status == "partial"
        assert "challenge" in (stored.run.message or "")
        # The oversized attachment is recorded by name and URL, without a hash.
        (kept,) = stored.versions[server.url(large.path)][0].attachments
        assert kept["sha256"] is None and kept["url"] == server.url("/faults/files/8.pdf")
        # Retries: the 503 was retried after its Retry-After, the 429 asking for an hour was
        # not retried in this run, the 500 was retried once (RETRY_TIMES=1).
        times = [r.at for r in faults.requests if r.path == "/t20210311_11.html"]
        assert len(times) == 2 and times[1] - times[0] >= 0.9
        counts = Counter(r.path for r in faults.requests)
        assert counts["/t20210312_12.html"] == 1 and counts["/t20210313_13.html"] == 2
        assert "failed:" in done.stdout and "timeout 1" in done.stdout

        # A month later the good document is under maintenance and the other behind a WAF:
        # fetch outcomes again, and no version, no event.
        pages[good.path] = page(chrome_page("系统维护中", "网站系统维护中，暂停访问"), HTML)
        pages[large.path] = replace(pages[local[2][0]])
        server.set_pages(pages)
        make_due(db_url)
        again = crawl(config, db_url, settings={"DOWNLOAD_TIMEOUT": 1})
        after = archive(db_url, "faults")
        found = {f.url: f.outcome for f in after.fetches if f.kind == "detail"}
        assert found[server.url(good.path)] == "maintenance"
        assert found[server.url(large.path)] == "challenge"
        assert all(len(v) == 1 for v in after.versions.values())
        assert "events: none" in again.stdout
        assert after.documents[server.url(good.path)].state == "active"


def test_site_faults_are_reported_and_odd_lists_still_read(db_url: str, tmp_path: Path) -> None:
    """Blocked, JavaScript-rendered, robots-forbidden and down sites fail with the reason; a
    sparse column, a pager looping back and a Hanweb proxy refusing POST are read right."""
    shell = (Path(__file__).parent / "pages" / "js_shell_list.html").read_bytes()
    notice = replace(doc(3, "/sparse/202103/t20210303_3.html"),
                     title="关于网站系统升级期间暂停服务的公告")
    loop_docs = [doc(n, f"/loop/202103/t2021030{n}_{n}.html") for n in (1, 2)]
    hg_docs = [doc(n, f"/hg/art/2021/3/{n}/art_9_{n}.html") for n in range(1, 7)]
    looped = faults_list([(d, d.path) for d in loop_docs]).replace(
        b"</ul>", "</ul><a href=\"NEXT\">下一页</a>".encode())
    pages = {
        "/waf/index.html": page(TS_CHALLENGE, HTML, status=412),
        "/shell/index.html": page(shell, HTML),
        "/secret/index.html": page(faults_list([]), HTML),
        "/robots.txt": page(b"User-agent: *\nDisallow: /secret/\n", "text/plain"),
        "/busy/index.html": page(chrome_page("系统维护", "系统升级维护中"), HTML, status=503,
                                 headers={"Retry-After": "86400"}),
        # A column whose only notice is about maintenance is a list, not a maintenance page.
        "/sparse/index.html": page(faults_list([(notice, notice.path)]), HTML),
        notice.path: page(detail_html(notice).encode(), HTML),
        # Past its end, a pager that answers page 1 again: the column ends there.
        "/loop/list.do": page(looped.replace(b"NEXT", b"list.do?page=2"), HTML),
        "/loop/list.do?page=2": page(looped.replace(b"NEXT", b"list.do?page=3"), HTML),
        "/loop/list.do?page=3": page(b"", HTML, status=500),
        **{d.path: page(detail_html(d).encode(), HTML) for d in loop_docs},
        # A Hanweb proxy that refuses the POST but answers the nextgroup link's GET.
        "/hg/col/col9/index.html": page(hanweb_page(hg_docs[:3]), HTML),
        "/hg/module/web/jpage/dataproxy.jsp?page=1&columnid=9&unitid=8": page(
            b"<datastore><recordset>" + records(hg_docs[3:]) + b"</recordset></datastore>",
            "text/xml"),
        **{d.path: page(detail_html(d).encode(), HTML) for d in hg_docs},
    }
    with PortalServer(pages) as server:
        config = write_config(tmp_path / "sites.yaml", [
            {"id": site, "start_urls": [server.url(f"/{site}/index.html")], "download_delay": 0}
            for site in ("waf", "shell", "secret", "busy", "sparse")] + [
            {"id": "loop", "start_urls": [server.url("/loop/list.do")], "download_delay": 0},
            {"id": "hg", "start_urls": [server.url("/hg/col/col9/index.html")],
             "download_delay": 0}])
        done = crawl(config, db_url)
        assert done.returncode == 3, done.stdout + done.stderr
        lines = {line.split(":", 1)[0]: line for line in done.stdout.splitlines()}
        assert "BLOCKED" in lines["waf"] and "$_ts" in lines["waf"]
        assert "FAILED" in lines["shell"]
        assert "the portal renders its list with JavaScript" in lines["shell"]
        assert "BLOCKED" in lines["secret"] and "robots.txt" in lines["secret"]
        assert "FAILED" in lines["busy"] and "maintenance 1" in lines["busy"]
        for site, status in (("waf", "blocked"), ("shell", "failed"), ("secret", "blocked"),
                             ("busy", "failed")):
            stored = archive(db_url, site)
            assert stored.run.status == status, (site, stored.run.message)
            assert stored.documents == {}
        sparse = archive(db_url, "sparse")
        assert sparse.run.status == "ok" and set(sparse.documents) == {server.url(notice.path)}
        hanweb_get = archive(db_url, "hg")
        assert hanweb_get.run.status == "ok" and len(hanweb_get.documents) == 6
        assert ("POST", "/hg/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6"
                        "&perpage=3") in [(r.method, r.path) for r in server.requests]
        loop = archive(db_url, "loop")
        assert loop.run.status == "ok" and len(loop.documents) == 2
        assert "/loop/list.do?page=3" not in [r.path for r in server.requests]
        shell_run = archive(db_url, "shell").run
        assert "renders its list with JavaScript" in (shell_run.message or "")
        # The 503 asked for a day: one request, no retry.
        assert [r.path for r in server.requests].count("/busy/index.html") == 1


@pytest.mark.parametrize("status", [200])
def test_page_helpers_make_distinct_etags(status: int) -> None:
    a, b = page(b"a", HTML, status=status), page(b"b", HTML, status=status)
    assert a.etag != b.etag and a.etag == make_etag(b"a")
