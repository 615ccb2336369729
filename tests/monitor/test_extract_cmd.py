"""``govwatch extract FILE_OR_URL [--url URL]``: DESIGN.md's document fields as JSON, and on
stderr what it could not find. Network: a server on 127.0.0.1 only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main

PAGE = """<html><head><meta charset="{charset}">
<title>关于甲事项的通知_示例市人民政府</title></head>
<body><div class="crumbs">当前位置：首页 &gt; 政策文件</div>
<table class="xxgk"><tr><td>索引号</td><td>000001/2021-00001</td>
<td>发布机构</td><td>示例市人民政府</td></tr>
<tr><td>文号</td><td>示政发〔2021〕1号</td><td>成文日期</td><td>2021年2月8日</td></tr></table>
<h1>关于甲事项的通知</h1><div id="zoom"><p>各区人民政府：</p><p>现将有关事项通知如下。</p>
<p>附件：<a href="files/a.pdf">实施细则</a></p></div>
<div class="footer">版权所有：示例市人民政府</div></body></html>"""
DOCUMENT_FIELDS = {"type", "url", "title", "metadata", "metadata_raw", "text", "attachments"}


def run(*args: str) -> tuple[int, dict[str, object] | None, str]:
    result = CliRunner().invoke(main, ["extract", *args])
    data = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, data, result.stderr


def test_saved_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    code, data, stderr = run(str(path), "--url", "http://www.example.gov.cn/zcwj/202102/"
                                                 "t20210218_1.html")
    assert code == 0 and data is not None
    assert set(data) >= DOCUMENT_FIELDS
    assert data["type"] == "document"
    assert data["title"] == "关于甲事项的通知"
    assert data["metadata"] == {"index_no": "000001/2021-00001", "publisher": "示例市人民政府",
                                "doc_no": "示政发〔2021〕1号", "created": "2021-02-08"}
    assert data["text"] == "各区人民政府：\n现将有关事项通知如下。\n附件：实施细则"
    assert data["attachments"] == [{"name": "实施细则", "sha256": None,
                                    "url": "http://www.example.gov.cn/zcwj/202102/files/a.pdf"}]
    assert data["published"] == "2021-02-18"
    assert stderr == ""


def test_no_metadata_is_said_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text('<html><body><div class="TRS_Editor"><p>一则简讯。</p></div></body></html>',
                    encoding="utf-8")
    code, data, stderr = run(str(path))
    assert code == 0 and data is not None and data["metadata"] == {}
    assert "no metadata found" in stderr


def test_no_body_is_said_and_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "shell.html"
    path.write_text("<html><body><script>loadList()</script></body></html>", encoding="utf-8")
    code, data, stderr = run(str(path))
    assert code == 3 and data is not None and data["text"] == ""
    assert "no body text found" in stderr


def test_missing_file(tmp_path: Path) -> None:
    code, data, stderr = run(str(tmp_path / "nope.html"))
    assert (code, data) == (2, None)
    assert "no such file" in stderr


@pytest.fixture
def portal() -> Iterator[str]:
    """A page served as GBK with a bare text/html header (as Hanweb portals do)."""
    body = PAGE.format(charset="gb2312").encode("gbk")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/art/2021/2/18/art_1_2.html"
    finally:
        server.shutdown()
        server.server_close()


def test_live_url(portal: str) -> None:
    code, data, stderr = run(portal)
    assert code == 0 and data is not None
    assert data["url"] == portal
    assert data["encoding"] == "gb18030"
    assert data["title"] == "关于甲事项的通知"
    assert data["published"] == "2021-02-18"
    assert stderr == ""
