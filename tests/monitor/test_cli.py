"""The command line as users meet it: one clear line for a mistake, never a traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main

SITE = "sites:\n  - id: demo\n    name: 示例\n    start_urls: [http://127.0.0.1:9/list.html]\n"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(SITE, encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sites_lists_and_validates(config: Path, sqlite_url: str) -> None:
    code, out, _ = invoke("--config", str(config), "--db", sqlite_url, "sites")
    assert code == 0
    assert "demo  示例" in out and "1 sites, 0 subscriptions: configuration OK" in out


def test_config_mistake_is_one_line_with_exit_2(tmp_path: Path, sqlite_url: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sites:\n  - id: demo\n    start_urls: [nope]\n", encoding="utf-8")
    code, _, err = invoke("--config", str(bad), "--db", sqlite_url, "sites")
    assert code == 2
    assert err.strip() == (f"govwatch: {bad}:3: sites[0].start_urls: 'nope' is not an "
                           "http(s) URL")
    assert "Traceback" not in err


def test_unknown_site_names_the_known_ones(config: Path, sqlite_url: str) -> None:
    code, _, err = invoke("--config", str(config), "--db", sqlite_url, "crawl", "nosuch")
    assert code == 2 and "no site with id 'nosuch' (known: demo)" in err


def test_bad_database_url(config: Path, tmp_path: Path) -> None:
    code, _, err = invoke("--config", str(config), "--db", "nonsense", "export")
    assert code == 1 and "is not a database URL" in err
    code, _, err = invoke("--config", str(config), "--db",
                          f"sqlite:///{tmp_path}/missing/dir/x.db", "export")
    assert code == 1 and "does not exist" in err


def test_db_upgrade_and_current(config: Path, sqlite_url: str) -> None:
    code, out, _ = invoke("--config", str(config), "--db", sqlite_url, "db", "upgrade")
    assert code == 0 and "→" in out
    code, out, _ = invoke("--config", str(config), "--db", sqlite_url, "db", "current")
    assert code == 0 and "up to date" in out


def test_export_of_an_empty_archive(config: Path, db_url: str) -> None:
    code, out, _ = invoke("--config", str(config), "--db", db_url, "export", "--events")
    assert code == 0 and out == ""
    code, out, _ = invoke("--config", str(config), "--db", db_url, "export", "--format", "csv")
    assert code == 0
    assert next(csv.reader(io.StringIO(out)))[:3] == ["site", "url", "title"]
    code, _, err = invoke("--config", str(config), "--db", db_url, "export", "--format", "csv",
                          "--events")
    assert code == 2 and "--events needs --format jsonl" in err


def test_digest_with_nothing_to_say(config: Path, db_url: str) -> None:
    code, out, _ = invoke("--config", str(config), "--db", db_url, "digest")
    assert code == 0 and "Nothing to report." in out


def test_extract_missing_file(tmp_path: Path) -> None:
    code, _, err = invoke("extract", str(tmp_path / "nope.html"))
    assert code == 2 and "no such file" in err


def test_extract_saved_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes("""<html><head><meta charset="gbk"><title>关于印发方案的通知_示例市</title>
    </head><body><table><tr><td>索引号：</td><td>0140/2021-1</td><td>发布机构：</td>
    <td>示例市人民政府</td></tr></table><div id="zoom"><p>各区人民政府：现印发给你们。</p>
    </div></body></html>""".encode("gbk"))
    code, out, _ = invoke("extract", str(page), "--url", "http://www.example.gov.cn/a.html")
    assert code == 0
    data = json.loads(out)
    assert data["metadata"]["index_no"] == "0140/2021-1"
    assert data["metadata"]["publisher"] == "示例市人民政府"
    assert "现印发给你们" in data["text"]
