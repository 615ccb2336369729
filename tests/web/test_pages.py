"""The browser's pages over a sample archive, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.web.archive import PLAN_URL, Sample
from tests.web.conftest import TestClient


def test_recent_changes_lead_to_the_diff(client: TestClient, sample: Sample) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    # Baseline `new` events are hidden by default; the later news is shown, status first class.
    assert "关于下达2021年度专项资金补贴的通知" in html
    assert "关于做好春节期间有关工作的通知" not in html
    assert 'class="change change-status"' in html
    assert "<del>有效</del> → <ins>失效</ins>" in html
    assert "地区生产总值增长 <del>7%</del> → <ins>6.5%</ins>" in html
    link = f"/documents/{sample.plan}/diff?a=1&amp;b=2"
    assert link in html
    diff = client.get(link.replace("&amp;", "&"))
    assert diff.status_code == 200
    assert '<del class="num">7%</del>' in diff.text and '<ins class="num">6.5%</ins>' in diff.text
    assert "新增：全面落实减税降费政策" in diff.text


def test_kind_filter_and_baseline(client: TestClient) -> None:
    status_only = client.get("/?kind=status").text
    assert "2021年政府工作重点" in status_only
    assert "专项资金补贴" not in status_only
    with_baseline = client.get("/?baseline=true").text
    assert "关于做好春节期间有关工作的通知" in with_baseline
    assert client.get("/?kind=bogus").status_code == 400


def test_sites_show_health(client: TestClient) -> None:
    html = client.get("/sites").text
    assert "示例市人民政府" in html and "样本县人民政府" in html
    assert "health-ok" in html
    site = client.get("/sites/demo").text
    assert "最近的抓取记录" in site and "示例市财政局" in site
    assert client.get("/sites/nowhere").status_code == 404


def test_documents_filters_and_pages(client: TestClient) -> None:
    listed = client.get("/documents").text
    assert "共 <strong>5</strong> 篇" in listed
    by_publisher = client.get("/documents", params={"publisher": "示例市财政局"}).text
    assert "共 <strong>1</strong> 篇" in by_publisher and "专项资金补贴" in by_publisher
    assert "共 <strong>1</strong> 篇" in client.get("/documents", params={"status": "失效"}).text
    assert "共 <strong>2</strong> 篇" in client.get("/documents", params={"changed": "true"}).text
    dated = client.get("/documents", params={"date_from": "2021-02-01",
                                             "date_to": "2021-03-01"}).text
    assert "2021年政府工作重点" in dated and "春节期间" not in dated
    # Empty form fields are "no filter", not errors.
    assert client.get("/documents?date_from=&date_to=&site=&q=").status_code == 200
    assert client.get("/documents?date_from=2021-13").status_code == 400
    first = client.get("/documents", params={"site": "demo"}).text
    titles = re.findall(r'<div class="doc-title"><a href="/documents/\d+">([^<]+)</a>', first)
    assert titles[0] == "关于下达2021年度专项资金补贴的通知"   # newest 发布日期 first


def test_document_page(client: TestClient, sample: Sample) -> None:
    html = client.get(f"/documents/{sample.plan}").text
    assert "示发改〔2021〕1号" in html and "<th scope=\"row\">效力状况</th>" in html
    assert "第 3 版" in html and "第 1 版" in html
    assert f'href="{PLAN_URL}"' in html
    assert "变化记录" in html
    older = client.get(f"/documents/{sample.plan}/versions/1").text
    assert "你正在看第 1 版" in older and "地区生产总值增长7%" in older
    assert client.get(f"/documents/{sample.plan}/versions/9").status_code == 404
    missing = client.get("/documents/987654")
    assert missing.status_code == 404 and "没有找到" in missing.text


def test_any_two_versions_diff_both_views(client: TestClient, sample: Sample) -> None:
    side = client.get(f"/documents/{sample.plan}/diff", params={"a": 1, "b": 3}).text
    assert 'class="sbs"' in side
    assert "<del>有效</del>" in side and "<ins>失效</ins>" in side   # 效力状况 row
    inline = client.get(f"/documents/{sample.plan}/diff",
                        params={"a": 3, "b": 1, "view": "inline"}).text
    assert 'class="inline-diff"' in inline and '<del class="num">6.5%</del>' in inline
    same = client.get(f"/documents/{sample.plan}/diff", params={"a": 2, "b": 2}).text
    assert "正文相同" in same
    assert client.get(f"/documents/{sample.plan}/diff?a=1&b=7").status_code == 404
    assert client.get(f"/documents/{sample.plan}/diff?a=x&b=2").status_code == 400


def test_snapshot_is_framed_in_a_sandbox(client: TestClient, sample: Sample) -> None:
    wrapper = client.get(f"/documents/{sample.xss}/versions/1/snapshot").text
    assert re.search(r'<iframe class="snapshot" sandbox="" ', wrapper)
    raw = client.get(f"/documents/{sample.xss}/versions/1/raw")
    assert raw.status_code == 200
    csp = raw.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "script-src" not in csp and "default-src 'none'" in csp
    assert raw.headers["x-frame-options"] == "SAMEORIGIN"
    assert "<script>" in raw.text      # the page as fetched, to be seen only in the sandbox
    source = client.get(f"/documents/{sample.xss}/versions/1/raw?source=true")
    assert source.headers["content-type"].startswith("text/plain")


def test_errors_are_pages_chosen_by_status(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "没有找到" in missing.text
    bad = client.get("/documents?page=0")
    assert bad.status_code == 400 and "请求有误" in bad.text
    api = client.get("/api/v1/documents/987654")
    assert api.status_code == 404 and api.json()["status"] == 404


def test_css_is_served_and_cached(client: TestClient) -> None:
    css = client.get("/static/govwatch.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    again = client.get("/static/govwatch.css", headers={"if-none-match": css.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/../settings.py").status_code == 404


def test_a_value_moved_to_another_column_shows_the_cell_border() -> None:
    from monitor.diff import diff_texts
    from monitor.web.diffview import rows
    from monitor.web.render import web_environment

    diff = diff_texts("企业名称\t合格\t不合格\n示例食品有限公司\t√\t",
                      "企业名称\t合格\t不合格\n示例食品有限公司\t\t√")
    macros = web_environment().get_template("web/_partials/diff.html").module
    html = str(macros.side_by_side(rows(diff), "第 1 版", "第 2 版"))  # type: ignore[attr-defined]
    assert "<ins>│</ins>" in html and "<del>│</del>" in html
