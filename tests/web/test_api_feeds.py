"""The JSON API and its OpenAPI description, Atom feeds read back with feedparser, downloads."""

from __future__ import annotations

import csv
import io
import json

import feedparser

from tests.web.archive import Sample
from tests.web.conftest import TestClient


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in ["/api/v1/sites", "/api/v1/changes", "/api/v1/documents",
                 "/api/v1/documents/{document_id}", "/api/v1/documents/{document_id}/diff",
                 "/api/v1/documents/{document_id}/versions/{n}", "/changes.atom",
                 "/documents.csv", "/documents.jsonl"]:
        assert path in paths, path
    assert "/" not in paths and "/documents/{document_id}" not in paths   # pages stay out
    params = {p["name"] for p in paths["/api/v1/documents"]["get"]["parameters"]}
    assert {"q", "site", "publisher", "category", "status", "date_from", "date_to",
            "changed", "page", "per_page"} <= params


def test_api_serves_the_same_data(client: TestClient, sample: Sample) -> None:
    sites = {s["id"]: s for s in client.get("/api/v1/sites").json()}
    assert sites["demo"]["documents"] == 4 and sites["demo"]["state"] == "ok"
    found = client.get("/api/v1/documents", params={"q": "补贴"}).json()
    assert found["total"] == 1 and found["items"][0]["id"] == sample.fund
    assert "补贴" in found["items"][0]["snippet"]
    doc = client.get(f"/api/v1/documents/{sample.plan}").json()
    assert doc["current_version"] == 3 and doc["status"] == "失效"
    assert [v["n"] for v in doc["version_list"]] == [3, 2, 1]
    assert {e["kind"] for e in doc["events"]} == {"new", "changed", "status"}
    version = client.get(f"/api/v1/documents/{sample.plan}/versions/1").json()
    assert "地区生产总值增长7%" in version["text"]
    diff = client.get(f"/api/v1/documents/{sample.plan}/diff", params={"a": 1, "b": 3}).json()
    assert diff["numbers"] == [{"context": "地区生产总值增长", "before": "7%", "after": "6.5%"}]
    assert {f["key"] for f in diff["fields"]} == {"status"}
    changes = client.get("/api/v1/changes", params={"kind": "status"}).json()
    assert [e["document_id"] for e in changes["items"]] == [sample.xss, sample.plan]
    assert client.get("/api/v1/documents?per_page=0").status_code == 422


def test_feeds_read_back(client: TestClient, sample: Sample) -> None:
    everything = feedparser.parse(client.get("/changes.atom").content)
    assert not everything.bozo, everything.get("bozo_exception")
    assert everything.feed.title == "govwatch · 最近变化"
    titles = [e.title for e in everything.entries]
    assert "[效力变更] 2021年政府工作重点" in titles
    status = next(e for e in everything.entries if e.title == "[效力变更] 2021年政府工作重点")
    assert status.link == f"http://testserver/documents/{sample.plan}/diff?a=2&b=3"
    assert "效力状况：有效 → 失效" in status.summary
    assert len({e.id for e in everything.entries}) == len(everything.entries)

    site = feedparser.parse(client.get("/sites/county/changes.atom").content)
    assert not site.bozo and site.feed.title == "govwatch · 样本县人民政府 · 最近变化"
    assert all(e.author == "样本县人民政府" for e in site.entries)
    # The payload title is text in the feed, as feed readers will show it.
    assert any("<img src=x onerror=" in e.title for e in site.entries)

    searched = feedparser.parse(client.get("/changes.atom", params={"q": "专项资金",
                                                                    "baseline": "true"}).content)
    assert [e.title for e in searched.entries] == ["[新文件] 关于下达2021年度专项资金补贴的通知"]
    assert client.get("/sites/nowhere/changes.atom").status_code == 404


def test_downloads_in_export_format(client: TestClient, sample: Sample) -> None:
    response = client.get("/documents.csv", params={"site": "demo"})
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 and {r["site"] for r in rows} == {"demo"}
    plan = next(r for r in rows if r["title"] == "2021年政府工作重点")
    assert plan["status"] == "失效" and plan["versions"] == "3"

    lines = [json.loads(line) for line in
             client.get("/documents.jsonl", params={"q": "补贴"}).text.splitlines()]
    assert [(o["type"], o["title"]) for o in lines] == [
        ("document", "关于下达2021年度专项资金补贴的通知")]
    full = [json.loads(line) for line in
            client.get("/documents.jsonl", params={"events": "true"}).text.splitlines()]
    assert {o["type"] for o in full} == {"document", "event"}
    assert client.get("/documents.jsonl", params={"events": "true", "q": "x"}).status_code == 400
    empty = client.get("/documents.csv", params={"q": "不存在的词语"}).content.decode("utf-8-sig")
    assert empty.startswith("site,url,title")
