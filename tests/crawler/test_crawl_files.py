"""Columns whose rows link straight to files (a 规划 column listing PDFs, a 政策文件 column whose
rows are Word files): each file is a document, titled by its row, versioned by its bytes — a
replaced file is a change, the same bytes are not, and an error page at its URL is a fault — and
a PDF's text is read, so an edit inside it is told like a page's. Real crawls of a local portal;
the server's request log says what each run asked for.

``files/plan-v1.pdf`` and ``plan-v2.pdf`` are ``files/plan-v*.html`` printed by Chromium
(``chromium --headless --print-to-pdf``), whose CJK fonts map many ideographs to the radical
blocks, as real PDFs do."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.discovery import discover
from crawler.extraction import extract
from crawler.extraction.files import file_format
from monitor.demo.server import Page, PortalServer
from tests.crawler.crawlrun import Archive, archive, crawl, write_config
from tests.crawler.test_crawl_families import make_due

HTML = "text/html; charset=UTF-8"
FILES = Path(__file__).parent / "files"
SITE = "plans"
MODIFIED = datetime(2021, 3, 1, tzinfo=UTC)


def pdf(label: str) -> bytes:
    """A small PDF whose bytes depend on ``label``."""
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + label.encode()
            + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")


DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" + b"\x00" * 40

ROWS = [
    ("/uploadfiles/2021/03/P020210310_plan.pdf",
     "测试市国民经济和社会发展第十四个五年规划纲要", "2021-03-10"),
    ("/uploadfiles/2021/02/P020210218_rules.docx",
     "测试市专项资金管理办法（征求意见稿）", "2021-02-18"),
    ("/module/download/downfile.jsp?classid=0&filename=2101.pdf",
     "测试市2021年重点项目投资计划", "2021-01-05"),
]
NOTICE = "测试市关于2021年规划编制工作的通知"
NOTICE_PDF = "/uploadfiles/2021/01/P020210102_notice.pdf"


def list_page(rows: list[tuple[str, str, str]], *, with_page: bool = False) -> bytes:
    items = "\n".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'
        for href, title, date in rows)
    extra = (f'<li><a href="/art/2021/1/2/art_1_9.html">{NOTICE}</a>'
             f'<a href="{NOTICE_PDF}">{NOTICE}（PDF版）</a>'
             "<span>2021-01-02</span></li>") if with_page else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>规划计划_测试市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/xxgk/">信息公开</a></div>
<div class="list"><ul>
{items}
{extra}
</ul></div>
<div class="footer"><a href="/uploadfiles/wzsm.pdf">网站声明与隐私保护说明文件</a></div>
</body></html>""".encode()


