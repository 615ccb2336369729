"""Escaping, headers, the Host check and the access token."""

from __future__ import annotations

import base64

import pytest

from monitor.exceptions import ServeError
from monitor.web.app import create_app
from monitor.web.render import safe_url
from monitor.web.settings import WebSettings, build_settings, check_exposure, is_loopback
from tests.web.archive import SITES, Sample
from tests.web.conftest import TestClient

PAYLOAD_MARKUP = ("<script>", "<img src=x", "<svg", "<b onmouseover", "<i onclick")


def test_payloads_are_escaped_everywhere(client: TestClient, sample: Sample) -> None:
    pages = [f"/documents/{sample.xss}", f"/documents/{sample.xss}/versions/1",
             f"/documents/{sample.xss}/diff?a=1&b=2", "/?baseline=true", "/documents",
             "/documents?q=税收优惠", f"/documents/{sample.xss}/versions/1/snapshot"]
    for path in pages:
        html = client.get(path).text
        for payload in PAYLOAD_MARKUP:
            assert payload not in html, (path, payload)
    doc = client.get(f"/documents/{sample.xss}").text
    assert "&lt;script&gt;" in doc and "&lt;svg onload=window.__pwned=3&gt;" in doc
    # A javascript: attachment address is shown as text, never as a link.
    assert "&lt;i onclick=window.__pwned=8&gt;细则&lt;/i&gt;.pdf" in doc
    assert 'href="javascript:' not in doc.lower()


def test_every_response_carries_the_security_headers(client: TestClient,
                                                      sample: Sample) -> None:
    for path in ["/", "/documents", f"/documents/{sample.plan}", "/nope", "/api/v1/sites",
                 "/changes.atom", "/openapi.json"]:
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(client: TestClient, sample: Sample) -> None:
    for path in ["/", "/sites", "/documents", f"/documents/{sample.plan}",
                 f"/documents/{sample.plan}/diff?a=1&b=3"]:
        html = client.get(path).text
        assert "<script" not in html and " style=" not in html and "<style" not in html


def test_attachments_download_never_render(client: TestClient, sample: Sample) -> None:
    assert client.get(f"/documents/{sample.fund}/versions/1/attachments/0").status_code == 404
    assert client.get(f"/documents/{sample.fund}/versions/1/attachments/7").status_code == 404


def test_host_header_must_name_this_server(client: TestClient) -> None:
    rebinding = client.get("/", headers={"host": "attacker.example"})
    assert rebinding.status_code == 400
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_token_is_required_when_configured(database: object, sample: Sample) -> None:
    token = "s3cret-token-of-enough-length"
    settings = WebSettings(base_url="http://testserver", token=token)
    app = create_app(database, settings, sites_config=SITES)  # type: ignore[arg-type]
    with TestClient(app) as anonymous:
        refused = anonymous.get("/")
        assert refused.status_code == 401 and "需要访问令牌" in refused.text
        assert refused.headers["www-authenticate"].startswith("Basic")
        assert anonymous.get("/api/v1/sites").status_code == 401
        assert anonymous.get("/openapi.json").status_code == 401
        assert anonymous.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
        bearer = anonymous.get("/", headers={"authorization": f"Bearer {token}"})
        assert bearer.status_code == 200
        basic = base64.b64encode(f"anyone:{token}".encode()).decode()
        assert anonymous.get("/changes.atom",
                             headers={"authorization": f"Basic {basic}"}).status_code == 200


def test_refuses_to_expose_the_archive_without_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("archive.example.org")
    check_exposure(build_settings(environ={}))               # loopback: fine without
    exposed = build_settings([("host", "0.0.0.0")], environ={})
    with pytest.raises(ServeError, match="GOVWATCH_WEB_TOKEN"):
        check_exposure(exposed)
    short = build_settings([("host", "0.0.0.0")], environ={"GOVWATCH_WEB_TOKEN": "abc"})
    with pytest.raises(ServeError, match="too short"):
        check_exposure(short)
    fine = build_settings([("host", "0.0.0.0"), ("token_env", "MY_TOKEN")],
                          environ={"MY_TOKEN": "x" * 32})
    check_exposure(fine)
    assert fine.token == "x" * 32 and "0.0.0.0" in fine.host_names()


def test_settings_are_checked() -> None:
    with pytest.raises(ServeError, match="unknown setting"):
        build_settings([("colour", "red")], environ={})
    with pytest.raises(ServeError, match="whole number"):
        build_settings([("page_size", "many")], environ={})
    assert build_settings([("page_size", "20")], environ={}).page_size == 20


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://www.gov.cn/a.pdf", True), ("http://x.cn/", True), ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False), ("data:text/html,<script>", False), ("//evil", False),
    ("vbscript:x", False), (None, False)])
def test_only_http_links_are_followed(url: str | None, allowed: bool) -> None:
    assert (safe_url(url) is not None) is allowed


def test_settings_table_documents_each_setting() -> None:
    from dataclasses import fields

    from monitor.web.server import settings_help
    from monitor.web.settings import SETTINGS

    names = {f.name for f in fields(WebSettings)} - {"token"}
    assert {s.name for s in SETTINGS} == names
    listed = settings_help()
    assert all(s.help and s.name in listed for s in SETTINGS)
    defaults = WebSettings()
    assert all(getattr(defaults, s.name) == s.default for s in SETTINGS)


def test_serve_refuses_exposure_from_the_command_line(tmp_path: object) -> None:
    from click.testing import CliRunner

    from monitor.cli import main

    config = f"{tmp_path}/c.yaml"
    with open(config, "w", encoding="utf-8") as fh:
        fh.write("sites: []\n")
    result = CliRunner().invoke(main, ["--config", config, "--db",
                                       f"sqlite:///{tmp_path}/x.db", "serve", "--host",
                                       "0.0.0.0"], env={"GOVWATCH_WEB_TOKEN": ""})
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
