"""Bytes to text: header, then <meta>, then detection; the GB family as gb18030; never Latin-1."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crawler.extraction import extract
from crawler.extraction.encoding import canonical, decode, decode_page
from crawler.extraction.text import to_traditional

DOC = "<html><head>{meta}<title>通知</title></head><body><p>{text}</p></body></html>"
TEXT = "各区人民政府，市各委办局：现将《示例市节约用水管理办法》印发给你们，请认真贯彻执行。" * 3


def page(text: str = TEXT, meta: str = "", codec: str = "utf-8") -> bytes:
    return DOC.format(meta=meta, text=text).encode(codec)


@pytest.mark.parametrize(("label", "expected"), [
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"),
    ("GB18030", "gb18030"), ("UTF-8", "utf-8"), ("utf8", "utf-8"), ("big5", "big5"),
    ("no-such-charset", None), (None, None), ("", None),
])
def test_charset_labels(label: str | None, expected: str | None) -> None:
    assert canonical(label) == expected


def test_gbk_without_any_declaration_is_detected() -> None:
    decoded = decode_page(page(codec="gb18030"), "text/html")
    assert (decoded.encoding, decoded.note) == ("gb18030", None)
    assert TEXT in decoded.text


def test_big5_without_any_declaration_is_detected() -> None:
    # Big5 bytes decode as GB18030 too (into nonsense): detection, not the GBK shortcut, decides.
    text = to_traditional(TEXT)
    decoded = decode_page(page(text, codec="big5"), "text/html")
    assert (decoded.encoding, decoded.note) == ("big5", None)
    assert text in decoded.text


def test_gb2312_declared_gbk_served_keeps_characters_gb2312_lacks() -> None:
    # 镕 (朱镕基) and 堃 are GBK, not GB2312: a strict gb2312 decoder would lose them.
    text = "朱镕基同志、李堃同志" + TEXT
    raw = page(text, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
               "gbk")
    assert decode(raw, "text/html") == (DOC.format(
        meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        text=text), "gb18030")


def test_header_charset_wins_over_meta_when_both_fit() -> None:
    raw = page(meta='<meta charset="big5">', codec="gbk")
    assert decode(raw, "text/html; charset=GBK")[1] == "gb18030"


def test_utf8_declared_gbk_served() -> None:
    decoded = decode_page(page(meta='<meta charset="utf-8">', codec="gb18030"), "text/html")
    assert decoded.encoding == "gb18030"
    assert TEXT in decoded.text
    assert decoded.note == "declared utf-8, but the bytes are gb18030"


def test_gb2312_declared_utf8_served() -> None:
    # A CMS migrated to UTF-8 that kept the old <meta>: valid UTF-8 is never an accident.
    decoded = decode_page(page(meta='<meta charset="gb2312">'), "text/html; charset=gb2312")
    assert (decoded.encoding, TEXT in decoded.text) == ("utf-8", True)
    assert decoded.note is not None and "UTF-8" in decoded.note


@pytest.mark.parametrize("header", ["text/html; charset=ISO-8859-1", "text/html", None])
def test_never_latin1(header: str | None) -> None:
    for raw in (page(meta='<meta charset="utf-8">'), page(codec="gb18030"), page()):
        text, encoding = decode(raw, header)
        assert encoding in ("utf-8", "gb18030")
        assert TEXT in text


def test_a_few_bad_bytes_do_not_send_a_utf8_page_to_detection() -> None:
    raw = page(meta='<meta charset="utf-8">') + "文".encode()[:2]  # truncated response
    decoded = decode_page(raw, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8" and TEXT in decoded.text
    assert decoded.note is not None and "replaced" in decoded.note


def test_byte_order_mark_and_override() -> None:
    assert decode(codecs.BOM_UTF8 + page(codec="utf-8"), "text/html; charset=gbk")[1] == "utf-8"
    assert decode(page(codec="gb18030"), None, override="gbk")[1] == "gb18030"


def test_ascii_page() -> None:
    assert decode(b"<html><body>ok</body></html>", None) == ("<html><body>ok</body></html>",
                                                             "utf-8")


@pytest.mark.parametrize("name", ["jiangxi_hanweb_detail_xxgkTitle_RAWBYTES.html",
                                  "jiangxi_hanweb_detail_jiedu_no_xxgk_RAWBYTES.html"])
def test_jiangxi_raw_bytes_with_a_bare_text_html_header(real_pages: Path, name: str) -> None:
    # The response requests decoded as ISO-8859-1 (MANIFEST.json): the <meta> says utf-8.
    raw = (real_pages / name).read_bytes()
    x = extract(raw, "http://www.jiangxi.gov.cn/art/2020/2/26/art_4975_1510362.html",
                content_type="text/html")
    assert x.encoding == "utf-8"
    assert "江西省" in (x.title or "") and "Ã" not in x.text and "æ" not in x.text