def notice_page() -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{NOTICE}</title>
</head><body><div class="article"><h1>{NOTICE}</h1>
<div class="content"><p>各区人民政府，市各委办局：现将2021年规划编制工作有关事项通知如下，
请认真贯彻落实。</p>
<p>附件：<a href="{NOTICE_PDF}">{NOTICE}（PDF版）</a></p>
</div></div></body></html>""".encode()


def file_page(body: bytes, content_type: str = "application/pdf", tag: str = "v1") -> Page:
    return Page(body, headers={"Content-Type": content_type}, etag=tag, last_modified=MODIFIED)


def portal(*, plan: bytes | None = None, with_page: bool = False) -> dict[str, Page]:
    pages = {
        "/ghjh/index.html": Page(list_page(ROWS, with_page=with_page),
                                 headers={"Content-Type": HTML}),
        ROWS[0][0]: file_page(plan or pdf("plan v1"), tag=f"p-{len(plan or b'')}"),
        # Word files are often served as octet-stream: the bytes say what they are.
        ROWS[1][0]: file_page(DOCX, "application/octet-stream"),
        ROWS[2][0]: file_page(pdf("investment plan")),
        "/uploadfiles/wzsm.pdf": file_page(pdf("statement")),
    }
    if with_page:
        pages["/art/2021/1/2/art_1_9.html"] = Page(notice_page(), headers={"Content-Type": HTML})
        pages[NOTICE_PDF] = file_page(pdf("notice"))
    return pages


def run(tmp_path: Path, db_url: str, server: PortalServer) -> tuple[str, Archive]:
    config = write_config(tmp_path / "sites.yaml", [{
        "id": SITE, "start_urls": [server.url("/ghjh/index.html")], "download_delay": 0}])
    done = crawl(config, db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, archive(db_url, SITE)


def asked(server: PortalServer) -> list[str]:
    return [r.path for r in server.requests if r.path != "/robots.txt"]


# ------------------------------------------------------------------------------ unit level


def test_file_bytes_are_told_by_their_signature() -> None:
    assert file_format(pdf("x")) == "pdf"
    assert file_format(DOCX) is not None
    assert file_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20) is not None
    assert file_format(b"<!DOCTYPE html><html><body>%PDF-</body></html>") is None
    assert file_format("<html><body>页面不存在</body></html>".encode("gbk")) is None


def test_a_file_extracts_as_its_own_hashed_attachment() -> None:
    url = "https://www.example.gov.cn/uploadfiles/2021/03/P020210310_plan.pdf"
    result = extract(pdf("plan v1"), url, content_type="application/octet-stream")
    assert result.is_file and result.title is None and result.text == ""
    [file] = result.attachments
    assert (file.name, file.url, file.size) == ("P020210310_plan.pdf", url, len(pdf("plan v1")))
    assert file.sha256 and file.sha256 != extract(pdf("plan v2"), url).attachments[0].sha256
    assert "the document is a file (pdf" in result.warnings[0]
    assert extract(pdf("plan v1"), url) == result   # the same bytes always read the same


def test_a_pdfs_text_is_read_with_its_radicals_as_ideographs() -> None:
    url = "https://www.example.gov.cn/uploadfiles/plan.pdf"
    raw = (FILES / "plan-v1.pdf").read_bytes()
    result = extract(raw, url)
    assert result.text.splitlines() == [
        "测试市国民经济和社会发展第十四个五年规划纲要",
        "一、发展目标。到二〇二五年，地区生产总值年均增长7%左右，规模以上工业增加值年均增长8%。",
        "二、民生保障。新建幼儿园24所，新增城镇就业岗位十二万个，城乡居民收入稳步增长。",
        "三、保障措施。各地各部门要加强组织领导，压实工作责任，确保各项任务落到实处。"]
    assert "text read from its 1 page(s)" in result.warnings[0]
    broken = extract(b"%PDF-1.4\n1 0 obj <<", url)
    assert broken.text == "" and "its text could not be read" in broken.warnings[0]


def test_the_extract_command_says_what_a_file_is(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf("plan"))
    done = subprocess.run([sys.executable, "-m", "monitor", "extract", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["attachments"][0]["sha256"] and printed["text"] == ""
    assert "the document is a file (pdf" in done.stderr
    assert "no body text found" not in done.stderr


def test_discovery_takes_file_rows_but_not_a_pages_own_file_or_the_footer() -> None:
    base = "https://www.example.gov.cn/ghjh/index.html"
    listing = discover(list_page(ROWS, with_page=True).decode(), base,
                       domains=["example.gov.cn"])
    found = {link.url.removeprefix("https://www.example.gov.cn"): (link.title, link.date)
             for link in listing.links}
    assert found == {
        **{href: (title, date) for href, title, date in ROWS},
        "/art/2021/1/2/art_1_9.html": ("测试市关于2021年规划编制工作的通知", "2021-01-02"),
    }


# ----------------------------------------------------------------------------- real crawls


@pytest.mark.slow
def test_files_listed_as_documents_are_archived_and_replaced_files_are_changes(
        tmp_path: Path, sqlite_url: str) -> None:
    with PortalServer(portal(with_page=True)) as server:
        summary, first = run(tmp_path, sqlite_url, server)
        urls = {server.url(href): title for href, title, _ in ROWS}
        page_url = server.url("/art/2021/1/2/art_1_9.html")
        assert set(first.documents) == {*urls, page_url}, summary
        for url, title in urls.items():
            doc = first.documents[url]
            [version] = first.versions[url]
            assert doc.list_title == title and version.text == "" and version.title is None
            [file] = version.attachments
            assert file["url"] == url and file["sha256"] and version.raw_sha256 == file["sha256"]
        # The page's own PDF is its attachment, not a document; the footer's file is no row.
        [notice] = first.versions[page_url]
        assert [a["name"] for a in notice.attachments] == [f"{NOTICE}（PDF版）"]
        assert server.url("/uploadfiles/wzsm.pdf") not in first.documents
        # Each file fetched once: not again as its own attachment.
        assert asked(server).count(ROWS[0][0]) == 1

        # The export titles a file document by its row.
        done = subprocess.run([sys.executable, "-m", "monitor", "--db", sqlite_url, "export"],
                              capture_output=True, text=True, timeout=60)
        exported = {o["url"]: o for o in map(json.loads, done.stdout.splitlines())}
        plan = server.url(ROWS[0][0])
        assert exported[plan]["title"] == ROWS[0][1]
        assert exported[plan]["attachments"][0]["sha256"] == \
            first.versions[plan][0].attachments[0]["sha256"]

        # Rechecked unchanged: one conditional request per file (a 304), no version, no event.
        make_due(sqlite_url)
        server.clear_requests()
        _, second = run(tmp_path, sqlite_url, server)
        assert all(len(second.versions[url]) == 1 for url in urls)
        assert asked(server).count(ROWS[0][0]) == 1
        outcomes = {f.url: f.outcome for f in second.fetches if f.kind == "detail"}
        assert outcomes[plan] == "not_modified"

        # The plan replaced at the same URL: a new version and a changed event.
        server.set_pages(portal(plan=pdf("plan v2, 修订"), with_page=True))
        make_due(sqlite_url)
        _, third = run(tmp_path, sqlite_url, server)
        versions = third.versions[plan]
        assert len(versions) == 2
        assert versions[0].attachments[0]["sha256"] != versions[1].attachments[0]["sha256"]
        assert third.documents[plan].state == "active"
        kinds = _events(sqlite_url, plan)
        assert kinds == ["new", "changed"]


@pytest.mark.slow
def test_an_edit_inside_a_pdf_is_told_with_its_numbers(tmp_path: Path, sqlite_url: str) -> None:
    first, second = ((FILES / f"plan-v{n}.pdf").read_bytes() for n in (1, 2))
    with PortalServer(portal(plan=first)) as server:
        _, stored = run(tmp_path, sqlite_url, server)
        plan = server.url(ROWS[0][0])
        assert "地区生产总值年均增长7%左右" in stored.versions[plan][0].text
        server.set_pages(portal(plan=second))
        make_due(sqlite_url)
        _, stored = run(tmp_path, sqlite_url, server)
        assert len(stored.versions[plan]) == 2
        [event] = [e for e in _event_records(sqlite_url, plan) if e.kind == "changed"]
        told = {(n["before"], n["after"]) for n in event.summary["numbers"]}
        assert told == {("7%", "6.5%"), ("24所", "30所")}
        # Searched by its text, not only its row's title.
        done = subprocess.run([sys.executable, "-m", "monitor", "--db", sqlite_url, "export"],
                              capture_output=True, text=True, timeout=60)
        exported = {o["url"]: o for o in map(json.loads, done.stdout.splitlines())}
        assert "新建幼儿园30所" in exported[plan]["text"]


@pytest.mark.slow
def test_an_error_page_at_a_files_url_is_a_fault_not_a_version(tmp_path: Path,
                                                              sqlite_url: str) -> None:
    with PortalServer(portal()) as server:
        run(tmp_path, sqlite_url, server)
        plan = server.url(ROWS[0][0])
        broken = portal()
        maintenance = "<html><head><title>系统维护</title></head><body>系统维护中，请稍后访问"
        broken[ROWS[0][0]] = Page(f"{maintenance}</body></html>".encode(),
                                  headers={"Content-Type": HTML})
        server.set_pages(broken)
        make_due(sqlite_url)
        _, stored = run(tmp_path, sqlite_url, server)
        assert len(stored.versions[plan]) == 1
        outcome = {f.url: f.outcome for f in stored.fetches if f.kind == "detail"}[plan]
        assert outcome == "maintenance", outcome
        assert _events(sqlite_url, plan) == ["new"]


def _event_records(db_url: str, url: str) -> list[Any]:
    from monitor.store.db import open_database
    from monitor.store.repository import Repository

    database = open_database(db_url)
    try:
        with database.session() as session:
            return [e for e in sorted(Repository(session).events(site_id=SITE),
                                      key=lambda e: e.id) if e.url == url]
    finally:
        database.dispose()


def _events(db_url: str, url: str) -> list[str]:
    return [e.kind for e in _event_records(db_url, url)]
