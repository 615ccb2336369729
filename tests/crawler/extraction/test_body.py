"""The body: regions, trafilatura on the prepared tree, and the fallback when it returns little."""

from __future__ import annotations

import pytest

from crawler.extraction import body, extract
from crawler.extraction.chrome import strip_invisible
from crawler.extraction.region import find_region
from crawler.extraction.tree import parse_html

NOTICE = "因管网维修，3月2日8时至18时示例路沿线停水，请提前储水。"


def _root(html: str):  # type: ignore[no-untyped-def]
    root = parse_html(html)
    strip_invisible(root)
    return root


def test_markers_cut_the_region_to_the_content() -> None:
    root = _root('<html><body><div id="zoom"><p>字体大小</p><!--ZJEG_RSS.content.begin-->'
                 '<meta name="ContentStart"><p>正文一。</p>尾巴<p>正文二。</p>'
                 '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><p>打印本页</p></div>'
                 '</body></html>')
    region = find_region(root)
    assert region is not None and region.how == "markers"
    found = body.extract_body(root, region, title=None, url=None)
    assert (found.text, found.how) == ("正文一。\n尾巴\n正文二。", "markers")


def test_trafilatura_does_the_work_on_the_prepared_region() -> None:
    html = ('<html><body><div class="TRS_Editor"><div>第一段没有p标签。</div>'
            '<p>附件：<a href="/a.pdf">办法.pdf</a></p><table><tr><td>指标</td><td>数值</td></tr>'
            '<tr><td>产值</td><td>7%</td></tr></table></div></body></html>')
    root = _root(html)
    found = body.extract_body(root, find_region(root), title=None, url=None)
    assert found.how == "container"
    assert found.text == "第一段没有p标签。\n附件：办法.pdf\n指标\t数值\n产值\t7%"


@pytest.mark.parametrize("html", [
    f'<html><body><div id="zoom"><p>{NOTICE}</p></div></body></html>',
    f"<html><body><div class=nav><a href=/>首页</a></div><div class=x><p>{NOTICE}</p></div>"
    "</body></html>",
])
def test_a_short_chinese_notice_does_not_vanish(html: str) -> None:
    # Under trafilatura's 250-character minimum, with and without a known container.
    assert len(NOTICE) < 250
    x = extract(html.encode(), "http://www.example.gov.cn/tzgg/1.html")
    assert x.text == NOTICE
    assert not [w for w in x.warnings if "body" in w]


def test_fallback_when_trafilatura_returns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(body, "run_trafilatura", lambda tree, url: None)
    x = extract(f'<html><body><div id="zoom"><p>{NOTICE}</p><p>2021年3月1日</p></div>'
                f"</body></html>".encode(), "http://www.example.gov.cn/tzgg/1.html")
    assert x.text == f"{NOTICE}\n2021年3月1日"
    assert any("without trafilatura" in w for w in x.warnings)


def test_fallback_when_trafilatura_keeps_too_little(monkeypatch: pytest.MonkeyPatch) -> None:
    real = body.run_trafilatura

    def lossy(tree, url):  # type: ignore[no-untyped-def]
        result = real(tree, url)
        del result[1:]  # keep the first paragraph only
        return result

    monkeypatch.setattr(body, "run_trafilatura", lossy)
    paragraphs = [f"第{n}段内容，篇幅相当。" * 3 for n in range(1, 6)]
    html = '<div class="TRS_Editor">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"
    x = extract(f"<html><body>{html}</body></html>".encode(), "http://x.gov.cn/1.html")
    assert x.text == "\n".join(paragraphs)


def test_no_body_is_said() -> None:
    x = extract(b"<html><head><title>x</title></head><body><script>var a;</script></body></html>",
                "http://x.gov.cn/1.html")
    assert x.text == "" and not x.has_body
    assert "no body text found" in x.warnings


def test_title_repeated_at_the_top_of_the_body_is_dropped() -> None:
    x = extract('<html><head><title>关于甲的通知_示例市</title></head><body><h1>关于甲的通知</h1>'
                '<div class="article"><h2>关于甲的通知</h2><p>正文。</p></div></body></html>'
                .encode(), "http://x.gov.cn/1.html")
    assert (x.title, x.text) == ("关于甲的通知", "正文。")


def test_blocks_trafilatura_lost_at_the_ends_of_a_region_are_put_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = body.run_trafilatura

    def ends_lost(tree, url):  # type: ignore[no-untyped-def]
        result = real(tree, url)
        del result[0]   # the leading heading
        del result[-1]  # the closing table
        return result

    monkeypatch.setattr(body, "run_trafilatura", ends_lost)
    paragraphs = [f"第{n}条　专项资金每年不超过{n * 10}万元，由市财政局按季度拨付到各单位。"
                  for n in range(1, 21)]
    html = ('<div class="TRS_Editor"><h3>第一章　总则</h3>'
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "<table><tr><td>项目</td><td>金额</td></tr><tr><td>甲</td><td>10</td></tr></table>"
            "</div>")
    x = extract(f"<html><body>{html}</body></html>".encode(), "http://x.gov.cn/1.html")
    assert x.text.split("\n") == ["第一章 总则", *(p.replace("　", " ") for p in paragraphs),
                                  "项目\t金额", "甲\t10"]
    assert not [w for w in x.warnings if "body" in w]


def test_nothing_lost_at_the_ends_needs_no_second_reading(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def unused(element):  # type: ignore[no-untyped-def]
        raise AssertionError("read again although trafilatura kept both ends")

    monkeypatch.setattr(body, "linearize", unused)
    html = '<div id="zoom"><p>第一段。</p><p>第二段。</p><p>2021年3月1日</p></div>'
    x = extract(f"<html><body>{html}</body></html>".encode(), "http://x.gov.cn/1.html")
    assert x.text == "第一段。\n第二段。\n2021年3月1日"


def test_linearize_keeps_an_empty_first_cell() -> None:
    # Read without trafilatura, a row whose first cell is empty keeps that cell's tab: the
    # mark stays under 合格 and a move to 不合格 is a change.
    from lxml import html as lxml_html

    from crawler.extraction.body import linearize

    table = lxml_html.fromstring(
        "<div><table><tr><td>企业名称</td><td>合格</td><td>不合格</td></tr>"
        "<tr><td></td><td>√</td><td></td></tr></table></div>")
    rows = [line for line in linearize(table).split("\n") if line.strip()]
    assert rows == ["企业名称\t合格\t不合格", "\t√\t"]
