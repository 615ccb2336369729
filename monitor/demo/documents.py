"""The documents of the sample portal: what each site holds, where, and what revision 1 changes.

Documents are the seed itself plus one document per section of its body (split at （一）… or
一、… headings), with deterministic dates, 索引号, 文号 and attachments. Revision 1 is the portal a
week later: see ``revision_changes()`` for exactly what differs, and what is only noise.

This module knows the content and the paths (documents, attachments, list pages); how the pages
look is ``monitor.demo.sample``'s business, the attachments' bytes ``monitor.demo.files``'.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import opencc

from monitor.demo.files import pdf_bytes, xlsx_bytes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = PROJECT_ROOT / "seeds" / "samples"
REVISION_COUNT = 2  # revisions 0 and 1


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
class Site:
    id: str
    name: str
    family: str
    traditional: bool      # chrome in traditional script (a converted copy of the portal)
    per_page: int
    column: str            # 栏目 name
    list_template: str
    detail_template: str


SITES: tuple[Site, ...] = (
    Site("wuxi-fgw", "无锡市发展和改革委员会", "trs", True, 5, "政策文件",
         "trs_list.html", "trs_detail.html"),
    Site("changzhou", "常州市人民政府", "hanweb", False, 5, "政策文件",
         "hanweb_list.html", "hanweb_detail.html"),
    Site("yixing", "宜兴市人民政府", "generic", False, 5, "市政府文件",
         "yixing_list.html", "yixing_detail.html"),
    Site("kunshan", "昆山市人民政府", "ucap", False, 5, "政府工作报告",
         "ucap_list.html", "ucap_detail.html"),
    Site("wxrb", "无锡日报", "epaper", False, 6, "要闻",
         "epaper_node.html", "epaper_content.html"),
)
SITES_BY_ID = {s.id: s for s in SITES}

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


def _pdf_attachment(name: str, path: str, index_no: str | None) -> SampleAttachment:
    label = index_no or path.rsplit("/", 1)[-1]
    return SampleAttachment(name, path, "application/pdf",
                            pdf_bytes(f"govwatch sample attachment {label}"))


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
            xlsx_bytes([["序号", "任务", "责任单位"],
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
        page_no = 2 + number // SITES_BY_ID["wxrb"].per_page
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


def check_revision(revision: int) -> None:
    if revision not in range(REVISION_COUNT):
        raise ValueError(f"revision must be 0 or 1, not {revision!r}")


def sample_documents(samples_dir: Path = DEFAULT_SAMPLES,
                     revision: int = 0) -> list[SampleDocument]:
    """Every document of the sample portal in ``revision``, site by site."""
    check_revision(revision)
    docs: list[SampleDocument] = []
    for site in SITES:
        docs.extend(_BUILDERS[site.id](samples_dir, revision))
    return docs


# ---------------------------------------------------------------------------------------------
# List pages: where each site lists its documents


def pages_of(items: list[SampleDocument], per_page: int) -> list[list[SampleDocument]]:
    """``items`` cut into list pages of ``per_page``; a site with no documents has one empty
    page."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]


def list_urls(site: Site, count: int) -> list[str]:
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


# ---------------------------------------------------------------------------------------------
# The description of revision 1


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
    yixing = SITES_BY_ID[REORDERED_SITE]
    count = len(pages_of([d for d in after if d.site == REORDERED_SITE], yixing.per_page))
    return RevisionChanges(
        revision=1, new=new, edited=(edited,), status_changed=(status,), removed=removed,
        noise_only=noise, script_switched=(switched,),
        reordered_lists=tuple(list_urls(yixing, count)),
        status_fields={status: {"status": ("有效", "失效")}},
        text_edits={edited: EDITS})


__all__ = [
    "DEFAULT_SAMPLES",
    "EDITED",
    "EDITS",
    "NEW_NUMBER",
    "PROJECT_ROOT",
    "REORDERED_SITE",
    "REVISION_COUNT",
    "SCRIPT_SWITCHED",
    "SITES",
    "SITES_BY_ID",
    "STATUS_CHANGED",
    "RevisionChanges",
    "SampleAttachment",
    "SampleDocument",
    "Site",
    "check_revision",
    "list_urls",
    "pages_of",
    "revision_changes",
    "sample_documents",
    "to_simplified",
    "to_traditional",
]
