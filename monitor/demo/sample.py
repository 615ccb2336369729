"""The sample portal: five sites built from the seed documents, in two revisions.

Each site imitates the markup of one CMS family seen on real portals (``../shared/real-pages``), so
that the demo and the end-to-end tests exercise the generic crawler rather than a friendly
fixture:

=========  ====================  ===========================================================
site       family                what it exercises
=========  ====================  ===========================================================
wuxi-fgw   TRS (拓尔思)           ``createPageHTML()`` pager with no <a> to the next page;
                                 label/value cells, three pairs a row; traditional copy with
                                 converter debris in labels and chrome (seed 000)
changzhou  Hanweb (大汉)          GBK bytes, ``gb2312`` declared only in <meta>; rows in
                                 ``<datastore><record><![CDATA[…]]>``; 下一页 to
                                 ``?uid=…&pageNum=N``; ``<b>索  引  号:</b>VALUE`` in one cell;
                                 body between ContentStart/ContentEnd; an empty 文件编号
yixing     generic JSP           ``?page=N`` with numbered links and 下一页; ``<span>标签：</span>``
                                 list items; body in a container no CMS rule knows
kunshan    Ucap (开普云)          ``div.meta-data > dl > dd > label>font`` + ``div.display-block``;
                                 body in ``<ucapcontent>``; titles and bodies pasted from a
                                 traditional copy (seed 004) into a simplified portal
wxrb       founder e-paper       no metadata at all, only a 来源/日期 line; 版面 pages linked by
                                 下一版 (seed 001, the newspaper print of seed 000's plan)
=========  ====================  ===========================================================

Documents are the seed itself plus one document per section of its body (split at （一）… or
一、… headings), with deterministic dates, 索引号, 文号 and attachments. Revision 1 is the portal a
week later: see ``revision_changes()`` for exactly what differs, and what is only noise.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import jinja2
import opencc

from monitor.demo.server import Page, make_etag

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = PROJECT_ROOT / "seeds" / "samples"
TEMPLATES = PROJECT_ROOT / "templates" / "portal"
REVISION_COUNT = 2  # revisions 0 and 1

# What the page header's clock says, per revision: the portal is re-rendered a week later.
_CLOCK = (date(2021, 3, 15), date(2021, 3, 22))
# When each revision was generated (Last-Modified of the HTML pages).
_GENERATED = (datetime(2021, 3, 15, 8, 0, 0), datetime(2021, 3, 22, 8, 0, 0))
_WEEKDAYS = "一二三四五六日"

UTF8_HTML = "text/html; charset=UTF-8"
# Hanweb portals send no charset in the header; the page's <meta> says gb2312, the bytes are GBK.
BARE_HTML = "text/html"


# ---------------------------------------------------------------------------------------------
# Script conversion


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    return str(_converter("s2t").convert(text))


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


# ---------------------------------------------------------------------------------------------
# What a document is


@dataclass(frozen=True)
class SampleAttachment:
    name: str
    path: str           # URL path (and query) the server answers with ``body``
    content_type: str
    body: bytes
    disposition: str | None = None  # download.jsp style: Content-Disposition: attachment


@dataclass(frozen=True)
class SampleDocument:
    """One document of the sample portal, with the values extraction should find on its page.

    ``publisher``, ``status`` and ``title`` are given as the page shows them (a traditional copy
    keeps its script and its converter debris); compare them with ``crawler.extraction.text
    .normalize`` on both sides.
    """

    site: str
    number: int                   # 0: the seed document itself; 1…: its sections; 100+: new
    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: date
    created: date
    index_no: str | None
    publisher: str | None
    doc_no: str | None            # None: the page shows a placeholder or nothing
    status: str | None
    category: str | None
    summary: str | None
    attachments: tuple[SampleAttachment, ...]
    views: int
    simplified: bool = False      # re-served in simplified script (revision 1 noise)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class RevisionChanges:
    """What a revision changed compared with the one before, as paths (or, after
    ``absolute()``, URLs). Every event the second crawl records must be listed here; every
    document in ``noise_only`` changed its bytes but must yield no event."""

    revision: int
    new: tuple[str, ...]
    edited: tuple[str, ...]
    status_changed: tuple[str, ...]
    removed: tuple[str, ...]
    noise_only: tuple[str, ...]
    script_switched: tuple[str, ...]          # subset of noise_only
    reordered_lists: tuple[str, ...]          # list pages whose row order changed
    status_fields: dict[str, dict[str, tuple[str | None, str | None]]] = field(
        default_factory=dict)                 # path → {"status": (old, new)}
    text_edits: dict[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict)                 # path → ((old, new), …) replacements

    def absolute(self, base_url: str) -> RevisionChanges:
        base = base_url.rstrip("/")

        def urls(paths: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(base + p for p in paths)

        return replace(
            self, new=urls(self.new), edited=urls(self.edited),
            status_changed=urls(self.status_changed), removed=urls(self.removed),
            noise_only=urls(self.noise_only), script_switched=urls(self.script_switched),
            reordered_lists=urls(self.reordered_lists),
            status_fields={base + k: v for k, v in self.status_fields.items()},
            text_edits={base + k: v for k, v in self.text_edits.items()})

    def expected_events(self) -> list[tuple[str, str]]:
        """``(kind, url)`` of every event the crawl after this revision must record."""
        events = [("new", u) for u in self.new] + [("changed", u) for u in self.edited]
        events += [("status", u) for u in self.status_changed]
        events += [("removed", u) for u in self.removed]
        return sorted(events)


# ---------------------------------------------------------------------------------------------
# Seeds: junk lines off, body split at section headings


def _read_seed(samples_dir: Path, prefix: str) -> list[str]:
    matches = sorted(samples_dir.glob(f"{prefix}_*.txt"))
    if not matches:
        raise FileNotFoundError(f"no seed document {prefix}_*.txt in {samples_dir}")
    text = matches[0].read_text(encoding="utf-8")
    return [line.strip(" \t\u3000\u00a0") for line in text.splitlines()]


def _paragraphs(lines: Iterable[str]) -> list[str]:
    return [line for line in lines if line and line != "|"]


@dataclass(frozen=True)
class _Seed:
    body: tuple[str, ...]                              # paragraphs of the seed document
    sections: tuple[tuple[str, ...], ...]              # heading + its paragraphs


def _split(body: Sequence[str], is_heading: Callable[[str], bool]) -> list[tuple[str, ...]]:
    sections: list[list[str]] = []
    for paragraph in body:
        if is_heading(paragraph):
            sections.append([paragraph])
        elif sections:
            sections[-1].append(paragraph)
    return [tuple(s) for s in sections]


def _short_heading(paragraph: str) -> bool:
    """000 and 002: headings are the short lines (some are mojibake: GBK read one byte off)."""
    return len(paragraph) <= 45 and not paragraph.endswith((":", "：", "。"))


_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_PAREN = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_IS_POINT = re.compile(r"^[一二三四五六]是")


def _seed_000(samples_dir: Path) -> _Seed:
    lines = _read_seed(samples_dir, "000")
    # Lines 1-5 are the page's chrome and its metadata table flattened to text; the last line
    # is the 来源 line. The portal renders both as markup.
    body = [p for p in _paragraphs(lines[5:]) if not p.startswith("來源")]
    return _Seed(tuple(body), tuple(_split(body, _short_heading)))


def _seed_001(samples_dir: Path) -> _Seed:
    lines = _paragraphs(_read_seed(samples_dir, "001"))
    body = lines[1:]  # the first line is the headline, shown as the title

    def heading(p: str) -> bool:
        short = len(p) <= 45 and bool(_NUMBERED.match(p) or _PAREN.match(p))
        return short or bool(_IS_POINT.match(p))

    return _Seed(tuple(body), tuple(_split(body, heading)))


def _seed_002(samples_dir: Path) -> _Seed:
    lines = _read_seed(samples_dir, "002")
    # Lines 1-12: the metadata table flattened to "label:value |"; the tail: 扫一扫 and "|".
    body = [p for p in _paragraphs(lines[12:]) if not p.startswith("掃一掃")]
    return _Seed(tuple(body), tuple(_split(body, _short_heading)))


def _seed_003(samples_dir: Path) -> _Seed:
    lines = _read_seed(samples_dir, "003")
    # Lines 1-15: column name, breadcrumb, title, info line and the metadata table as text.
    body = _paragraphs(lines[15:])
    return _Seed(tuple(body), tuple(_split(body, lambda p: bool(_NUMBERED.match(p)))))


def _seed_004(samples_dir: Path) -> _Seed:
    lines = _read_seed(samples_dir, "004")
    # Line 1 is a content farm's blurb ("和大家分享…范本资料,欢迎你的参阅"), not the report.
    body = _paragraphs(lines[1:])
    return _Seed(tuple(body), tuple(_split(
        body, lambda p: len(p) <= 60 and bool(_PAREN.match(p)))))


# ---------------------------------------------------------------------------------------------
# Sites


@dataclass(frozen=True)
class _Site:
    id: str
    name: str
    family: str
    traditional: bool      # chrome in traditional script (a converted copy of the portal)
    per_page: int
    column: str            # 栏目 name
    list_template: str
    detail_template: str


SITES: tuple[_Site, ...] = (
    _Site("wuxi-fgw", "无锡市发展和改革委员会", "trs", True, 5, "政策文件",
          "trs_list.html", "trs_detail.html"),
    _Site("changzhou", "常州市人民政府", "hanweb", False, 5, "政策文件",
          "hanweb_list.html", "hanweb_detail.html"),
    _Site("yixing", "宜兴市人民政府", "generic", False, 5, "市政府文件",
          "yixing_list.html", "yixing_detail.html"),
    _Site("kunshan", "昆山市人民政府", "ucap", False, 5, "政府工作报告",
          "ucap_list.html", "ucap_detail.html"),
    _Site("wxrb", "无锡日报", "epaper", False, 6, "要闻",
          "epaper_node.html", "epaper_content.html"),
)
_SITE = {s.id: s for s in SITES}
# Footers name the site's sponsor (主办单位); on a newspaper it is not the article's publisher.
SPONSORS = {"wxrb": "无锡日报社"}

WUXI_SECTIONS = (
    "着力抢占创新驱动发展新赛道", "着力打造现代产业发展新高地", "着力迈出融入新发展格局新步伐",
    "着力谋求全面深化改革新突破", "着力塑造区域协调发展新优势", "着力提升美丽无锡建设新形象",
    "着力绘就江南文化名城新画卷", "着力满足人民美好生活新期待", "着力打造市域社会治理新样板",
)
CHANGZHOU_SECTIONS = (
    "厚植区域创新发展新动能", "打造产业集群发展新高地", "主动服务融入新发展格局",
    "推动城乡融合发展新提升", "构筑生态绿色发展新优势", "提升民生共享发展新成效",
    "开创市域安全发展新局面", "展现为民务实清廉新形象",
)
KUNSHAN_SECTIONS = (
    "“十四五”时期的指导思想", "“十四五”时期的发展定位", "“十四五”时期的工作重点",
    "注重精准施策，着力推动经济行稳致远", "坚持创新驱动，着力提升产业科创水平",
    "深化改革开放，着力增创领先发展优势", "践行减量理念，着力建设宜居宜业城市",
    "突出优质均衡，着力增进人民群众福祉", "树牢底线思维，着力夯实安全稳定根基",
)

# Revision 1's deliberate changes.
EDITED = ("wuxi-fgw", 0)
EDITS = (("總值增長7%", "總值增長6.5%"), ("實際使用外資38億美元", "實際使用外資40億美元"))
STATUS_CHANGED = ("changzhou", 3)
SCRIPT_SWITCHED = ("kunshan", 2)
REORDERED_SITE = "yixing"
NEW_NUMBER = 100


def _check_sections(site: str, sections: Sequence[object], titles: Sequence[str]) -> None:
    if len(sections) != len(titles):
        raise ValueError(f"{site}: the seed has {len(sections)} sections, "
                         f"{len(titles)} titles are defined")


def _views(site_index: int, number: int, revision: int) -> int:
    """A view counter: deterministic, and higher in every later revision."""
    base = 137 + 53 * site_index + 29 * number
    return base + revision * (41 + 7 * number)


def _pdf(text: str) -> bytes:
    """A small valid one-page PDF stating ``text`` (ASCII): attachments have real bytes."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


def _xml(root: ElementTree.Element) -> bytes:
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """A minimal valid .xlsx (one sheet, inline strings) with fixed zip timestamps, so that the
    same revision always serves the same bytes."""
    types = ElementTree.Element(f"{{{_NS_TYPES}}}Types")
    for ext, kind in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                      ("xml", "application/xml")):
        ElementTree.SubElement(types, f"{{{_NS_TYPES}}}Default", Extension=ext, ContentType=kind)
    for part, kind in (("/xl/workbook.xml", "sheet.main+xml"),
                       ("/xl/worksheets/sheet1.xml", "worksheet+xml")):
        ElementTree.SubElement(
            types, f"{{{_NS_TYPES}}}Override", PartName=part,
            ContentType=f"application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}")

    def relationships(target: str, kind: str) -> ElementTree.Element:
        rels = ElementTree.Element(f"{{{_NS_PKG_REL}}}Relationships")
        ElementTree.SubElement(rels, f"{{{_NS_PKG_REL}}}Relationship", Id="rId1",
                               Type=f"{_NS_REL}/{kind}", Target=target)
        return rels

    workbook = ElementTree.Element(f"{{{_NS_MAIN}}}workbook")
    sheets = ElementTree.SubElement(workbook, f"{{{_NS_MAIN}}}sheets")
    ElementTree.SubElement(sheets, f"{{{_NS_MAIN}}}sheet",
                           {"name": "Sheet1", "sheetId": "1", f"{{{_NS_REL}}}id": "rId1"})
    sheet = ElementTree.Element(f"{{{_NS_MAIN}}}worksheet")
    data = ElementTree.SubElement(sheet, f"{{{_NS_MAIN}}}sheetData")
    for r, values in enumerate(rows, start=1):
        row = ElementTree.SubElement(data, f"{{{_NS_MAIN}}}row", r=str(r))
        for c, value in enumerate(values):
            cell = ElementTree.SubElement(row, f"{{{_NS_MAIN}}}c", r=f"{chr(65 + c)}{r}",
                                          t="inlineStr")
            inline = ElementTree.SubElement(cell, f"{{{_NS_MAIN}}}is")
            ElementTree.SubElement(inline, f"{{{_NS_MAIN}}}t").text = value
    parts = (
        ("[Content_Types].xml", _xml(types)),
        ("_rels/.rels", _xml(relationships("xl/workbook.xml", "officeDocument"))),
        ("xl/workbook.xml", _xml(workbook)),
        ("xl/_rels/workbook.xml.rels", _xml(relationships("worksheets/sheet1.xml",
                                                          "worksheet"))),
        ("xl/worksheets/sheet1.xml", _xml(sheet)),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in parts:
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 25, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    return out.getvalue()


def _pdf_attachment(name: str, path: str, index_no: str | None) -> SampleAttachment:
    label = index_no or path.rsplit("/", 1)[-1]
    return SampleAttachment(name, path, "application/pdf",
                            _pdf(f"govwatch sample attachment {label}"))


# ---------------------------------------------------------------------------------------------
# Documents per site


def _wuxi(samples_dir: Path, revision: int) -> list[SampleDocument]:
    seed = _seed_000(samples_dir)
    _check_sections("wuxi-fgw", seed.sections, WUXI_SECTIONS)
    # The seed's own values, as its traditional copy prints them (debris included).
    publisher = "無錫市發(fā)展和改革委員會"
    main_title = to_traditional("2021年政府工作重点")
    parts: list[tuple[str, tuple[str, ...], str]] = [(main_title, seed.body, main_title)]
    for heading, section in zip(WUXI_SECTIONS, seed.sections, strict=True):
        title = to_traditional(f"2021年政府工作重点：{heading}")
        parts.append((title, section, to_traditional(heading)))
    if revision >= 1:
        # A note published between the two crawls, restating the revised targets.
        edited_targets = _apply_edits(seed.body[1])
        parts.append((to_traditional("关于调整2021年全市经济社会发展主要预期目标的说明"),
                      (seed.body[0], edited_targets),
                      to_traditional("2021年主要预期目标调整")))
    docs = []
    for number, (title, paragraphs, summary) in enumerate(parts):
        if number == len(WUXI_SECTIONS) + 1:
            number = NEW_NUMBER
            published = date(2021, 3, 18)
        else:
            published = date(2021, 2, 18) + timedelta(days=2 * number)
        if revision >= 1 and number == EDITED[1]:
            paragraphs = tuple(_apply_edits(p) for p in paragraphs)
            if paragraphs == parts[number][1]:
                raise ValueError("wuxi-fgw: the revision-1 edit no longer applies to seed 000")
        ymd = published.strftime("%Y%m%d")
        doc_id = 3201 + number
        folder = f"/wuxi-fgw/zcwj/{published:%Y%m}"
        index_no = "014006438/2021-00798" if number == 0 else \
            f"014006438/2021-{798 + 3 * number:05d}"
        attachment = _pdf_attachment(f"{title}.pdf", f"{folder}/P0{ymd}{doc_id * 7919:012d}.pdf",
                                     index_no)
        docs.append(SampleDocument(
            site="wuxi-fgw", number=number, path=f"{folder}/t{ymd}_{doc_id}.html", title=title,
            paragraphs=tuple(paragraphs), published=published, created=published,
            index_no=index_no, publisher=publisher, doc_no=None, status="有效",
            category=None, summary=summary, attachments=(attachment,),
            views=_views(0, number, revision)))
    return docs


def _apply_edits(paragraph: str) -> str:
    for old, new in EDITS:
        paragraph = paragraph.replace(old, new)
    return paragraph


def _changzhou(samples_dir: Path, revision: int) -> list[SampleDocument]:
    seed = _seed_002(samples_dir)
    _check_sections("changzhou", seed.sections, CHANGZHOU_SECTIONS)
    parts = [("2021年市政府重点工作", seed.body)]
    parts += [(f"2021年市政府重点工作：{h}", s)
              for h, s in zip(CHANGZHOU_SECTIONS, seed.sections, strict=True)]
    docs = []
    for number, (title, paragraphs) in enumerate(parts):
        published = date(2021, 1, 25) + timedelta(days=3 * number)
        art = 1234 + number
        status = "有效"
        if revision >= 1 and number == STATUS_CHANGED[1]:
            status = "失效"
        filename = f"{published:%y%m%d}{art}.xlsx"
        attachment = SampleAttachment(
            f"{title}任务分解表.xlsx",
            "/changzhou/module/download/downfile.jsp?" + urlencode(
                {"classid": "0", "filename": filename}),
            "application/octet-stream",
            _xlsx([["序号", "任务", "责任单位"],
                   ["1", title, "常州市人民政府办公室"]]),
            disposition=f'attachment; filename="{filename}"')
        docs.append(SampleDocument(
            site="changzhou", number=number,
            path=f"/changzhou/art/{published.year}/{published.month}/{published.day}/"
                 f"art_46_{art}.html",
            title=title, paragraphs=tuple(paragraphs), published=published,
            created=published - timedelta(days=7),
            index_no="014109429/2021-00086" if number == 0 else
            f"014109429/2021-{86 + 4 * number:05d}",
            publisher="常州市人民政府",
            # The seed's 文件编号 cell is empty; the sections carry a 文号.
            doc_no=None if number == 0 else f"常政发〔2021〕{2 + number}号",
            status=status, category="权责清单" if number == 0 else "计划规划",
            summary=title, attachments=(attachment,), views=_views(1, number, revision)))
    return docs


def _yixing(samples_dir: Path, revision: int) -> list[SampleDocument]:
    seed = _seed_003(samples_dir)
    parts = [("市政府关于印发2020年重点工作分解落实方案的通知", seed.body)]
    for section in seed.sections:
        heading = _NUMBERED.sub("", section[0])
        parts.append((f"市政府2020年重点工作分解落实方案：{heading}", section))
    docs = []
    for number, (title, paragraphs) in enumerate(parts):
        published = date(2020, 9, 22) + timedelta(days=number)
        doc_id = 914512 + number
        attachment = _pdf_attachment(
            "下载", f"/yixing/uploadfile/{published:%Y/%m%d}/{published:%Y%m%d}160015"
                     f"{number:03d}.pdf",
            None)
        docs.append(SampleDocument(
            site="yixing", number=number,
            path=f"/yixing/doc/{published:%Y/%m/%d}/{doc_id}.shtml", title=title,
            paragraphs=tuple(paragraphs), published=published, created=published,
            index_no="014046317/2020-03624" if number == 0 else
            f"014046317/2020-{3624 + 3 * number:05d}",
            publisher="宜兴市人民政府网站",
            doc_no="宜政发〔2020〕160号" if number == 0 else f"宜政办发〔2020〕{60 + number}号",
            status="有效", category="国民经济管理、国有资产监管",
            summary=title, attachments=(attachment,), views=_views(2, number, revision)))
    return docs


def _kunshan(samples_dir: Path, revision: int) -> list[SampleDocument]:
    seed = _seed_004(samples_dir)
    _check_sections("kunshan", seed.sections, KUNSHAN_SECTIONS)
    parts = [(to_traditional("2021年昆山市人民政府工作报告"), seed.body)]
    parts += [(to_traditional(f"昆山市政府工作报告：{h}"), s)
              for h, s in zip(KUNSHAN_SECTIONS, seed.sections, strict=True)]
    docs = []
    for number, (title, paragraphs) in enumerate(parts):
        published = date(2021, 1, 20) + timedelta(days=number)
        digest = hashlib.sha1(f"kunshan/{number}".encode()).hexdigest()
        folder = f"/kunshan/zfxxgk/gzbg/{published:%Y%m}"
        index_no = f"01410003K/2021-{112 + 5 * number:05d}"
        attachment = _pdf_attachment(
            f"{title}.pdf" if number else to_traditional("政府工作报告全文.pdf"),
            f"{folder}/P0{published:%Y%m%d}{digest[:12]}.pdf", index_no)
        doc = SampleDocument(
            site="kunshan", number=number, path=f"{folder}/{digest[:32]}.shtml", title=title,
            paragraphs=tuple(paragraphs), published=published,
            created=published - timedelta(days=3), index_no=index_no,
            publisher="昆山市人民政府", doc_no=f"昆政发〔2021〕{1 + number}号",
            status="有效", category="综合政务",
            summary=title, attachments=(attachment,), views=_views(3, number, revision))
        if revision >= 1 and number == SCRIPT_SWITCHED[1]:
            doc = _simplified_copy(doc)
        docs.append(doc)
    return docs


def _simplified_copy(doc: SampleDocument) -> SampleDocument:
    """The same document re-served in simplified script (the portal switched its copy)."""

    def s(value: str | None) -> str | None:
        return to_simplified(value) if value is not None else None

    return replace(
        doc, title=to_simplified(doc.title),
        paragraphs=tuple(to_simplified(p) for p in doc.paragraphs),
        publisher=s(doc.publisher), doc_no=s(doc.doc_no), status=s(doc.status),
        category=s(doc.category), summary=s(doc.summary),
        attachments=tuple(replace(a, name=to_simplified(a.name)) for a in doc.attachments),
        simplified=True)


def _wxrb_title(heading: str) -> str:
    text = _NUMBERED.sub("", _PAREN.sub("", heading))
    if _IS_POINT.match(text):
        text = text[2:].split("。", 1)[0]
    return "政府工作报告：" + text.replace(",", "，")


def _wxrb(samples_dir: Path, revision: int) -> list[SampleDocument]:
    seed = _seed_001(samples_dir)
    parts = [("政府工作报告", seed.body)]
    parts += [(_wxrb_title(section[0]), section) for section in seed.sections]
    issue = date(2021, 1, 25)
    docs = []
    for number, (title, paragraphs) in enumerate(parts):
        page_no = 2 + number // _SITE["wxrb"].per_page
        attachment = _pdf_attachment(
            "PDF版", f"/wxrb/images/{issue:%Y-%m/%d}/{page_no:02d}/{issue:%Y%m%d}{page_no:02d}"
                     f"_pdf.pdf", None)
        docs.append(SampleDocument(
            site="wxrb", number=number,
            path=f"/wxrb/html/{issue:%Y-%m/%d}/content_{51230 + number}.htm", title=title,
            paragraphs=tuple(paragraphs), published=issue, created=issue, index_no=None,
            publisher=None, doc_no=None, status=None, category=None, summary=None,
            attachments=(attachment,), views=_views(4, number, revision)))
    return docs


_BUILDERS: dict[str, Callable[[Path, int], list[SampleDocument]]] = {
    "wuxi-fgw": _wuxi, "changzhou": _changzhou, "yixing": _yixing, "kunshan": _kunshan,
    "wxrb": _wxrb,
}


def _check_revision(revision: int) -> None:
    if revision not in range(REVISION_COUNT):
        raise ValueError(f"revision must be 0 or 1, not {revision!r}")


def sample_documents(samples_dir: Path = DEFAULT_SAMPLES,
                     revision: int = 0) -> list[SampleDocument]:
    """Every document of the sample portal in ``revision``, site by site."""
    _check_revision(revision)
    docs: list[SampleDocument] = []
    for site in SITES:
        docs.extend(_BUILDERS[site.id](samples_dir, revision))
    return docs


# ---------------------------------------------------------------------------------------------
# Rendering


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _render(template: str, context: dict[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def _chrome(site: _Site, revision: int) -> dict[str, str]:
    """The page furniture every template shows, in the site's script. The clock and the visitor
    counter differ between revisions: noise a crawler must not report."""
    today = _CLOCK[revision]
    visitors = 1_823_441 + 9_317 * (SITES.index(site) + 1) + 65_113 * revision
    weekday = _WEEKDAYS[today.weekday()]
    words = {
        "today": f"今天是：{today.year}年{today.month}月{today.day}日 星期{weekday}",
        "home": "首页", "site_home": "网站首页", "position": "当前位置：", "search": "搜索",
        "font": "文字大小", "big": "大", "middle": "中", "small": "小", "views": "浏览次数：",
        "print": "打印本页", "close": "关闭窗口", "scan": "扫一扫在手机打开当前页",
        "published": "发布时间：", "source": "来源：", "top": "返回顶部",
        "copyright": f"版权所有：{site.name}",
        "sponsor": f"主办单位：{SPONSORS.get(site.id, site.name)}",
        "icp": "苏ICP备05012345号-1", "police": "苏公网安备 32020202000123号",
        "site_code": "网站标识码：3202000012", "visitors": f"您是本站第{visitors}位访客",
        "contact": "联系我们", "sitemap": "网站地图", "accessibility": "无障碍浏览",
        "column": site.column, "gov": "中国政府网", "province": "江苏省人民政府",
        "name": site.name, "xxgk": "政府信息公开", "zcwj": "政策文件",
    }
    if site.traditional:
        words = {k: to_traditional(v) for k, v in words.items()}
    if site.id == "wuxi-fgw":
        # The seed's traditional copy carries converter debris in the chrome too.
        words["views"] = "瀏覽次數(shù)："
    return words


def _html_page(text: str, encoding: str, content_type: str, revision: int) -> Page:
    body = text.encode(encoding)
    return Page(body, headers={"Content-Type": content_type}, etag=make_etag(body),
                last_modified=_GENERATED[revision])


def _attachment_page(attachment: SampleAttachment, published: date) -> Page:
    headers = {"Content-Type": attachment.content_type}
    if attachment.disposition:
        headers["Content-Disposition"] = attachment.disposition
    # Attachments don't change between revisions: a conditional re-fetch gets 304.
    return Page(attachment.body, headers=headers, etag=make_etag(attachment.body),
                last_modified=datetime(published.year, published.month, published.day, 2))


def _list_order(site: _Site, docs: list[SampleDocument], revision: int) -> list[SampleDocument]:
    if site.family == "epaper":
        return sorted(docs, key=lambda d: d.number)  # a newspaper keeps its printed order
    ordered = sorted(docs, key=lambda d: (d.published, d.number), reverse=True)
    if site.id == REORDERED_SITE and revision >= 1:
        # The portal pins the main notice on top (置顶): the order changes, the content does not.
        ordered.sort(key=lambda d: d.number != 0)
    return ordered


def _pages_of(items: list[SampleDocument], per_page: int) -> list[list[SampleDocument]]:
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]


def _short(title: str, limit: int = 18) -> str:
    """Lists cut long titles (the title attribute keeps them whole), as Hanweb lists do."""
    return title if len(title) <= limit else title[:limit] + "..."


def _row(doc: SampleDocument, href: str) -> dict[str, str]:
    return {"href": href, "title": doc.title, "short": _short(doc.title),
            "date": doc.published.isoformat()}


def _list_urls(site: _Site, count: int) -> list[str]:
    """Paths of the list pages 1…count (index 0 is the start URL)."""
    if site.id == "wuxi-fgw":
        return ["/wuxi-fgw/zcwj/index.html"] + [f"/wuxi-fgw/zcwj/index_{n}.html"
                                                for n in range(1, count)]
    if site.id == "changzhou":
        return ["/changzhou/col/col46/index.html"] + [
            f"/changzhou/col/col46/index.html?uid=3371&pageNum={n}" for n in range(2, count + 1)]
    if site.id == "yixing":
        return ["/yixing/zcwj/list.jsp"] + [f"/yixing/zcwj/list.jsp?page={n}"
                                            for n in range(2, count + 1)]
    if site.id == "kunshan":
        return ["/kunshan/zfxxgk/gzbg/index.shtml"] + [f"/kunshan/zfxxgk/gzbg/index_{n}.shtml"
                                                       for n in range(2, count + 1)]
    return [f"/wxrb/html/2021-01/25/node_{n}.htm" for n in range(2, count + 2)]


def start_path(site_id: str) -> str:
    return _list_urls(_SITE[site_id], 1)[0]


def _relative(from_path: str, to_path: str) -> str:
    """A link as CMS templates write them: relative within the page's folder (TRS writes
    ``./202102/t20210218_1.html``), root-relative elsewhere."""
    from_dir = from_path.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    if to_path.startswith(from_dir):
        return "./" + to_path[len(from_dir):]
    return to_path


def _detail_context(site: _Site, doc: SampleDocument, chrome: dict[str, str],
                    column_path: str, list_path: str) -> dict[str, Any]:
    """``column_path``: the 栏目's first page (navigation, breadcrumb); ``list_path``: the list
    page that shows the document (the e-paper's 返回版面)."""
    attachments = [{"name": a.name, "href": _relative(doc.path, a.path),
                    "file": a.path.rsplit("=", 1)[-1].rsplit("/", 1)[-1]}
                   for a in doc.attachments]
    return {
        "site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                 "list_url": column_path, "home": f"/{site.id}/"},
        "chrome": chrome,
        "list_page": list_path,
        "doc": {
            "title": doc.title, "paragraphs": doc.paragraphs, "index_no": doc.index_no or "",
            "publisher": doc.publisher or "", "doc_no": doc.doc_no or "",
            "created": doc.created.isoformat(), "published": doc.published.isoformat(),
            "pubtime": f"{doc.published.isoformat()} {9 + doc.number % 8:02d}:"
                       f"{(17 * doc.number) % 60:02d}",
            "status": doc.status or "", "category": doc.category or "",
            "summary": doc.summary or "", "views": doc.views, "attachments": attachments,
            "number": doc.number, "path": doc.path,
            "page_no": 2 + doc.number // site.per_page,
        },
    }


def _render_site(site: _Site, docs: list[SampleDocument], revision: int) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    chrome = _chrome(site, revision)
    encoding = "gbk" if site.id == "changzhou" else "utf-8"
    content_type = BARE_HTML if site.id == "changzhou" else UTF8_HTML
    ordered = _list_order(site, docs, revision)
    groups = _pages_of(ordered, site.per_page)
    urls = _list_urls(site, len(groups))
    list_of: dict[str, str] = {}
    for n, (group, path) in enumerate(zip(groups, urls, strict=True)):
        pager = {
            "current": n, "total": len(groups), "urls": urls, "records": len(ordered),
            "next": urls[n + 1] if n + 1 < len(groups) else None,
            "prev": urls[n - 1] if n > 0 else None, "last": urls[-1], "first": urls[0],
            "labels": [f"第{k + 2:02d}版：{site.column}" for k in range(len(groups))],
        }
        rows = [_row(doc, _relative(path, doc.path)) for doc in group]
        context = {"site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                            "list_url": urls[0], "home": f"/{site.id}/"},
                   "chrome": chrome, "rows": rows, "pager": pager, "path": path}
        pages[path] = _html_page(_render(site.list_template, context), encoding, content_type,
                                 revision)
        for doc in group:
            list_of[doc.path] = path
    if site.id == "changzhou":
        # Hanweb answers pageNum=1 too (the 上一页 link of page 2 points there).
        pages["/changzhou/col/col46/index.html?uid=3371&pageNum=1"] = pages[urls[0]]
    if site.id == "yixing":
        # A JSP list answers any page number; past the end it is an empty list.
        context = {"site": {"id": site.id, "name": chrome["name"], "column": chrome["column"],
                            "list_url": urls[0], "home": f"/{site.id}/"},
                   "chrome": chrome, "rows": [], "path": urls[0],
                   "pager": {"current": len(groups), "total": len(groups), "urls": urls,
                             "records": len(ordered),
                             "next": None, "prev": urls[-1], "last": urls[-1],
                             "first": urls[0], "labels": []}}
        for n in range(1, len(groups) + 3):
            target = f"/yixing/zcwj/list.jsp?page={n}"
            if n == 1:
                pages[target] = pages[urls[0]]
            elif n > len(groups):
                pages[target] = _html_page(_render(site.list_template, context), encoding,
                                           content_type, revision)
    for doc in docs:
        template = site.detail_template
        if doc.simplified:
            template = "ucap_detail_redesign.html"
        doc_chrome = {k: to_simplified(v) for k, v in chrome.items()} if doc.simplified \
            else chrome
        context = _detail_context(site, doc, doc_chrome, urls[0], list_of[doc.path])
        pages[doc.path] = _html_page(_render(template, context), encoding, content_type,
                                     revision)
        for attachment in doc.attachments:
            pages[attachment.path] = _attachment_page(attachment, doc.published)
    return pages


def build_portal(samples_dir: Path, revision: int) -> dict[str, Page]:
    """Every page of the sample portal in ``revision`` (0: first crawl; 1: a week later),
    keyed by path and query. The same revision always renders the same bytes."""
    _check_revision(revision)
    docs = sample_documents(samples_dir, revision)
    pages: dict[str, Page] = {}
    for site in SITES:
        pages.update(_render_site(site, [d for d in docs if d.site == site.id], revision))
    entries = [{"id": s.id, "name": s.name, "family": s.family, "url": start_path(s.id)}
               for s in SITES]
    pages["/"] = _html_page(_render("index.html", {"sites": entries}), "utf-8", UTF8_HTML,
                            revision)
    return pages


# ---------------------------------------------------------------------------------------------
# Configuration and the description of revision 1


def demo_sites(base_url: str) -> list[dict[str, Any]]:
    """Site definitions for the portal served at ``base_url``, in the configuration format of
    DESIGN.md (only what a user would write: the generic crawler must find the rest)."""
    base = base_url.rstrip("/")
    return [{
        "id": site.id,
        "name": site.name,
        "start_urls": [base + start_path(site.id)],
        "schedule": "0 7 * * *",
        "max_list_pages": 5,
        "download_delay": 0,
        # The demo's revision comes minutes after the baseline, so every document is rechecked
        # on every crawl; the default policy rechecks old documents weekly or monthly.
        "recheck": {"fresh_hours": 0, "recent_hours": 0, "old_hours": 0},
    } for site in SITES]


def _path_of(docs: Sequence[SampleDocument], site: str, number: int) -> str:
    for doc in docs:
        if doc.site == site and doc.number == number:
            return doc.path
    raise LookupError(f"no document {number} on {site}")


def revision_changes(samples_dir: Path = DEFAULT_SAMPLES, revision: int = 1) -> RevisionChanges:
    """What ``revision`` changed compared with the revision before it (paths; see
    ``RevisionChanges.absolute``)."""
    if revision != 1:
        raise ValueError("only revision 1 changes anything")
    before = sample_documents(samples_dir, 0)
    after = sample_documents(samples_dir, 1)
    old_paths = {d.path for d in before}
    new = tuple(d.path for d in after if d.path not in old_paths)
    edited = _path_of(after, *EDITED)
    status = _path_of(after, *STATUS_CHANGED)
    switched = _path_of(after, *SCRIPT_SWITCHED)
    removed = tuple(sorted(old_paths - {d.path for d in after}))
    noise = tuple(d.path for d in before if d.path not in (edited, status))
    yixing = _SITE[REORDERED_SITE]
    count = len(_pages_of([d for d in after if d.site == REORDERED_SITE], yixing.per_page))
    return RevisionChanges(
        revision=1, new=new, edited=(edited,), status_changed=(status,), removed=removed,
        noise_only=noise, script_switched=(switched,),
        reordered_lists=tuple(_list_urls(yixing, count)),
        status_fields={status: {"status": ("有效", "失效")}},
        text_edits={edited: EDITS})


__all__ = [
    "DEFAULT_SAMPLES",
    "REVISION_COUNT",
    "SITES",
    "RevisionChanges",
    "SampleAttachment",
    "SampleDocument",
    "build_portal",
    "demo_sites",
    "revision_changes",
    "sample_documents",
    "start_path",
]
